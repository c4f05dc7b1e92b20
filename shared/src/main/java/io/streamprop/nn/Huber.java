package io.streamprop.nn;

/**
 * Huber loss (Huber 1964) over all (B, outputs) elements, as PyTorch's {@code HuberLoss}: for r = z
 * - y, ½r² when |r| ≤ δ, δ(|r| - ½δ) beyond; quadratic near zero, linear (robust) in the tails.
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
}
