package io.streamprop.nn;

/** Mean squared error over all (B, outputs) elements: mean (z - y)². */
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
}
