package io.streamprop.nn;

/**
 * Row-wise softmax of (B, classes) logits, p_k = e^(z_k - max z) / Σ_j e^(z_j - max z): shifting by
 * the row maximum keeps every exponent ≤ 0, so nothing overflows. This is the output function of
 * inference ({@code Predictor}); training's loss ({@link SoftmaxCrossEntropy}) computes its own
 * probabilities in double.
 *
 * <p>Why a float exponential of our own ({@link #exp}) rather than {@link Math#exp}: called once
 * per class and row, {@code Math.exp} was a quarter of the CPU time of M's inference at 32 rows,
 * and it does not vectorize. {@link #exp} is multiplications and additions in a fixed order (no
 * fused multiply-add) and bit operations, so the vector kernels ({@code VectorKernels.exp}) compute
 * it lane by lane with the same bits, and a prediction does not change when the vector kernels
 * switch on. Relative error below 2·10⁻⁷ (SoftmaxTest), well inside what a float probability holds.
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
    final int n = batch * classes;
    if (Kernels.vector()) {
      VectorKernels.exp(probs, n);
    } else {
      for (int i = 0; i < n; i++) {
        probs[i] = exp(probs[i]);
      }
    }
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

  // e^x = 2^n · e^r with n the integer nearest x·log2(e) and r = x - n·ln 2 in [-ln2/2, ln2/2];
  // e^r from Cephes' expf polynomial (S. Moshier), ln 2 in two parts (Cody and Waite) so that r
  // keeps its low bits.

  /** Below this e^x is under the smallest normal float, and {@link #exp} returns 0. */
  static final float EXP_MIN = -87.33654f;

  /**
   * 1.5·2²³: adding it to a float of magnitude below 2²² rounds it to an integer (ties to even).
   */
  static final float ROUND = 12582912f;

  static final int ROUND_BITS = 0x4B400000; // Float.floatToRawIntBits(ROUND)
  static final float LOG2E = 1.44269504088896341f;
  static final float LN2_HI = 0.693359375f;
  static final float LN2_LO = -2.12194440e-4f;
  static final float P0 = 1.9875691500e-4f;
  static final float P1 = 1.3981999507e-3f;
  static final float P2 = 8.3334519073e-3f;
  static final float P3 = 4.1665795894e-2f;
  static final float P4 = 1.6666665459e-1f;
  static final float P5 = 5.0000001201e-1f;

  /**
   * e^x for x ≤ 0 (softmax's shifted logits): 0 below {@link #EXP_MIN}, NaN for NaN. Every step is
   * a float multiplication or addition in the order written, so {@code VectorKernels.exp} repeats
   * it bit for bit.
   */
  static float exp(float x) {
    if (!(x >= EXP_MIN)) {
      return x < EXP_MIN ? 0f : x; // NaN stays NaN
    }
    final float t = x * LOG2E + ROUND;
    final int n = Float.floatToRawIntBits(t) - ROUND_BITS; // round(x·log2 e), in [-126, 0]
    final float fn = t - ROUND;
    float r = x - fn * LN2_HI;
    r = r - fn * LN2_LO;
    final float z = r * r;
    float y = P0 * r + P1;
    y = y * r + P2;
    y = y * r + P3;
    y = y * r + P4;
    y = y * r + P5;
    y = y * z + r + 1f;
    return y * Float.intBitsToFloat((n + 127) << 23);
  }
}
