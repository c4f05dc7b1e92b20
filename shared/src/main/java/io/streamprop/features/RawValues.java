package io.streamprop.features;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;

/**
 * How raw values are read, shared by the {@link Featurizer} and schema inference so that both agree
 * (rules in {@code docs/spec.md}, "Raw features"):
 *
 * <ul>
 *   <li>a CSV cell is a <b>number</b> when it is a decimal, {@code [+-]?(d+.?d*|.d+)([eE][+-]?d+)?}
 *       (no {@code NaN}, {@code Infinity}, hex or suffixes);
 *   <li>a <b>boolean word</b> is {@code true/false/yes/no/1/0}, any case;
 *   <li>the <b>category</b> of a number is its canonical decimal: integers as digits ({@code 3},
 *       {@code 3.0} and {@code 3e0} give {@code "3"}), others {@code
 *       BigDecimal.stripTrailingZeros().toPlainString()} ({@code 2.50} gives {@code "2.5"}); a CSV
 *       cell in JSON number syntax is read as that number, any other cell as the string it is
 *       ({@code 007} stays {@code "007"}).
 * </ul>
 */
public final class RawValues {
  private RawValues() {}

  /** True if {@code s} is a decimal number, as a numeric CSV cell must be. */
  public static boolean isDecimal(String s) {
    int n = s.length();
    int i = 0;
    if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
      i++;
    }
    int intDigits = digits(s, i);
    i += intDigits;
    int fracDigits = 0;
    if (i < n && s.charAt(i) == '.') {
      i++;
      fracDigits = digits(s, i);
      i += fracDigits;
    }
    if (intDigits + fracDigits == 0) {
      return false;
    }
    return exponent(s, i) == n;
  }

  /** True if {@code s} is a number in JSON syntax: {@code -?(0|[1-9]d*)(.d+)?([eE][+-]?d+)?}. */
  public static boolean isJsonNumber(String s) {
    int n = s.length();
    int i = 0;
    if (i < n && s.charAt(i) == '-') {
      i++;
    }
    int intDigits = digits(s, i);
    if (intDigits == 0 || intDigits > 1 && s.charAt(i) == '0') {
      return false;
    }
    i += intDigits;
    if (i < n && s.charAt(i) == '.') {
      int frac = digits(s, i + 1);
      if (frac == 0) {
        return false;
      }
      i += 1 + frac;
    }
    return exponent(s, i) == n;
  }

  private static int digits(String s, int from) {
    int i = from;
    while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
      i++;
    }
    return i - from;
  }

  /** The end of an optional exponent starting at {@code i}, or -1 if it is malformed. */
  private static int exponent(String s, int i) {
    if (i == s.length() || (s.charAt(i) != 'e' && s.charAt(i) != 'E')) {
      return i;
    }
    i++;
    if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
      i++;
    }
    int d = digits(s, i);
    return d == 0 ? -1 : i + d;
  }

  /**
   * {@code TRUE} or {@code FALSE} for a boolean word (true/false/yes/no/1/0, any case); or null.
   */
  public static Boolean booleanWord(String s) {
    switch (s.length()) {
      case 1:
        return s.equals("1") ? Boolean.TRUE : s.equals("0") ? Boolean.FALSE : null;
      case 2:
        return s.equalsIgnoreCase("no") ? Boolean.FALSE : null;
      case 3:
        return s.equalsIgnoreCase("yes") ? Boolean.TRUE : null;
      case 4:
        return s.equalsIgnoreCase("true") ? Boolean.TRUE : null;
      case 5:
        return s.equalsIgnoreCase("false") ? Boolean.FALSE : null;
      default:
        return null;
    }
  }

  /**
   * The canonical decimal of a JSON number, or null if it would be longer than {@code maxLength}
   * characters (so that {@code 1e999999999} is refused, not written out). The number must be
   * finite.
   */
  public static String canonical(JsonNode number, int maxLength) {
    if (number.isIntegralNumber()) {
      String digits = number.asText();
      return digits.length() <= maxLength ? digits : null;
    }
    if (number.isBigDecimal()) {
      return canonical(number.decimalValue(), maxLength);
    }
    double d = number.doubleValue();
    if (d == Math.rint(d) && Math.abs(d) < 0x1p63) {
      String digits = Long.toString((long) d);
      return digits.length() <= maxLength ? digits : null;
    }
    return canonical(BigDecimal.valueOf(d), maxLength);
  }

  /** The canonical decimal of a CSV cell in JSON number syntax, or null if too long. */
  public static String canonical(String jsonNumber, int maxLength) {
    try {
      return canonical(new BigDecimal(jsonNumber), maxLength);
    } catch (NumberFormatException e) {
      return null; // an exponent beyond the int range: astronomically long written out
    }
  }

  private static String canonical(BigDecimal value, int maxLength) {
    BigDecimal d = value.stripTrailingZeros();
    long length = d.precision() + (d.signum() < 0 ? 1 : 0);
    if (d.scale() < 0) {
      length -= d.scale(); // trailing zeros written out
    } else if (d.scale() > 0) {
      length += Math.max(0, d.scale() - d.precision() + 1) + 1; // leading "0." and zeros
    }
    return length <= maxLength ? d.toPlainString() : null;
  }
}
