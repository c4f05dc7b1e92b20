package io.streamprop.nn.optim;

/**
 * Gradient clipping by global L2 norm: when the norm of all gradients taken together exceeds a
 * bound, every gradient is scaled by the same factor, so the step keeps its direction. Pascanu,
 * Mikolov and Bengio, "On the difficulty of training recurrent neural networks", ICML 2013; the
 * scale is that of PyTorch's {@code torch.nn.utils.clip_grad_norm_}.
 */
public final class GradientClipping {
  /** Added to the norm before dividing, as PyTorch does, so the clipped norm lands just below. */
  private static final double NORM_EPSILON = 1e-6;

  private GradientClipping() {}

  /**
   * The L2 norm of all the arrays taken as one vector: squares summed in double, tensor by tensor
   * and element by element in index order, so the result never depends on anything but the values.
   */
  public static double globalNorm(float[][] grads) {
    double sumOfSquares = 0;
    for (float[] grad : grads) {
      for (float g : grad) {
        sumOfSquares += (double) g * g;
      }
    }
    return Math.sqrt(sumOfSquares);
  }

  /**
   * Scales the gradients in place by {@code maxNorm / (norm + 1e-6)} when their global norm exceeds
   * {@code maxNorm}, and returns the norm before clipping.
   *
   * <p>A non-finite norm is returned unchanged and the gradients are left alone: scaling by {@code
   * maxNorm / ∞ = 0} would hide an overflow that the caller must see (and skip the step).
   *
   * @param grads the gradient tensors, modified in place
   * @param maxNorm the bound; {@code <= 0} disables clipping (the norm is still returned)
   */
  public static double clipByGlobalNorm(float[][] grads, double maxNorm) {
    if (Double.isNaN(maxNorm)) {
      throw new IllegalArgumentException("maxNorm must be a number, got NaN");
    }
    double norm = globalNorm(grads);
    if (maxNorm > 0 && norm > maxNorm && Double.isFinite(norm)) {
      float scale = (float) (maxNorm / (norm + NORM_EPSILON));
      for (float[] grad : grads) {
        for (int i = 0; i < grad.length; i++) {
          grad[i] *= scale;
        }
      }
    }
    return norm;
  }
}
