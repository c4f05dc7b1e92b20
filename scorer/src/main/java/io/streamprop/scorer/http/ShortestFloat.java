package io.streamprop.scorer.http;

import java.math.BigInteger;

/**
 * Writes a finite float as ASCII straight into a byte array, with no allocation: the shortest
 * decimal that reads back to the same float32, in the layout of Java's {@code Float.toString} (JDK
 * 19 and later) and of Jackson's {@code FloatToDecimal}, which the JSON generator uses: {@code
 * 0.123}, {@code 12.5}, {@code 3.0}, {@code 1.0E-4}, {@code -2.5E10}, {@code 0.0}, {@code -0.0}.
 * The bytes are Jackson's exactly ({@code ShortestFloatTest} compares them on every float of whole
 * binades and on random bit patterns).
 *
 * <p>Why not Jackson's: its only entry point, {@code FloatToDecimal.toString(float)}, allocates an
 * object, a byte buffer and a {@code String} per float and builds the digits one field write at a
 * time; a predict response of 64 instances of 7 classes writes 448 floats, and that was about a
 * tenth of the scorer's CPU per request (docs/benchmarks.md, "Scorer: where the time goes").
 *
 * <p>The digits are chosen by Giulietti's Schubfach algorithm (R. Giulietti, "The Schubfach way to
 * render doubles", 2020, figures 7 and 9 and the appendix), the algorithm behind both of the above:
 * the float {@code c·2^q} and the ends of its rounding interval are scaled by an over-approximation
 * {@code g} of {@code 10^-k} kept to 64 bits, which the paper proves is exact enough for float32 to
 * decide which decimal of the interval is shortest and nearest. {@code g} is computed here from its
 * definition with {@link BigInteger} when the class loads.
 */
final class ShortestFloat {
  /** The longest output: {@code -d.ddddddddE-ee}, 9 significant digits. */
  static final int MAX_CHARS = 15;

  private static final int PRECISION = 24; // bits of a float's significand, hidden bit included
  private static final int Q_MIN = -149; // exponent of the smallest subnormal, 2^-149
  private static final int C_MIN = 1 << (PRECISION - 1); // smallest normal significand
  private static final int C_TINY = 8; // below it a subnormal gets one more digit (paper 8.2.1)
  private static final int K_MIN = -45;
  private static final int K_MAX = 31;

  /** g1(k) for k in [K_MIN, K_MAX]: the upper 63 bits of floor(10^-k · 2^-r) + 1 (see below). */
  private static final long[] G = new long[K_MAX - K_MIN + 1];

  private static final int[] POW10 = {
    1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000
  };

  /** "00" .. "99": two digits per table look-up. */
  private static final byte[] DIGIT_PAIRS = new byte[200];

  static {
    // 10^-k = β·2^r with 2^125 <= β < 2^126; g = floor(β) + 1; G holds g's upper 63 bits.
    for (int k = K_MIN; k <= K_MAX; k++) {
      BigInteger beta;
      if (k <= 0) {
        BigInteger n = BigInteger.TEN.pow(-k); // 10^-k an integer: shift it into [2^125, 2^126)
        int shift = 126 - n.bitLength();
        beta = shift >= 0 ? n.shiftLeft(shift) : n.shiftRight(-shift);
      } else {
        BigInteger d = BigInteger.TEN.pow(k); // 10^-k = 1/d, d not a power of two
        beta = BigInteger.ONE.shiftLeft(125 + d.bitLength()).divide(d);
      }
      G[k - K_MIN] = beta.add(BigInteger.ONE).shiftRight(63).longValueExact();
    }
    for (int i = 0; i < 100; i++) {
      DIGIT_PAIRS[2 * i] = (byte) ('0' + i / 10);
      DIGIT_PAIRS[2 * i + 1] = (byte) ('0' + i % 10);
    }
  }

  private ShortestFloat() {}

  /**
   * Writes finite {@code value} at {@code out[at]} (room for {@link #MAX_CHARS} bytes needed) and
   * returns the index after it.
   */
  static int write(byte[] out, int at, float value) {
    int bits = Float.floatToRawIntBits(value);
    if (bits < 0) {
      out[at++] = '-';
    }
    int fraction = bits & (C_MIN - 1);
    int biasedExponent = (bits >>> (PRECISION - 1)) & 0xFF;
    if (biasedExponent == 0xFF) {
      throw new IllegalArgumentException("not a finite float: " + value);
    }
    if (biasedExponent != 0) {
      int c = C_MIN | fraction;
      int q = biasedExponent - 150; // |value| = c·2^q
      if (-PRECISION < q && q < 0) {
        int integer = c >> -q;
        if (integer << -q == c) { // an integer below 2^24: its own digits, as in the paper (8.3)
          return digits(out, at, integer, 0);
        }
      }
      return schubfach(out, at, q, c, 0);
    }
    if (fraction == 0) {
      out[at] = '0';
      out[at + 1] = '.';
      out[at + 2] = '0';
      return at + 3;
    }
    return fraction < C_TINY
        ? schubfach(out, at, Q_MIN, 10 * fraction, -1)
        : schubfach(out, at, Q_MIN, fraction, 0);
  }

