package io.streamprop.features;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MurmurHash3Test {

  private static int hash(String utf8, long seed) {
    return MurmurHash3.hash32(utf8.getBytes(StandardCharsets.UTF_8), (int) seed);
  }

  private static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  /** The widely published MurmurHash3 x86_32 vectors (checked against scikit-learn as well). */
  @ParameterizedTest
  @CsvSource({
    "'', 0x00000000, 0x00000000",
    "'', 0x00000001, 0x514E28B7",
    "'', 0xffffffff, 0x81F16F39",
    "aaaa, 0x9747b28c, 0x5A97808A",
    "aaa, 0x9747b28c, 0x283E0130",
    "aa, 0x9747b28c, 0x5D211726",
    "a, 0x9747b28c, 0x7FA09EA6",
    "abcd, 0x9747b28c, 0xF0478627",
    "abc, 0x9747b28c, 0xC84A62DD",
    "ab, 0x9747b28c, 0x74875592",
    "'Hello, world!', 0x9747b28c, 0x24884CBA",
    "ππππππππ, 0x9747b28c, 0xD58063C1",
    "abc, 0, 0xB3DD93FA",
    "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq, 0, 0xEE925B90",
    "The quick brown fox jumps over the lazy dog, 0x9747b28c, 0x2FA826CD",
  })
  void publishedTextVectors_match(String key, String seed, String expected) {
    assertThat(hash(key, Long.decode(seed))).isEqualTo((int) (long) Long.decode(expected));
  }

  @Test
  void publishedByteVectors_matchEveryTailLength() {
    assertThat(MurmurHash3.hash32(bytes(0xff, 0xff, 0xff, 0xff), 0)).isEqualTo(0x76293B50);
    assertThat(MurmurHash3.hash32(bytes(0x21, 0x43, 0x65, 0x87), 0)).isEqualTo(0xF55B516B);
    assertThat(MurmurHash3.hash32(bytes(0x21, 0x43, 0x65, 0x87), 0x5082EDEE)).isEqualTo(0x2362F9DE);
    assertThat(MurmurHash3.hash32(bytes(0x21, 0x43, 0x65), 0)).isEqualTo(0x7E4A8634);
    assertThat(MurmurHash3.hash32(bytes(0x21, 0x43), 0)).isEqualTo(0xA0F7B07A);
    assertThat(MurmurHash3.hash32(bytes(0x21), 0)).isEqualTo(0x72661CF4);
    assertThat(MurmurHash3.hash32(bytes(0, 0, 0, 0), 0)).isEqualTo(0x2362F9DE);
    assertThat(MurmurHash3.hash32(bytes(0, 0, 0), 0)).isEqualTo(0x85F0B427);
    assertThat(MurmurHash3.hash32(bytes(0, 0), 0)).isEqualTo(0x30F4C306);
    assertThat(MurmurHash3.hash32(bytes(0), 0)).isEqualTo(0x514E28B7);
    assertThat(MurmurHash3.hash32(new byte[256], 0, 256, 0))
        .isEqualTo(MurmurHash3.hash32(new byte[256], 0));
  }

  /**
   * SMHasher's VerificationTest: hash keys {0}, {0,1}, ..., {0..254} with seed 256 - length, then
   * hash the 256 little-endian results with seed 0; MurmurHash3_x86_32 gives 0xB0F57EE3.
   */
  @Test
  void smhasherVerificationValue_matches() {
    byte[] key = new byte[256];
    byte[] hashes = new byte[256 * 4];
    for (int i = 0; i < 256; i++) {
      key[i] = (byte) i;
      int h = MurmurHash3.hash32(key, 0, i, 256 - i);
      for (int b = 0; b < 4; b++) {
        hashes[4 * i + b] = (byte) (h >>> (8 * b));
      }
    }
    assertThat(MurmurHash3.hash32(hashes, 0)).isEqualTo(0xB0F57EE3);
  }

  /** sklearn.utils.murmurhash3_32(key, seed, positive=True) from features_golden.py. */
  @Test
  void scikitLearnVectors_matchAsUnsigned() {
    JsonNode hashes = FeatureGolden.load().get("hashes");
    assertThat(hashes.size()).isGreaterThanOrEqualTo(50);
    for (JsonNode v : hashes) {
      String key = v.get("key").textValue();
      long unsigned = hash(key, v.get("seed").longValue()) & 0xffff_ffffL;
      assertThat(unsigned)
          .as("key %s seed %s", key, v.get("seed"))
          .isEqualTo(v.get("hash").longValue());
    }
  }

  @Test
  void offset_hashesTheSlice() {
    byte[] padded = "xxabcdyy".getBytes(StandardCharsets.UTF_8);
    assertThat(MurmurHash3.hash32(padded, 2, 4, 0x9747b28c)).isEqualTo(0xF0478627);
  }

  @Test
  void utf8_encodesLikeStringGetBytes_loneSurrogatesIncluded() {
    SplittableRandom random = new SplittableRandom(7);
    char[] alphabet = {
      'a', 'Z', '0', ' ', 'é', 'ß', '東', '\ud83d', '\ude00', '\u0000', '\u07ff', '\uffff'
    };
    for (int trial = 0; trial < 2000; trial++) {
      char[] chars = new char[random.nextInt(12)];
      for (int i = 0; i < chars.length; i++) {
        chars[i] = alphabet[random.nextInt(alphabet.length)];
      }
      String s = new String(chars);
      byte[] out = new byte[3 * s.length() + 2];
      int end = MurmurHash3.utf8(s, 0, s.length(), out, 2);
      byte[] expected = s.getBytes(StandardCharsets.UTF_8);
      assertThat(java.util.Arrays.copyOfRange(out, 2, end)).as("%s", s).isEqualTo(expected);
    }
  }
}
