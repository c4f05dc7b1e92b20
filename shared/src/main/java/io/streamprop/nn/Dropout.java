package io.streamprop.nn;

/**
 * Inverted dropout (Srivastava et al. 2014, "Dropout: A Simple Way to Prevent Neural Networks from
 * Overfitting"): in training each element is kept with probability 1-p and scaled by 1/(1-p), so
 * that inference is the identity. The mask is drawn from a {@link SplitMix64} passed in, whose
 * state is part of the model's state, so a resumed model draws the same masks.
 */
public final class Dropout {
  private final float p;
  private final float scale;
  private final float[] mask; // (maxBatch, features): 0 or 1/(1-p)

  public Dropout(double p, int features, int maxBatch) {
    if (!(p >= 0 && p < 1)) {
      throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
    }
    this.p = (float) p;
    this.scale = (float) (1.0 / (1.0 - p));
    this.mask = new float[Math.multiplyExact(features, maxBatch)];
  }

  public float probability() {
    return p;
  }

  /** y = x ⊙ mask over the first n elements; draws one uniform float per element. */
  public void forwardTraining(float[] x, float[] y, int n, SplitMix64 rng) {
    for (int i = 0; i < n; i++) {
      mask[i] = rng.nextFloat() >= p ? scale : 0f;
    }
    for (int i = 0; i < n; i++) {
      y[i] = x[i] * mask[i];
    }
  }

  /** In place: ∂loss/∂x = ∂loss/∂y ⊙ mask. */
  public void backward(float[] d, int n) {
    for (int i = 0; i < n; i++) {
      d[i] *= mask[i];
    }
  }
}