  /**
   * The decimal chosen for c·2^q (figure 7 of the paper, with the computations of figure 9); {@code
   * dk} corrects the exponent when the caller scaled c by 10.
   */
  private static int schubfach(byte[] out, int at, int q, int c, int dk) {
    int oddOut = c & 1; // an odd significand excludes the interval's ends (ties round to even)
    long cb = (long) c << 2; // 4v, 4·right end, 4·left end, in units of 2^q / 4
    long cbr = cb + 2;
    long cbl;
    int k;
    if (c != C_MIN || q == Q_MIN) {
      cbl = cb - 2; // regular spacing
      k = floorLog10Pow2(q);
    } else {
      cbl = cb - 1; // at a power of two the float below is half as far
      k = floorLog10ThreeQuartersPow2(q);
    }
    int h = q + floorLog2Pow10(-k) + 33;
    long g = G[k - K_MIN] + 1;
    int vb = roundToOdd(g, cb << h);
    int vbl = roundToOdd(g, cbl << h);
    int vbr = roundToOdd(g, cbr << h);

    int s = vb >> 2; // floor(v·10^-k)
    if (s >= 100) {
      // One digit fewer: is exactly one of s' = 10·floor(s/10) and t' = s' + 10 in the interval?
      int sp10 = 10 * (int) ((s * 1_717_986_919L) >>> 34);
      int tp10 = sp10 + 10;
      boolean upIn = vbl + oddOut <= sp10 << 2;
      boolean wpIn = (tp10 << 2) + oddOut <= vbr;
      if (upIn != wpIn) {
        return digits(out, at, upIn ? sp10 : tp10, k);
      }
    }
    int t = s + 1;
    boolean uIn = vbl + oddOut <= s << 2;
    boolean wIn = (t << 2) + oddOut <= vbr;
    if (uIn != wIn) {
      return digits(out, at, uIn ? s : t, k + dk);
    }
    // Both in the interval: the one nearer to v, the even one on a tie.
    int cmp = vb - ((s + t) << 1);
    return digits(out, at, cmp < 0 || (cmp == 0 && (s & 1) == 0) ? s : t, k + dk);
  }

  /** The paper's r_o': (g·cp)·2^-95 rounded to odd, where only the lowest bit keeps the rest. */
  private static int roundToOdd(long g, long cp) {
    long x1 = Math.multiplyHigh(g, cp);
    long vbp = x1 >>> 31;
    return (int) (vbp | (((x1 & 0xFFFF_FFFFL) + 0xFFFF_FFFFL) >>> 32));
  }

  /** floor(log10(2^e)) for |e| far beyond a float's range (paper, section 6). */
  private static int floorLog10Pow2(int e) {
    return (int) ((e * 661_971_961_083L) >> 41);
  }

  /** floor(log10(3/4 · 2^e)). */
  private static int floorLog10ThreeQuartersPow2(int e) {
    return (int) ((e * 661_971_961_083L - 274_743_187_321L) >> 41);
  }

  /** floor(log2(10^e)). */
  private static int floorLog2Pow10(int e) {
    return (int) ((e * 913_124_641_741L) >> 38);
  }

  /**
   * Writes f·10^e (f > 0, at most 9 digits) as Java writes a float: plain for 10^-3 <= value <
   * 10^7, else d.dddE[-]n; trailing zeros dropped but one digit always after the point.
   */
  private static int digits(byte[] out, int at, int f, int e) {
    while (f % 10 == 0) { // a multiple of ten: its zeros move to the exponent
      f /= 10;
      e++;
    }
    int n = 1;
    while (n < POW10.length && f >= POW10[n]) {
      n++;
    }
    int point = n + e; // value = 0.d1d2..dn · 10^point
    if (0 < point && point <= 7) {
      if (n <= point) { // an integer: its digits, the zeros, ".0"
        putDigits(out, at, f, n);
        at += n;
        for (int i = n; i < point; i++) {
          out[at++] = '0';
        }
        out[at] = '.';
        out[at + 1] = '0';
        return at + 2;
      }
      // d..d.d..d: write the digits one place to the right, then move the integer part back left
      putDigits(out, at + 1, f, n);
      for (int i = 0; i < point; i++) {
        out[at + i] = out[at + i + 1];
      }
      out[at + point] = '.';
      return at + n + 1;
    }
    if (-3 < point && point <= 0) { // 0.00d..d
      out[at++] = '0';
      out[at++] = '.';
      for (int i = point; i < 0; i++) {
        out[at++] = '0';
      }
      putDigits(out, at, f, n);
      return at + n;
    }
    // d.d..dEx
    putDigits(out, at + 1, f, n);
    out[at] = out[at + 1];
    out[at + 1] = '.';
    at += n + 1;
    if (n == 1) {
      out[at++] = '0';
    }
    out[at++] = 'E';
    int exponent = point - 1;
    if (exponent < 0) {
      out[at++] = '-';
      exponent = -exponent;
    }
    if (exponent >= 10) {
      out[at] = DIGIT_PAIRS[2 * exponent];
      out[at + 1] = DIGIT_PAIRS[2 * exponent + 1];
      return at + 2;
    }
    out[at] = (byte) ('0' + exponent);
    return at + 1;
  }

  /** The n decimal digits of f at out[at .. at + n), two at a time from the right. */
  private static void putDigits(byte[] out, int at, int f, int n) {
    int i = at + n;
    while (f >= 100) {
      int pair = f % 100;
      f /= 100;
      out[--i] = DIGIT_PAIRS[2 * pair + 1];
      out[--i] = DIGIT_PAIRS[2 * pair];
    }
    if (f >= 10) {
      out[--i] = DIGIT_PAIRS[2 * f + 1];
      out[--i] = DIGIT_PAIRS[2 * f];
    } else {
      out[--i] = (byte) ('0' + f);
    }
  }
}
