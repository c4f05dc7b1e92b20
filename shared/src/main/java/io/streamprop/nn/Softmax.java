package io.streamprop.nn;

import io.streamprop.nn.kernel.FloatExp;

/**
 * Row-wise softmax of (B, classes) logits, p_k = e^(z_k - max z) / Σ_j e^(z_j - max z): shifting by
 * the row maximum keeps every exponent ≤ 0, so nothing overflows. This is the output function of
 * inference ({@code Predictor}); training's loss ({@link SoftmaxCrossEntropy}) computes its own
 * probabilities in double.
 *
 * <p>Why a float exponential of our own ({@link FloatExp}) rather than {@link Math#exp}: called
 * once per class and row, {@code Math.exp} was a quarter of the CPU time of M's inference at 32
 * rows, and it does not vectorize. FloatExp is multiplications and additions in a fixed order and
 * bit operations, so its vector form has the same bits, and a prediction does not change when the
 * vector kernels switch on. Relative error below 2·10⁻⁷ (FloatExpTest), well inside what a float
 * probability holds.
 */
public final class Softmax {
  private Softmax() {}

  /**
   * probs (B, classes) = softmax(logits) row by row; probs may be logits (in place). Sums in float,
   * k = 0, 1, ..., then scales by 1 / sum.
   */
  public static void forward(float[] logits, float[] probs, int batch, int classes) {
    for (int b = 0; b < batch; b++) {
      final int row = b * classes;
      float max = logits[row];
      for (int k = 1; k < classes; k++) {
        max = Math.max(max, logits[row + k]);
      }
      for (int k = 0; k < classes; k++) {
        probs[row + k] = logits[row + k] - max;
      }
    }
    FloatExp.exp(probs, batch * classes);
    for (int b = 0; b < batch; b++) {
      final int row = b * classes;
      float sum = 0f;
      for (int k = 0; k < classes; k++) {
        sum += probs[row + k]; // ≥ 1: the maximum's term is e^0 = 1 exactly
      }
      final float inv = 1f / sum;
      for (int k = 0; k < classes; k++) {
        probs[row + k] *= inv;
      }
    }
  }
}
