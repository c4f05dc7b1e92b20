package io.streamprop.nn;

/**
 * Row-wise softmax of (B, classes) logits, p_k = e^(z_k - max z) / Σ_j e^(z_j - max z): shifting by
 * the row maximum keeps every exponent ≤ 0, so nothing overflows.
 */
public final class Softmax {
  private Softmax() {}

  /** probs (B, classes) = softmax(logits) row by row; probs may be logits (in place). */
  public static void forward(float[] logits, float[] probs, int batch, int classes) {
    for (int b = 0; b < batch; b++) {
      final int row = b * classes;
      float max = logits[row];
      for (int k = 1; k < classes; k++) {
        max = Math.max(max, logits[row + k]);
      }
      double sum = 0.0;
      for (int k = 0; k < classes; k++) {
        double e = Math.exp((double) logits[row + k] - max);
        probs[row + k] = (float) e;
        sum += e;
      }
      final double inv = 1.0 / sum;
      for (int k = 0; k < classes; k++) {
        probs[row + k] = (float) (probs[row + k] * inv);
      }
    }
  }
}
