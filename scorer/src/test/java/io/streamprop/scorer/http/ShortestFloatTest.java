package io.streamprop.scorer.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.io.schubfach.FloatToDecimal;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link ShortestFloat} against Jackson's {@code FloatToDecimal.toString}, the writer the JSON
 * generator uses: the same characters for every float of whole binades (where probabilities live,
 * the plain/scientific boundaries, the subnormals), for the neighbours of every power of two and
 * ten, and for random bit patterns. (Every positive finite float, all 2,139,095,040 bit patterns,
 * was checked once against Jackson: about 15 minutes, too long for every build.)
 */
class ShortestFloatTest {
  private final byte[] out = new byte[ShortestFloat.MAX_CHARS + 8];

  private String written(float value) {
    int end = ShortestFloat.write(out, 3, value);
    assertThat(end - 3).isLessThanOrEqualTo(ShortestFloat.MAX_CHARS);
    return new String(out, 3, end - 3, StandardCharsets.US_ASCII);
  }

  private void assertSameAsJackson(int bits) {
    float value = Float.intBitsToFloat(bits);
    String expected = FloatToDecimal.toString(value);
    String actual = written(value);
    if (!actual.equals(expected)) { // assertThat per float would dominate the run time
      assertThat(actual).as("bits 0x%08x", bits).isEqualTo(expected);
    }
  }

  /** Every float in [2^-1, 1) (most probabilities) and every subnormal, both signs for a sample. */
  @ParameterizedTest
  @ValueSource(ints = {-1, -127})
  void everyFloatOfABinade_sameCharactersAsJackson(int exponent) {
    binade(exponent, 1);
  }

  /** Every 13th float of binades around the plain/scientific boundaries and the integers. */
  @ParameterizedTest
  @ValueSource(ints = {-2, -7, -10, -14, -24, -34, -126, 0, 3, 23, 24, 127})
  void binadeSample_sameCharactersAsJackson(int exponent) {
    binade(exponent, 13);
  }

  /** The floats [2^e, 2^(e+1)) with a stride; e = -127 stands for the subnormals. */
  private void binade(int exponent, int stride) {
    int first = exponent == -127 ? 1 : Float.floatToRawIntBits(Math.scalb(1f, exponent));
    int last = exponent == -127 ? 0x0080_0000 : first + (1 << 23);
    for (int bits = first; bits < last; bits += stride) {
      assertSameAsJackson(bits);
      if ((bits & 0x3F) == 0) {
        assertSameAsJackson(bits | 0x8000_0000);
      }
    }
  }

  @Test
  void neighboursOfPowersOfTwoAndTen_sameCharactersAsJackson() {
    for (int e = -149; e <= 127; e++) {
      int bits = Float.floatToRawIntBits(Math.scalb(1f, e));
      for (int d = -3; d <= 3; d++) {
        if (bits + d > 0 && Float.isFinite(Float.intBitsToFloat(bits + d))) {
          assertSameAsJackson(bits + d);
        }
      }
    }
    for (int e = -45; e <= 38; e++) {
      int bits = Float.floatToRawIntBits(Float.parseFloat("1e" + e));
      for (int d = -3; d <= 3; d++) {
        if (Float.isFinite(Float.intBitsToFloat(bits + d))) {
          assertSameAsJackson(bits + d);
        }
      }
    }
  }

  @Test
  void randomBitPatterns_sameCharactersAsJackson() {
    SplittableRandom random = new SplittableRandom(20261127);
    for (int i = 0; i < 3_000_000; i++) {
      int bits = random.nextInt();
      if (Float.isFinite(Float.intBitsToFloat(bits))) {
        assertSameAsJackson(bits);
      }
    }
  }

  @Test
  void examples_writtenAsJavaWritesFloats() {
    assertThat(written(0f)).isEqualTo("0.0");
    assertThat(written(-0f)).isEqualTo("-0.0");
    assertThat(written(3f)).isEqualTo("3.0");
    assertThat(written(0.97f)).isEqualTo("0.97");
    assertThat(written(1e-3f)).isEqualTo("0.001");
    assertThat(written(1e-4f)).isEqualTo("1.0E-4");
    assertThat(written(1.2345e-10f)).isEqualTo("1.2345E-10");
    assertThat(written(9999999f)).isEqualTo("9999999.0");
    assertThat(written(1e7f)).isEqualTo("1.0E7");
    assertThat(written(Float.MAX_VALUE)).isEqualTo("3.4028235E38");
    assertThat(written(Float.MIN_VALUE)).isEqualTo("1.4E-45");
    assertThat(written(-123.456f)).isEqualTo("-123.456");
  }

  @Test
  void nonFinite_refused() {
    assertThatThrownBy(() -> written(Float.NaN)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> written(Float.NEGATIVE_INFINITY))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
