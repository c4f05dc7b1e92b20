package io.streamprop.nn;

/**
 * Huber loss (Huber 1964) over all (B, outputs) elements, as PyTorch's {@code HuberLoss}: for r = z
 * - y, ½r² when |r| ≤ δ, δ(|r| - ½δ) beyond; quadratic near zero, linear (robust) in the tails.
 * Weighted, each example's terms are scaled by its weight and the divisor stays B·outputs.
 */
public final class Huber implements LossFunction {
  private final int outputs;
  private final float delta;

  public Huber(int outputs, double delta) {
    if (!(delta > 0) || Double.isInfinite(delta)) {
      throw new IllegalArgumentException("huber_delta must be > 0 and finite, got " + delta);
    }
    this.outputs = outputs;
    this.delta = (float) delta;
  }

  @Override
  public double forward(float[] logits, float[] labels, int batch, float[] dLogits) {
    final int n = batch * outputs;
    final float inv = 1f / n;
    double sum = 0.0;
    for (int i = 0; i < n; i++) {
      float r = logits[i] - labels[i];
      float abs = Math.abs(r);
      if (abs <= delta) {
        sum += 0.5 * r * r;
        if (dLogits != null) {
          dLogits[i] = r * inv; // ∂/∂z ½r² = r
        }
      } else {
        sum += delta * (abs - 0.5 * delta);
        if (dLogits != null) {
          dLogits[i] = Math.copySign(delta, r) * inv; // ∂/∂z δ|r| = δ·sign(r)
        }
      }
    }
    return sum / n;
  }

  @Override
  public double forward(
      float[] logits, float[] labels, float[] weights, int batch, float[] dLogits) {
    final int n = batch * outputs;
    final float inv = 1f / n;
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
      final float s = w * inv; // exactly inv when w = 1
      for (int i = row; i < row + outputs; i++) {
        float r = logits[i] - labels[i];
        float abs = Math.abs(r);
        if (abs <= delta) {
          sum += w * (0.5 * r * r);
          if (dLogits != null) {
            dLogits[i] = r * s; // ∂/∂z w·½r² = w·r
          }
        } else {
          sum += w * (delta * (abs - 0.5 * delta));
          if (dLogits != null) {
            dLogits[i] = Math.copySign(delta, r) * s; // ∂/∂z w·δ|r| = w·δ·sign(r)
          }
        }
      }
    }
    return sum / n;
  }
}
