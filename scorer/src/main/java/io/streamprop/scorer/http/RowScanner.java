package io.streamprop.scorer.http;

import com.fasterxml.jackson.core.io.NumberInput;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The fast path of {@link Instances#parse}: reads the one body shape that predict clients send in
 * bulk, {@code {"instances": [[n, n, ...], [n, n, ...], ...]}} with exactly {@code inputs} numbers
 * per row, straight from the UTF-8 bytes into a row-major float array, several times faster than
 * Jackson's general tokenizer (which copies every number into a text buffer before converting it).
 *
 * <p>It only ever accepts or declines: anything outside that shape, every mistake included (bad
 * JSON, wrong width, a string, a non-finite value, another field, named features), makes {@link
 * #scan} return null, and the caller parses the body again with Jackson, which accepts it or names
 * the problem. So the fast path adds no error message and no behaviour of its own.
 *
 * <p>Numbers get exactly the float that Jackson's {@code getFloatValue()} gives: an integer token
 * is converted from its long value ({@code (float) long}, so {@code -0} is +0), a token with a
 * fraction or an exponent is rounded once from the decimal (IEEE round-to-nearest-even).
 *
 * <p>Three tiers per number, each handing what it cannot decide to the next. (1) A number of at
 * most 7 characters after its sign ({@code -0.8947}, {@code 12.5}, {@code 3}), what clients usually
 * write for features, is read from the one 8-byte word at its start (SWAR: where it ends, where its
 * point is and the value of its digits all come from that word with a few 64-bit operations and no
 * per-byte branch; the three multiplications that turn up to eight ASCII digits into their value
 * are Lemire's). This matters because, per number, the cost is the chain of dependent loads that
 * finds where the next number starts, not the arithmetic. (2) An integer part and a fraction of up
 * to 7 digits each take one 8-byte load per digit run. (3) Everything else (exponents, longer digit
 * runs such as the 17-digit doubles that Python and JavaScript print, numbers in the last bytes of
 * the body) is read byte by byte and converted with Jackson's own {@link
 * NumberInput#parseFloat(char[], int, int, boolean)} (FastDoubleParser, correctly rounded). Tiers 1
 * and 2 compute a decimal with one division by an exact power of ten when its significand is below
 * 2^24 (Clinger's fast path in float: both operands are exact float32 values, so the quotient is
 * the correctly rounded result). {@code RowScannerTest} checks every form against the Jackson path
 * bit for bit.
 */
final class RowScanner {
  private static final byte[] INSTANCES = "\"instances\"".getBytes(StandardCharsets.US_ASCII);

  /** Reads eight body bytes as one long, the first byte in the lowest 8 bits. */
  private static final VarHandle LONG_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /** 10^0 .. 10^10, each exact in float32 (5^10 < 2^24). */
  private static final float[] POW10 = {
    1e0f, 1e1f, 1e2f, 1e3f, 1e4f, 1e5f, 1e6f, 1e7f, 1e8f, 1e9f, 1e10f
  };

  /** 10^0 .. 10^8 as longs, to append a run of up to 8 digits to a significand. */
  private static final long[] POW10_LONG = {
    1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L, 100_000_000L
  };

  /** Bytes the SWAR tier may read from a number's start: a sign, 8, a point, 8, one more. */
  private static final int SWAR_ROOM = 19;

  /** Significands below this (2^24) are exact in float32. */
  private static final long FAST_SIGNIFICAND = 1L << 24;

  /** 10^0 .. 10^22, each exact in double (5^22 < 2^53). */
  private static final double[] POW10_DOUBLE = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22
  };

  /** Significands up to this (2^53) are exact in double. */
  private static final long DOUBLE_SIGNIFICAND = 1L << 53;

  /** The 29 significand bits of a double below float precision (52 - 23). */
  private static final long FLOAT_DROPPED_BITS = (1L << 29) - 1;

  /** Those bits of a double that lies exactly halfway between two adjacent floats. */
  private static final long FLOAT_MIDPOINT = 1L << 28;

  /** Largest significand (7 digits) of the byte-at-a-time path's fast case. */
  private static final long FAST_DIGITS_SIGNIFICAND = 9_999_999L;

  private RowScanner() {}

  /**
   * The scanned (rows, inputs) features, {@code features} may have grown; {@code bounds} holds the
   * byte range of instance i of the body at [2i, 2i + 1] (start inclusive, end exclusive), and
   * {@code ids} the body's {@code "ids"} (null when it has none).
   */
  record Result(float[] features, int rows, int[] bounds, String[] ids) {}

  private static final byte[] IDS = "\"ids\"".getBytes(StandardCharsets.US_ASCII);

  /**
   * Scans the body into {@code features} and the byte range of each instance into {@code bounds}
   * (both grown by doubling when needed), or null when the body is not of the fast shape (which may
   * carry {@code "ids"} before or after the instances, read by {@link Ids#scan}) or holds a
   * mistake.
   */
  static Result scan(byte[] body, int inputs, float[] features, int[] bounds) {
    final byte[] b = body;
    int p = expect(b, 0, '{');
    String[] ids = null;
    if (p >= 0 && startsWith(b, p = skipWhitespace(b, p), IDS)) {
      Ids.Scanned read = Ids.scan(b, p + IDS.length);
      if (read == null || (p = expect(b, read.end(), ',')) < 0) {
        return null;
      }
      ids = read.ids();
      p = skipWhitespace(b, p);
    }
    if (p < 0 || !startsWith(b, p, INSTANCES)) {
      return null;
    }
    p = expect(b, p + INSTANCES.length, ':');
    p = p < 0 ? -1 : expect(b, p, '[');
    if (p < 0) {
      return null;
    }
    int rows = 0;
    while (true) {
      p = expect(b, p, '[');
      if (p < 0 || (long) (rows + 1) * inputs > Integer.MAX_VALUE - 8) {
        return null;
      }
      if ((rows + 1) * inputs > features.length) {
        features = Arrays.copyOf(features, Math.max(features.length * 2, (rows + 1) * inputs));
      }
      if (2 * rows + 2 > bounds.length) {
        bounds = Arrays.copyOf(bounds, Math.max(16, bounds.length * 2));
      }
      bounds[2 * rows] = p - 1;
      int offset = rows * inputs;
      for (int column = 0; column < inputs; column++) {
        if (column > 0) {
          if (p < b.length && b[p] == ',') {
            p++; // the common case: no whitespace before the comma
          } else if ((p = expect(b, p, ',')) < 0) {
            return null;
          }
        }
        if ((p = number(b, p, features, offset + column)) < 0) {
          return null;
        }
      }
      if ((p = expect(b, p, ']')) < 0) {
        return null;
      }
      bounds[2 * rows + 1] = p;
      rows++;
      p = skipWhitespace(b, p);
      if (p < b.length && b[p] == ',') {
        p++;
      } else if (p < b.length && b[p] == ']') {
        p++;
        break;
      } else {
        return null;
      }
    }
    if (ids == null && (p = skipWhitespace(b, p)) < b.length && b[p] == ',') {
      p = skipWhitespace(b, p + 1);
      Ids.Scanned read = startsWith(b, p, IDS) ? Ids.scan(b, p + IDS.length) : null;
      if (read == null) {
        return null;
      }
      ids = read.ids();
      p = read.end();
    }
    p = expect(b, p, '}');
    return p >= 0 && skipWhitespace(b, p) == b.length
        ? new Result(features, rows, bounds, ids)
        : null;
  }

  /** Skips JSON whitespace from {@code p}; the position after {@code expected}, or -1. */
  static int expect(byte[] b, int p, char expected) {
    p = skipWhitespace(b, p);
    return p < b.length && b[p] == expected ? p + 1 : -1;
  }

  static int skipWhitespace(byte[] b, int p) {
    while (p < b.length) {
      byte c = b[p];
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        return p;
      }
      p++;
    }
    return p;
  }

  private static boolean startsWith(byte[] b, int p, byte[] text) {
    if (b.length - p < text.length) {
      return false;
    }
    for (int i = 0; i < text.length; i++) {
      if (b[p + i] != text[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * Reads one JSON number (after optional whitespace) into {@code out[index]}; the position after
   * it, or -1 if there is none or it is not finite. Three tiers: {@link #numberInWord} for a number
   * of up to 7 characters after its sign, {@link #numberSwar} for digit runs of up to 7 digits,
   * {@link #numberBytewise} for everything else; each hands over what it cannot decide.
   */
  private static int number(byte[] b, int p, float[] out, int index) {
    if (p < b.length && b[p] <= ' ') {
      p = skipWhitespace(b, p);
    }
    if (b.length - p < 8) {
      return numberBytewise(b, p, out, index);
    }
    return numberInWord(b, p, out, index);
  }

  /**
   * The shortest tier, for numbers like {@code -0.8947}, {@code 12.5} or {@code 3}: the sign, at
   * most 7 characters of digits and one point, and the byte after them, all in the one 8-byte word
   * at {@code p}. Everything is computed from that word (where the number ends, where its point is,
   * its digits with the point squeezed out), so the next number's position depends on one load and
   * a few ALU operations, where a digit loop chains a load per byte: that chain, not the
   * arithmetic, is what a row of numbers costs.
   */
  private static int numberInWord(byte[] b, int p, float[] out, int index) {
    long word = (long) LONG_LE.get(b, p);
    int negative = (word & 0xFF) == '-' ? 1 : 0;
    long text = word >>> (negative << 3); // the sign dropped; a zero byte comes in at the top
    long notDigit = notDigitBytes(text);
    long point = zeroBytes(text ^ 0x2E2E_2E2E_2E2E_2E2EL); // flags the bytes that are '.'
    int length = Long.numberOfTrailingZeros(notDigit & ~point) >>> 3; // digits and points
    if (length == 0 || negative + length > 7) {
      // Not a number, or its end is not in the word (after a sign, the top byte is the fill).
      return numberSwar(b, p, out, index);
    }
    long inside = (1L << (length << 3)) - 1; // the bytes of the number (length <= 7)
    int after = (int) (text >>> (length << 3)) & 0xFF;
    point &= inside;
    if ((after | 0x20) == 'e' || (point & (point - 1)) != 0) {
      return numberSwar(b, p, out, index); // an exponent, or two points: let the next tier judge
    }
    if (point == 0) {
      return integerInWord(text, length, negative, out, index) ? p + negative + length : -1;
    }
    int integerDigits = Long.numberOfTrailingZeros(point) >>> 3;
    int scale = length - 1 - integerDigits;
    if (integerDigits == 0 || scale == 0 || (integerDigits > 1 && (text & 0xFF) == '0')) {
      return -1; // ".5", "1." and "01.5" are not JSON
    }
    // The digits with the point squeezed out: the bytes below it, then those above moved down one.
    long below = (1L << (integerDigits << 3)) - 1;
    long digits = (text & below) | ((text >>> 8) & ~below);
    long significand = digitsValue(digits, length - 1); // at most 6 digits: exact in float32
    // Clinger: significand and 10^scale (scale <= 6) are exact floats, so one rounding. The
    // quotient is >= +0, so setting the sign bit negates it (-0.0 included, as Jackson reads it).
    float value = (float) significand / POW10[scale];
    out[index] = Float.intBitsToFloat(Float.floatToRawIntBits(value) | (negative << 31));
    return p + negative + length;
  }

  /**
   * The high bit of each byte of {@code word} that is not an ASCII digit, exactly for every byte
   * (unlike {@link #digitCount}'s test, whose borrows make the bytes after the first non-digit
   * unreliable): a digit XOR '0' is 0..9, and adding 0x76 to its low 7 bits reaches 0x80 exactly
   * when those are 10 or more, without a carry into the next byte.
   */
  private static long notDigitBytes(long word) {
    long t = word ^ 0x3030_3030_3030_3030L;
    return (((t & 0x7F7F_7F7F_7F7F_7F7FL) + 0x7676_7676_7676_7676L) | t) & 0x8080_8080_8080_8080L;
  }

  /**
   * The integer case of {@link #numberInWord} (a method of its own so that the decimal case stays
   * small enough for the JIT to inline): false for a leading zero. Jackson converts an integer
   * token from its long value, so "-0" is +0; below 10^7, so exact.
   */
  private static boolean integerInWord(
      long text, int length, int negative, float[] out, int index) {
    if (length > 1 && (text & 0xFF) == '0') {
      return false;
    }
    long significand = digitsValue(text, length);
    long mask = -negative; // two's complement negation when negative, without a branch
    out[index] = (float) ((significand ^ mask) - mask);
    return true;
  }

  /** The high bit of each byte of {@code x} that is zero, exactly (no carry crosses bytes). */
  private static long zeroBytes(long x) {
    return ~(((x & 0x7F7F_7F7F_7F7F_7F7FL) + 0x7F7F_7F7F_7F7F_7F7FL) | x | 0x7F7F_7F7F_7F7F_7F7FL);
  }

  /**
   * The middle tier: an integer part and a fraction of up to 7 digits each, read with one 8-byte
   * load per digit run, without an exponent; {@code p} is at the number.
   */
  private static int numberSwar(byte[] b, int p, float[] out, int index) {
    // Both 8-byte reads below stay inside the body: sign, 8 bytes, a point, 8 bytes.
    if (b.length - p < SWAR_ROOM) {
      return numberBytewise(b, p, out, index);
    }
    // The sign without a branch: it is as often '-' as not in real features, so unpredictable.
    int negative = b[p] == '-' ? 1 : 0;
    int q = p + negative;
    // Integer part: 1..7 digits, no leading zero (a bare "0" is fine).
    long word = (long) LONG_LE.get(b, q);
    int count = digitCount(word);
    if (count == 0 || count == 8 || (count > 1 && (word & 0xFF) == '0')) {
      return numberBytewise(b, p, out, index);
    }
    long significand = digitsValue(word, count);
    q += count;
    if (b[q] == '.') {
      word = (long) LONG_LE.get(b, q + 1);
      int scale = digitCount(word);
      if (scale == 0 || scale == 8) {
        return numberBytewise(b, p, out, index);
      }
      significand = significand * POW10_LONG[scale] + digitsValue(word, scale);
      q += 1 + scale;
      if ((b[q] | 0x20) == 'e' || significand >= FAST_SIGNIFICAND) {
        return numberBytewise(b, p, out, index);
      }
      // Clinger: significand and 10^scale (scale <= 7) are exact floats, so one rounding. The
      // quotient is >= +0, so setting the sign bit negates it (-0.0 included, as Jackson reads it).
      float value = (float) significand / POW10[scale];
      out[index] = Float.intBitsToFloat(Float.floatToRawIntBits(value) | (negative << 31));
      return q;
    }
    if ((b[q] | 0x20) == 'e') {
      return numberBytewise(b, p, out, index);
    }
    // An integer token: Jackson converts it from its long value, so "-0" is +0 (two's complement
    // negation when negative); below 10^7, so exact.
    long mask = -negative;
    out[index] = (float) ((significand ^ mask) - mask);
    return q;
  }

  /**
   * How many of the eight bytes of {@code word}, from the first, are ASCII digits (8 if all are). A
   * byte is a digit iff neither {@code byte - '0'} borrows nor {@code byte + 0x46} reaches 0x80;
   * bytes before the first non-digit neither borrow nor carry, so the lowest flagged byte is
   * exactly the first non-digit.
   */
  private static int digitCount(long word) {
    long flags =
        ((word + 0x4646_4646_4646_4646L) | (word - 0x3030_3030_3030_3030L))
            & 0x8080_8080_8080_8080L;
    return Long.numberOfTrailingZeros(flags) >>> 3;
  }

  /**
   * The value of the first {@code count} (1..8) ASCII digits of {@code word}, the first byte being
   * the most significant digit. The digits are shifted to the top bytes (zeros below, the bytes
   * after them shifted out), then combined pairwise in three steps: bytes into 2-digit lanes, lanes
   * into 4- and then 8-digit values (Lemire's eight-digit parse; no lane overflows 8 bits after the
   * first step since 10 × 9 + 9 < 256).
   */
  private static long digitsValue(long word, int count) {
    long digits = (word - 0x3030_3030_3030_3030L) << ((8 - count) << 3);
    digits = digits * 10 + (digits >>> 8);
    return (((digits & 0x0000_00FF_0000_00FFL) * (100 + (1_000_000L << 32)))
            + (((digits >>> 16) & 0x0000_00FF_0000_00FFL) * (1 + (10_000L << 32))))
        >>> 32;
  }

  /**
   * The byte-at-a-time tier of {@link #number} (RFC 8259: {@code -? (0 | [1-9][0-9]*) (. [0-9]+)?
   * ([eE] [+-]? [0-9]+)?}), for every number the SWAR tier does not take; {@code p} is at its first
   * byte.
   */
  private static int numberBytewise(byte[] b, int p, float[] out, int index) {
    final int end = b.length;
    final int start = p;
    boolean negative = false;
    if (p < end && b[p] == '-') {
      negative = true;
      p++;
    }
    long significand = 0;
    int digits = 0; // significant digits in the significand (leading zeros not counted)
    int scale = 0; // value = significand * 10^(-scale) * 10^exponent
    boolean exact = true; // the significand holds every digit
    // Integer part: 0, or a non-zero digit then digits.
    if (p >= end || b[p] < '0' || b[p] > '9') {
      return -1;
    }
    if (b[p] == '0') {
      p++;
      if (p < end && b[p] >= '0' && b[p] <= '9') {
        return -1; // leading zero
      }
    } else {
      for (int d; p < end && (d = b[p] - '0') >= 0 && d <= 9; p++) {
        if (digits < 18) {
          significand = significand * 10 + d;
          digits++;
        } else {
          exact = false;
        }
      }
    }
    boolean integer = true;
    if (p < end && b[p] == '.') {
      integer = false;
      p++;
      int first = p;
      for (int d; p < end && (d = b[p] - '0') >= 0 && d <= 9; p++) {
        if (digits < 18) {
          significand = significand * 10 + d;
          if (significand != 0) {
            digits++;
          }
          scale++;
        } else {
          exact = false;
        }
      }
      if (p == first) {
        return -1; // "1." is not JSON
      }
    }
    int exponent = 0;
    if (p < end && (b[p] == 'e' || b[p] == 'E')) {
      integer = false;
      p++;
      boolean negativeExponent = false;
      if (p < end && (b[p] == '+' || b[p] == '-')) {
        negativeExponent = b[p] == '-';
        p++;
      }
      int first = p;
      for (int d; p < end && (d = b[p] - '0') >= 0 && d <= 9; p++) {
        if (exponent < 100_000) {
          exponent = exponent * 10 + d;
        }
      }
      if (p == first) {
        return -1;
      }
      if (negativeExponent) {
        exponent = -exponent;
      }
    }
    float v;
    if (integer && exact) {
      // Jackson converts an integer token from its long value.
      v = (float) (negative ? -significand : significand);
    } else {
      int power = exponent - scale;
      if (exact && significand <= FAST_DIGITS_SIGNIFICAND && power >= -10 && power <= 10) {
        float m = (float) significand; // exact: below 2^24
        v = power >= 0 ? m * POW10[power] : m / POW10[-power];
        if (negative) {
          v = -v;
        }
      } else if (exact && significand <= DOUBLE_SIGNIFICAND && power >= -22 && power <= 22) {
        // Clinger in double: one correctly rounded double d, then rounded to float. Rounding twice
        // goes wrong only if a float midpoint lies between the decimal x and d; a midpoint has 25
        // significant bits, so it is a double, and d, the double nearest x, would then be that
        // midpoint. So unless d is exactly a float midpoint (its 29 bits below float precision
        // are 1 then 28 zeros; d is a normal double here), (float) d is x correctly rounded.
        double d =
            power >= 0 ? significand * POW10_DOUBLE[power] : significand / POW10_DOUBLE[-power];
        if ((Double.doubleToRawLongBits(d) & FLOAT_DROPPED_BITS) != FLOAT_MIDPOINT) {
          v = negative ? (float) -d : (float) d;
        } else {
          v = parseDecimal(b, start, p - start);
        }
      } else if (integer) {
        return -1; // a long integer: Jackson's BigInteger path decides
      } else {
        v = parseDecimal(b, start, p - start);
      }
    }
    if (!Float.isFinite(v)) {
      return -1;
    }
    out[index] = v;
    return p;
  }

  /**
   * A decimal the fast cases do not cover, converted as Jackson converts it (its FastDoubleParser,
   * correctly rounded, so the same float as {@link Float#parseFloat}), from the ASCII bytes.
   */
  private static float parseDecimal(byte[] b, int start, int length) {
    char[] chars = new char[length];
    for (int i = 0; i < length; i++) {
      chars[i] = (char) b[start + i];
    }
    return NumberInput.parseFloat(chars, 0, length, true);
  }
}
