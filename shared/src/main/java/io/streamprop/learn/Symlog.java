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
   * symlog of the whole numbers 0 .. TABLE - 1, computed once with {@link #compute}: pixels, counts
   * and codes (most of a wide input's values) are a look-up.
   */
  private static final int TABLE = 4096;

  private static final float[] WHOLE = new float[TABLE];

  static {
    for (int i = 0; i < TABLE; i++) {
      WHOLE[i] = compute(i);
    }
  }

  /**
   * {@link #compute}, bit for bit, in a few nanoseconds instead of {@code StrictMath.log1p}'s 15-50
   * (a native call on JDK 17). Whole numbers below 4,096 come from the table. Otherwise, for {@code
   * 2^-29 <= |x| <= 2^53}, where {@code 1 + |x|} is exact in double, {@code Math.log(1 + |x|)} is
   * within 1 ulp of {@code ln(1 + |x|)} (its contract, as fdlibm's {@code log1p} is): rounded to
   * float, both give the same float unless a float rounding boundary lies within 2 ulps of them,
   * which is checked (with a margin of 4 ulps) and sent to {@link #compute}, as are the other
   * values (about one in 10^8 random floats takes that way).
   */
  static float of(float x) {
    float a = Math.abs(x);
    int whole = (int) a;
    if (whole == a && whole < TABLE) {
      return Math.copySign(WHOLE[whole], x); // odd: the definition's sign is x's
    }
    if (a >= 0x1p-29f && a <= 0x1p53f) { // false for NaN and infinity
      double d = Math.log(1.0 + a);
      float f = (float) d;
      double below = ((double) f + Math.nextDown(f)) * 0.5; // exact: floats fit in doubles
      double above = ((double) f + Math.nextUp(f)) * 0.5;
      double margin = 4 * Math.ulp(d);
      if (d - below > margin && above - d > margin) {
        return Math.copySign(f, x);
      }
    }
    return compute(x);
  }

  /**
   * The definition: {@code (float) copySign(log1p(|x|), x)} in double, fdlibm's {@code log1p}
   * ({@link StrictMath}: the same bits on every JVM).
   */
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
