package io.streamprop.nn;

/**
 * Binary cross-entropy on one logit per example, fused with the sigmoid for stability, as PyTorch's
 * {@code BCEWithLogitsLoss}: loss = max(z,0) - z·y + log(1 + e^-|z|), which never overflows;
 * ∂loss/∂z = σ(z) - y.
 */
public final class BinaryCrossEntropyWithLogits implements LossFunction {

  @Override
  public double forward(float[] logits, float[] labels, int batch, float[] dLogits) {
    double sum = 0.0;
    final double inv = 1.0 / batch;
    for (int b = 0; b < batch; b++) {
      double z = logits[b];
      double y = labels[b];
      sum += Math.max(z, 0.0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));
      if (dLogits != null) {
        dLogits[b] = (float) ((Activation.sigmoid(z) - y) * inv); // (σ(z) - y)/B
      }
    }
    return sum * inv;
  }

  @Override
  public double forward(
      float[] logits, float[] labels, float[] weights, int batch, float[] dLogits) {
    double sum = 0.0;
    final double inv = 1.0 / batch;
    for (int b = 0; b < batch; b++) {
      final float w = weights[b];
      if (w == 0f) {
        if (dLogits != null) {
          dLogits[b] = 0f; // no gradient, not even NaN
        }
        continue;
      }
      double z = logits[b];
      double y = labels[b];
      sum += w * (Math.max(z, 0.0) - z * y + Math.log1p(Math.exp(-Math.abs(z))));
      if (dLogits != null) {
        dLogits[b] = (float) ((Activation.sigmoid(z) - y) * (w * inv)); // w·(σ(z) - y)/B
      }
    }
    return sum * inv;
  }
}
