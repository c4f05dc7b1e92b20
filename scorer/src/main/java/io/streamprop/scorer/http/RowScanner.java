package io.streamprop.scorer.http;

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
 * #scan} return -1, and the caller parses the body again with Jackson, which accepts it or names
 * the problem. So the fast path adds no error message and no behaviour of its own.
 *
 * <p>Numbers get exactly the float that Jackson's {@code getFloatValue()} gives: an integer token
 * is converted from its long value ({@code (float) long}, so {@code -0} is +0), a token with a
 * fraction or an exponent is rounded once from the decimal (IEEE round-to-nearest-even). The
 * decimal case is computed exactly when the significand has at most 7 digits and the power of ten
 * at most 10 (Clinger's fast path in float: both operands are exact float32 values, so one
 * multiplication or division is the correctly rounded result); other decimals go through {@link
 * Float#parseFloat}, which is correctly rounded too. {@code RowScannerTest} checks every form
 * against the Jackson path bit for bit.
 */
final class RowScanner {
  private static final byte[] INSTANCES = "\"instances\"".getBytes(StandardCharsets.US_ASCII);

  /** 10^0 .. 10^10, each exact in float32 (5^10 < 2^24). */
  private static final float[] POW10 = {
    1e0f, 1e1f, 1e2f, 1e3f, 1e4f, 1e5f, 1e6f, 1e7f, 1e8f, 1e9f, 1e10f
  };

  /** Largest significand (7 digits) that is exact in float32 (below 2^24). */
  private static final long FAST_SIGNIFICAND = 9_999_999L;

  private final byte[] body;
  private int at;
  private float value; // the last number read

  private RowScanner(byte[] body) {
    this.body = body;
  }

  /** The scanned (rows, inputs) features, {@code features} may have grown. */
  record Result(float[] features, int rows) {}

  /**
   * Scans the body into {@code features} (grown by doubling when needed; only the first rows ×
   * inputs values are written) and returns the rows and the array, or null when the body is not of
   * the fast shape or holds any mistake.
   */
  static Result scan(byte[] body, int inputs, float[] features) {
    return new RowScanner(body).instances(inputs, features);
  }

  private Result instances(int inputs, float[] features) {
    if (!skip('{') || !literal(INSTANCES) || !skip(':') || !skip('[')) {
      return null;
    }
    int rows = 0;
    while (true) {
      if (!skip('[')) {
        return null;
      }
      if ((long) (rows + 1) * inputs > Integer.MAX_VALUE - 8) {
        return null;
      }
      if ((rows + 1) * inputs > features.length) {
        features = Arrays.copyOf(features, Math.max(features.length * 2, (rows + 1) * inputs));
      }
      int offset = rows * inputs;
      for (int column = 0; column < inputs; column++) {
        if ((column > 0 && !skip(',')) || !number()) {
          return null;
        }
        features[offset + column] = value;
      }
      if (!skip(']')) {
        return null;
      }
      rows++;
      byte next = peek();
      if (next == ',') {
        at++;
      } else if (next == ']') {
        at++;
        break;
      } else {
        return null;
      }
    }
    if (!skip('}')) {
      return null;
    }
    skipWhitespace();
    return at == body.length ? new Result(features, rows) : null;
  }

  /** Skips JSON whitespace, then consumes {@code expected} if it comes next. */
  private boolean skip(char expected) {
    skipWhitespace();
    if (at < body.length && body[at] == expected) {
      at++;
      return true;
    }
    return false;
  }

  private byte peek() {
    skipWhitespace();
    return at < body.length ? body[at] : 0;
  }

  private void skipWhitespace() {
    while (at < body.length) {
      byte b = body[at];
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        return;
      }
      at++;
    }
  }

  private boolean literal(byte[] text) {
    skipWhitespace();
    if (body.length - at < text.length) {
      return false;
    }
    for (int i = 0; i < text.length; i++) {
      if (body[at + i] != text[i]) {
        return false;
      }
    }
    at += text.length;
    return true;
  }

  /**
   * Reads one JSON number (RFC 8259: {@code -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?})
   * into {@link #value}; false if there is none, or if it is not finite.
   */
  private boolean number() {
    skipWhitespace();
    final byte[] b = body;
    final int end = b.length;
    final int start = at;
    int p = at; // a local cursor: the loops below keep it in a register
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
      return false;
    }
    if (b[p] == '0') {
      p++;
      if (p < end && b[p] >= '0' && b[p] <= '9') {
        return false; // leading zero
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
        return false; // "1." is not JSON
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
        return false;
      }
      if (negativeExponent) {
        exponent = -exponent;
      }
    }
    at = p;
    float v;
    if (integer && exact) {
      // Jackson converts an integer token from its long value.
      v = (float) (negative ? -significand : significand);
    } else {
      int power = exponent - scale;
      if (exact && significand <= FAST_SIGNIFICAND && power >= -10 && power <= 10) {
        float m = (float) significand; // exact: below 2^24
        v = power >= 0 ? m * POW10[power] : m / POW10[-power];
        if (negative) {
          v = -v;
        }
      } else if (integer) {
        return false; // a long integer: Jackson's BigInteger path decides
      } else {
        v = Float.parseFloat(new String(b, start, p - start, StandardCharsets.ISO_8859_1));
      }
    }
    if (!Float.isFinite(v)) {
      return false;
    }
    value = v;
    return true;
  }
}
