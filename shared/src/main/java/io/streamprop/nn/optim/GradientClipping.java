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
   * Σ g² over the touched rows of a table's gradient (zero elsewhere), in double, row by row
   * ascending and element by element: the same sum as over the whole array, since the rows left out
   * add only zeros, at the cost of the touched rows alone.
   */
  public static double sumOfSquares(float[] grad, TouchedRows rows) {
    final int width = rows.width();
    double sumOfSquares = 0;
    for (int k = 0; k < rows.count(); k++) {
      int start = rows.row(k) * width;
      for (int i = start; i < start + width; i++) {
        sumOfSquares += (double) grad[i] * grad[i];
      }
    }
    return sumOfSquares;
  }

  /**
   * {@link #globalNorm(float[][])} where some gradients are embedding tables' (zero outside their
   * touched rows): {@code rows[i]} null for a dense tensor, else tensor i's touched rows. Tensor by
   * tensor in index order, so it equals {@code globalNorm(grads)} bit for bit.
   */
  public static double globalNorm(float[][] grads, TouchedRows[] rows) {
    checkRows(grads, rows);
    double sumOfSquares = 0;
    for (int t = 0; t < grads.length; t++) {
      if (rows[t] == null) {
        for (float g : grads[t]) {
          sumOfSquares += (double) g * g;
        }
      } else {
        sumOfSquares += sumOfSquares(grads[t], rows[t]);
      }
    }
    return Math.sqrt(sumOfSquares);
  }

  /**
   * {@link #clipByGlobalNorm(float[][], double)} where some gradients are embedding tables' (see
   * {@link #globalNorm(float[][], TouchedRows[])}): the same norm and the same scale, applied to
   * the dense tensors and to the touched rows of the tables (the other rows are zero and stay so).
   */
  public static double clipByGlobalNorm(float[][] grads, TouchedRows[] rows, double maxNorm) {
    if (Double.isNaN(maxNorm)) {
      throw new IllegalArgumentException("maxNorm must be a number, got NaN");
    }
    double norm = globalNorm(grads, rows);
    if (maxNorm > 0 && norm > maxNorm && Double.isFinite(norm)) {
      float scale = (float) (maxNorm / (norm + NORM_EPSILON));
      for (int t = 0; t < grads.length; t++) {
        float[] grad = grads[t];
        if (rows[t] == null) {
          for (int i = 0; i < grad.length; i++) {
            grad[i] *= scale;
          }
          continue;
        }
        final int width = rows[t].width();
        for (int k = 0; k < rows[t].count(); k++) {
          int start = rows[t].row(k) * width;
          for (int i = start; i < start + width; i++) {
            grad[i] *= scale;
          }
        }
      }
    }
    return norm;
  }

  private static void checkRows(float[][] grads, TouchedRows[] rows) {
    if (rows.length != grads.length) {
      throw new IllegalArgumentException(
          "expected touched rows (or null) for each of "
              + grads.length
              + " gradient tensors, got "
              + rows.length);
    }
    for (int t = 0; t < rows.length; t++) {
      if (rows[t] != null && (long) rows[t].rows() * rows[t].width() != grads[t].length) {
        throw new IllegalArgumentException(
            "tensor "
                + t
                + ": touched rows of a "
                + rows[t].rows()
                + " x "
                + rows[t].width()
                + " table, but the gradient has length "
                + grads[t].length);
      }
    }
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
