package io.streamprop.nn;

/**
 * Softmax followed by cross-entropy against a class index, fused: loss = logsumexp(z) - z_y with
 * the log-sum-exp shifted by the row maximum, and the backward {@code dLogits = (probs - onehot) /
 * B}, which never forms the softmax's Jacobian.
 */
public final class SoftmaxCrossEntropy implements LossFunction {
  private final int classes;

  public SoftmaxCrossEntropy(int classes) {
    this.classes = classes;
  }

  @Override
  public double forward(float[] logits, float[] labels, int batch, float[] dLogits) {
    double sum = 0.0;
    final double inv = 1.0 / batch;
    for (int b = 0; b < batch; b++) {
      final int row = b * classes;
      final int y = (int) labels[b];
      float max = logits[row];
      for (int k = 1; k < classes; k++) {
        max = Math.max(max, logits[row + k]);
      }
      double s = 0.0;
      for (int k = 0; k < classes; k++) {
        s += Math.exp((double) logits[row + k] - max);
      }
      final double logSumExp = max + Math.log(s);
      sum += logSumExp - logits[row + y];
      if (dLogits != null) {
        for (int k = 0; k < classes; k++) {
          double p = Math.exp(logits[row + k] - logSumExp);
          dLogits[row + k] = (float) ((k == y ? p - 1.0 : p) * inv); // (probs - onehot)/B
        }
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
      final int row = b * classes;
      final float w = weights[b];
      if (w == 0f) {
        if (dLogits != null) {
          java.util.Arrays.fill(dLogits, row, row + classes, 0f); // no gradient, not even NaN
        }
        continue;
      }
      final int y = (int) labels[b];
      float max = logits[row];
      for (int k = 1; k < classes; k++) {
        max = Math.max(max, logits[row + k]);
      }
      double s = 0.0;
      for (int k = 0; k < classes; k++) {
        s += Math.exp((double) logits[row + k] - max);
      }
      final double logSumExp = max + Math.log(s);
      sum += w * (logSumExp - logits[row + y]);
      if (dLogits != null) {
        final double scale = w * inv; // exactly inv when w = 1
        for (int k = 0; k < classes; k++) {
          double p = Math.exp(logits[row + k] - logSumExp);
          dLogits[row + k] = (float) ((k == y ? p - 1.0 : p) * scale); // w·(probs - onehot)/B
        }
      }
    }
    return sum * inv;
  }
}
