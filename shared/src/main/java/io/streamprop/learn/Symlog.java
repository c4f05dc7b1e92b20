package io.streamprop.learn;

/**
 * The signed log scale of {@code input_transform: symlog}: {@code symlog(x) = sign(x) · ln(1 +
 * |x|)}, computed in double with {@link StrictMath#log1p} (fdlibm, the same bits on every JVM) and
 * rounded to float once. It is odd, monotone, the identity near zero ({@code symlog(x) ≈ x} for
 * small {@code |x|}) and logarithmic far from it, so a heavy-tailed number (an amount, a count)
 * spreads over a few units instead of leaving most examples in a sliver near its mean; zero, the
 * sign and a missing value (NaN) are kept. Another language reproduces it as {@code
 * copysign(log1p(|x|), x)} in double, then rounded to float (DreamerV3 feeds its vector inputs
 * through the same function; Hafner et al. 2023).
 */
final class Symlog {
  private Symlog() {}

  /**
   * symlog of the whole numbers 0 .. TABLE - 1, computed once with the same function: pixels,
   * counts and codes (most of a wide input's values) are a look-up instead of a {@code log1p},
   * which on JDK 17 is a native call of about 25 ns.
   */
  private static final int TABLE = 4096;

  private static final float[] WHOLE = new float[TABLE];

  static {
    for (int i = 0; i < TABLE; i++) {
      WHOLE[i] = compute(i);
    }
  }

  static float of(float x) {
    int whole = (int) x;
    if (whole == x && whole >= 0 && whole < TABLE && Float.floatToRawIntBits(x) != NEGATIVE_ZERO) {
      return WHOLE[whole];
    }
    return compute(x);
  }

  private static final int NEGATIVE_ZERO = Float.floatToRawIntBits(-0f);

  /** The definition: {@code (float) copySign(log1p(|x|), x)} in double, fdlibm's log1p. */
  static float compute(float x) {
    return (float) Math.copySign(StrictMath.log1p(Math.abs((double) x)), x);
  }

  /** {@code out[to + i] = symlog(in[from + i])} for i in [0, n); {@code out} may be {@code in}. */
  static void apply(float[] in, int from, float[] out, int to, int n) {
    for (int i = 0; i < n; i++) {
      out[to + i] = of(in[from + i]);
    }
  }
}
