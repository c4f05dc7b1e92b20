package io.streamprop.features;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TokenizerTest {

  @Test
  void punctuationAndCase_splitAndLowercased() {
    assertThat(Tokenizer.tokens("Red running-shoes, 2 pairs!"))
        .containsExactly("red", "running", "shoes", "2", "pairs");
    assertThat(Tokenizer.tokens("  --hello...WORLD--  ")).containsExactly("hello", "world");
    assertThat(Tokenizer.tokens("under_score")).containsExactly("under", "score");
  }

  @Test
  void emptyOrSeparatorsOnly_noTokens() {
    assertThat(Tokenizer.tokens("")).isEmpty();
    assertThat(Tokenizer.tokens(" ,;!? \t\n")).isEmpty();
    assertThat(Tokenizer.count("  ")).isZero();
  }

  @Test
  void unicodeLettersAndNumbers_keptWhole() {
    assertThat(Tokenizer.tokens("Größe 42")).containsExactly("größe", "42");
    assertThat(Tokenizer.tokens("東京 Tokyo")).containsExactly("東京", "tokyo");
    // superscripts are numbers (No); an emoji (So) separates
    assertThat(Tokenizer.tokens("x²+y³")).containsExactly("x²", "y³");
    assertThat(Tokenizer.tokens("emoji\uD83D\uDE00face")).containsExactly("emoji", "face");
    // final sigma: Unicode default case mapping, Locale.ROOT
    assertThat(Tokenizer.tokens("ΟΔΟΣ")).containsExactly("οδος".replace('σ', 'ς'));
    // a supplementary letter (U+10400 DESERET CAPITAL LONG I) lowercases and stays a letter
    assertThat(Tokenizer.tokens("a\uD801\uDC00b")).containsExactly("a\uD801\uDC28b");
  }

  @Test
  void split_countsBeyondCapacity_storesOnlyCapacity() {
    int[] bounds = new int[4];
    assertThat(Tokenizer.split("a bb ccc", bounds, 2)).isEqualTo(3);
    assertThat(bounds).containsExactly(0, 1, 2, 4);
  }

  /** The scanner is the regular expression the docs name: [^\p{L}\p{N}]+. */
  @Test
  void randomText_sameAsTheDocumentedRegex() {
    Pattern separators = Pattern.compile("[^\\p{L}\\p{N}]+");
    String alphabet = "aZé9 ,._-\u00b2\u0301\u3000東\u2167\uD83D\uDE00\uD801\uDC00\u0660!";
    SplittableRandom random = new SplittableRandom(11);
    for (int trial = 0; trial < 5000; trial++) {
      StringBuilder s = new StringBuilder();
      for (int i = random.nextInt(16); i > 0; i--) {
        s.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String lower = s.toString().toLowerCase(Locale.ROOT);
      List<String> expected = new ArrayList<>(Arrays.asList(separators.split(lower)));
      expected.removeIf(String::isEmpty);
      assertThat(Tokenizer.tokens(s.toString())).as("%s", s).isEqualTo(expected);
    }
  }

  /** Every ASCII character (the scanner's table) splits as the documented regex says. */
  @Test
  void everyAsciiCharacter_sameAsTheDocumentedRegex() {
    Pattern tokenChar = Pattern.compile("[\\p{L}\\p{N}]");
    for (char c = 0; c < 0x80; c++) {
      String text = "a" + c + "b";
      List<String> expected =
          tokenChar.matcher(String.valueOf(c)).matches()
              ? List.of(text.toLowerCase(Locale.ROOT))
              : List.of("a", "b");
      assertThat(Tokenizer.tokens(text)).as("U+%04X", (int) c).isEqualTo(expected);
    }
  }

  /** The same tokens as the Python implementation in features_golden.py. */
  @Test
  void goldenTexts_matchPython() {
    for (JsonNode t : FeatureGolden.load().get("tokens")) {
      List<String> expected = new ArrayList<>();
      t.get("tokens").forEach(n -> expected.add(n.textValue()));
      assertThat(Tokenizer.tokens(t.get("text").textValue()))
          .as("%s", t.get("text"))
          .isEqualTo(expected);
    }
  }
}
