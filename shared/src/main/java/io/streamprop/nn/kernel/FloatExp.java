package io.streamprop.nn.kernel;

/**
 * e^x in float for softmax's shifted logits (x ≤ 0): Cephes' {@code expf} polynomial (S. Moshier)
 * after a Cody–Waite reduction, float multiplications and additions in a fixed order (no fused
 * multiply-add) and bit operations, so the vector form computes it lane by lane with the same bits,
 * and a prediction does not change when the vector kernels switch on. Relative error below 2·10⁻⁷.
 *
 * <p>e^x = 2^n · e^r with n the integer nearest x·log2(e) and r = x - n·ln 2 in [-ln2/2, ln2/2]; ln
 * 2 in two parts so that r keeps its low bits.
 */
public final class FloatExp {
  private FloatExp() {}

  /** Below this e^x is under the smallest normal float, and {@link #exp} returns 0. */
  public static final float MIN = -87.33654f;

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

  /** e^x for x ≤ 0: 0 below {@link #MIN}, NaN for NaN. */
  public static float exp(float x) {
    if (!(x >= MIN)) {
      return x < MIN ? 0f : x; // NaN stays NaN
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

  /** a[i] = exp(a[i]) for i < n, on the vector kernels when they are compiled. */
  public static void exp(float[] a, int n) {
    if (Kernels.vector()) {
      VectorExp.exp(a, n);
    } else {
      for (int i = 0; i < n; i++) {
        a[i] = exp(a[i]);
      }
    }
  }
}
