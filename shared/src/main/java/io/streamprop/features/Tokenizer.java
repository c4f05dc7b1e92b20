package io.streamprop.features;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Splits a text into tokens: lowercase it with {@link String#toLowerCase(Locale)} in {@link
 * Locale#ROOT} (Unicode default case mapping), then cut it on every run of characters that are not
 * letters or digits, i.e. the regular expression {@code [^\p{L}\p{N}]+}, dropping empty tokens. A
 * letter is a code point of Unicode general category L (Lu, Ll, Lt, Lm, Lo), a digit one of
 * category N (Nd, Nl, No). So {@code "Red running-shoes, 2 pairs!"} gives {@code red, running,
 * shoes, 2, pairs}, and {@code "Größe 42"} gives {@code größe, 42}.
 *
 * <p>{@link #split} works on index ranges so that the featurizer hashes tokens without making a
 * string for each.
 */
public final class Tokenizer {
  private Tokenizer() {}

  /** The tokens of {@code text}, lowercased, in order. */
  public static List<String> tokens(String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    int count = split(lower, null, 0);
    int[] bounds = new int[2 * count];
    split(lower, bounds, count);
    List<String> tokens = new ArrayList<>(count);
    for (int t = 0; t < count; t++) {
      tokens.add(lower.substring(bounds[2 * t], bounds[2 * t + 1]));
    }
    return tokens;
  }

  /** The number of tokens in {@code text}, which is not lowercased first (case does not matter). */
  public static int count(String text) {
    return split(text, null, 0);
  }

  /**
   * Finds the tokens of {@code text} (already lowercased) and returns how many there are. The first
   * {@code capacity} tokens' ranges go to {@code bounds}: token {@code t} is {@code
   * text[bounds[2t], bounds[2t + 1])}. With {@code bounds} null, only counts.
   */
  public static int split(String text, int[] bounds, int capacity) {
    int count = 0;
    int start = -1;
    int i = 0;
    int n = text.length();
    while (i < n) {
      char c = text.charAt(i);
      boolean tokenChar;
      int next;
      if (c < ASCII_TOKEN_CHARS.length) {
        tokenChar = ASCII_TOKEN_CHARS[c]; // the same answer, without the category look-up
        next = i + 1;
      } else {
        int cp = text.codePointAt(i);
        tokenChar = isTokenChar(cp);
        next = i + Character.charCount(cp);
      }
      if (tokenChar) {
        if (start < 0) {
          start = i;
        }
      } else if (start >= 0) {
        count = add(bounds, capacity, count, start, i);
        start = -1;
      }
      i = next;
    }
    if (start >= 0) {
      count = add(bounds, capacity, count, start, n);
    }
    return count;
  }

  private static int add(int[] bounds, int capacity, int count, int start, int end) {
    if (bounds != null && count < capacity) {
      bounds[2 * count] = start;
      bounds[2 * count + 1] = end;
    }
    return count + 1;
  }

  /** {@link #isTokenChar} of the ASCII characters (which are [A-Za-z0-9]), by index. */
  private static final boolean[] ASCII_TOKEN_CHARS = new boolean[0x80];

  static {
    for (int c = 0; c < ASCII_TOKEN_CHARS.length; c++) {
      ASCII_TOKEN_CHARS[c] = isTokenChar(c);
    }
  }

  /** A letter or a digit: Unicode general category L or N, as {@code [\p{L}\p{N}]}. */
  public static boolean isTokenChar(int codePoint) {
    return switch (Character.getType(codePoint)) {
      case Character.UPPERCASE_LETTER,
          Character.LOWERCASE_LETTER,
          Character.TITLECASE_LETTER,
          Character.MODIFIER_LETTER,
          Character.OTHER_LETTER,
          Character.DECIMAL_DIGIT_NUMBER,
          Character.LETTER_NUMBER,
          Character.OTHER_NUMBER ->
          true;
      default -> false;
    };
  }
}
