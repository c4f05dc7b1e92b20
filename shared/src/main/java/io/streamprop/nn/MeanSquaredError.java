package io.streamprop.nn;

/**
 * Mean squared error over all (B, outputs) elements: mean (z - y)². Weighted, each example's
 * squared errors are scaled by its weight and the divisor stays B·outputs.
 */
public final class MeanSquaredError implements LossFunction {
  private final int outputs;

  public MeanSquaredError(int outputs) {
    this.outputs = outputs;
  }

  @Override
  public double forward(float[] logits, float[] labels, int batch, float[] dLogits) {
    final int n = batch * outputs;
    final float scale = 2f / n;
    double sum = 0.0;
    for (int i = 0; i < n; i++) {
      float r = logits[i] - labels[i];
      sum += (double) r * r;
      if (dLogits != null) {
        dLogits[i] = scale * r; // ∂/∂z mean (z-y)² = 2(z-y)/n
      }
    }
    return sum / n;
  }

  @Override
  public double forward(
      float[] logits, float[] labels, float[] weights, int batch, float[] dLogits) {
    final int n = batch * outputs;
    final float scale = 2f / n;
    double sum = 0.0;
    for (int b = 0; b < batch; b++) {
      final float w = weights[b];
      final int row = b * outputs;
      if (w == 0f) {
        if (dLogits != null) {
          java.util.Arrays.fill(dLogits, row, row + outputs, 0f); // no gradient, not even NaN
        }
        continue;
      }
      final float s = w * scale; // exactly scale when w = 1
      for (int i = row; i < row + outputs; i++) {
        float r = logits[i] - labels[i];
        sum += w * ((double) r * r);
        if (dLogits != null) {
          dLogits[i] = s * r; // ∂/∂z w·(z-y)²/n = 2w(z-y)/n
        }
      }
    }
    return sum / n;
  }
}
