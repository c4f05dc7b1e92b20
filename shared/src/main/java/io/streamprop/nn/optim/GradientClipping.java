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
    return sumOfSquares(grad, rows, 0, 0);
  }

  /** {@code sumOfSquares} plus Σ g² over the touched rows from the {@code from}-th on, in order. */
  private static double sumOfSquares(
      float[] grad, TouchedRows rows, int from, double sumOfSquares) {
    final int width = rows.width();
    for (int k = from; k < rows.count(); k++) {
      int start = rows.row(k) * width;
      for (int i = start; i < start + width; i++) {
        sumOfSquares += (double) grad[i] * grad[i];
      }
    }
    return sumOfSquares;
  }

  /**
   * {@link #sumOfSquares(float[], TouchedRows)} of tables {@code which[from..from+4)} into {@code
   * out[which[j]]}: each table's sum is the same chain of additions in the same order (so the same
   * bits), but the four chains run side by side while all four have rows left, where the processor
   * overlaps them; one chain alone waits for each addition's result. Tables of different widths are
   * summed one after the other.
   */
  public static void sumsOfSquares(
      float[][] grads, TouchedRows[] rows, int[] which, int from, double[] out) {
    final int t0 = which[from];
    final int t1 = which[from + 1];
    final int t2 = which[from + 2];
    final int t3 = which[from + 3];
    final int width = rows[t0].width();
    if (rows[t1].width() != width || rows[t2].width() != width || rows[t3].width() != width) {
      for (int j = from; j < from + 4; j++) {
        out[which[j]] = sumOfSquares(grads[which[j]], rows[which[j]]);
      }
      return;
    }
    final float[] g0 = grads[t0];
    final float[] g1 = grads[t1];
    final float[] g2 = grads[t2];
    final float[] g3 = grads[t3];
    final int common =
        Math.min(
            Math.min(rows[t0].count(), rows[t1].count()),
            Math.min(rows[t2].count(), rows[t3].count()));
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    for (int k = 0; k < common; k++) {
      final int i0 = rows[t0].row(k) * width;
      final int i1 = rows[t1].row(k) * width;
      final int i2 = rows[t2].row(k) * width;
      final int i3 = rows[t3].row(k) * width;
      for (int e = 0; e < width; e++) {
        s0 += (double) g0[i0 + e] * g0[i0 + e];
        s1 += (double) g1[i1 + e] * g1[i1 + e];
        s2 += (double) g2[i2 + e] * g2[i2 + e];
        s3 += (double) g3[i3 + e] * g3[i3 + e];
      }
    }
    out[t0] = sumOfSquares(g0, rows[t0], common, s0);
    out[t1] = sumOfSquares(g1, rows[t1], common, s1);
    out[t2] = sumOfSquares(g2, rows[t2], common, s2);
    out[t3] = sumOfSquares(g3, rows[t3], common, s3);
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

  /**
   * {@link #sumsOfSquares(float[][], TouchedRows[], int[], int, double[])} of two tables, {@code
   * which[from]} and {@code which[from + 1]}, of the same width (else one after the other).
   */
  public static void sumsOfSquaresOfTwo(
      float[][] grads, TouchedRows[] rows, int[] which, int from, double[] out) {
    final int t0 = which[from];
    final int t1 = which[from + 1];
    final int width = rows[t0].width();
    if (rows[t1].width() != width) {
      out[t0] = sumOfSquares(grads[t0], rows[t0]);
      out[t1] = sumOfSquares(grads[t1], rows[t1]);
      return;
    }
    final float[] g0 = grads[t0];
    final float[] g1 = grads[t1];
    final int common = Math.min(rows[t0].count(), rows[t1].count());
    double s0 = 0;
    double s1 = 0;
    for (int k = 0; k < common; k++) {
      final int i0 = rows[t0].row(k) * width;
      final int i1 = rows[t1].row(k) * width;
      for (int e = 0; e < width; e++) {
        s0 += (double) g0[i0 + e] * g0[i0 + e];
        s1 += (double) g1[i1 + e] * g1[i1 + e];
      }
    }
    out[t0] = sumOfSquares(g0, rows[t0], common, s0);
    out[t1] = sumOfSquares(g1, rows[t1], common, s1);
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
