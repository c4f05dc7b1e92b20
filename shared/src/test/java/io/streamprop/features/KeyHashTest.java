package io.streamprop.features;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class KeyHashTest {
  /** ASCII, 2-, 3- and 4-byte UTF-8, and unpaired surrogates (UTF-8 '?'). */
  private static final String ALPHABET = "aZ9 \0é\u00ff\u0800東\uffff\uD83D\uDE00\uD801\uDC00\uDC00";

  /** The reference: the key's bytes written out, then hashed whole. */
  private static int reference(String prefix, String a, String b, int seed) {
    byte[] out = new byte[3 * (prefix.length() + a.length() + b.length()) + 1];
    int n = MurmurHash3.utf8(prefix, 0, prefix.length(), out, 0);
    n = MurmurHash3.utf8(a, 0, a.length(), out, n);
    if (!b.isEmpty()) {
      out[n++] = ' ';
      n = MurmurHash3.utf8(b, 0, b.length(), out, n);
    }
    return MurmurHash3.hash32(out, 0, n, seed);
  }

  private static String random(SplittableRandom random, int maxLength) {
    StringBuilder s = new StringBuilder();
    for (int i = random.nextInt(maxLength + 1); i > 0; i--) {
      s.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return s.toString();
  }

  @Test
  void keysInPieces_hashAsTheirBytesWhole() {
    SplittableRandom random = new SplittableRandom(5);
    KeyHash key = new KeyHash(0);
    for (int trial = 0; trial < 20_000; trial++) {
      int seed = random.nextInt();
      String prefix = random(random, 9) + "\0"; // every prefix length mod 4
      String a = random(random, 12);
      String b = random.nextBoolean() ? "" : random(random, 12);
      key.startWith(KeyHash.prefix(prefix, seed)).addUtf8(a, 0, a.length());
      if (!b.isEmpty()) {
        key.add(' ');
        key.addUtf8(b, 0, b.length());
      }
      assertThat(key.hash())
          .as("prefix %s, a %s, b %s, seed %d", prefix, a, b, seed)
          .isEqualTo(reference(prefix, a, b, seed));
    }
  }

  @Test
  void rangeOfAString_hashesOnlyThatRange() {
    KeyHash key = new KeyHash(0).startWith(KeyHash.prefix("t0\0", 42));
    key.addUtf8("red running shoes", 4, 11);
    byte[] whole = "t0\0running".getBytes(StandardCharsets.UTF_8);
    assertThat(key.hash()).isEqualTo(MurmurHash3.hash32(whole, 42));
  }

  @Test
  void hash_leavesTheKeyAsItWas() {
    KeyHash key = new KeyHash(7).startWith(KeyHash.prefix("c\0", 7));
    key.addUtf8("abcde", 0, 5);
    int first = key.hash();
    assertThat(key.hash()).isEqualTo(first);
    assertThat(first).isEqualTo(MurmurHash3.hash32("c\0abcde".getBytes(StandardCharsets.UTF_8), 7));
  }
}
