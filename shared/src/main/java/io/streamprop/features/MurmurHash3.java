package io.streamprop.features;

/**
 * MurmurHash3 x86_32 (Austin Appleby, SMHasher, public domain), the bucket hash of categorical and
 * token features. Chosen because it is fast, well mixed, and available in other languages with the
 * same bits: {@code sklearn.utils.murmurhash3_32(key, seed, positive=True)}, Python's {@code mmh3},
 * Vowpal Wabbit. Keys are UTF-8 bytes; {@link #utf8} encodes a string into a reusable buffer
 * without allocating, as {@link String#getBytes} with UTF-8 would (a lone surrogate becomes {@code
 * '?'}).
 */
public final class MurmurHash3 {
  private MurmurHash3() {}

  private static final int C1 = 0xcc9e2d51;
  private static final int C2 = 0x1b873593;

  /**
   * The 32-bit hash of {@code data[offset, offset + length)}; as unsigned: {@code & 0xffffffffL}.
   */
  public static int hash32(byte[] data, int offset, int length, int seed) {
    int h = seed;
    int blocks = length >>> 2;
    // body: 4-byte little-endian blocks
    for (int i = 0; i < blocks; i++) {
      int p = offset + 4 * i;
      int k =
          (data[p] & 0xff)
              | ((data[p + 1] & 0xff) << 8)
              | ((data[p + 2] & 0xff) << 16)
              | ((data[p + 3] & 0xff) << 24);
      h = mixBlock(h, k);
    }
    // tail: the last 1..3 bytes, little-endian
    int tail = offset + 4 * blocks;
    int k = 0;
    switch (length & 3) {
      case 3:
        k ^= (data[tail + 2] & 0xff) << 16;
      // fall through
      case 2:
        k ^= (data[tail + 1] & 0xff) << 8;
      // fall through
      case 1:
        k ^= data[tail] & 0xff;
      // fall through
      default:
        break;
    }
    return finish(h, k, length);
  }

  /** The body's step: the state {@code h} after one 4-byte block {@code k} (little-endian). */
  static int mixBlock(int h, int k) {
    h ^= mixK(k);
    h = Integer.rotateLeft(h, 13);
    return h * 5 + 0xe6546b64;
  }

  /**
   * The tail and the finalization: mixes in the last {@code length & 3} bytes (little-endian in
   * {@code tail}, 0 when there are none), then the length, then the avalanche.
   */
  static int finish(int h, int tail, int length) {
    if ((length & 3) != 0) {
      h ^= mixK(tail);
    }
    h ^= length;
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return h;
  }

  private static int mixK(int k) {
    k *= C1;
    k = Integer.rotateLeft(k, 15);
    return k * C2;
  }

  /** The hash of a whole array. */
  public static int hash32(byte[] data, int seed) {
    return hash32(data, 0, data.length, seed);
  }

  /**
   * Writes the UTF-8 encoding of {@code s[from, to)} into {@code out} at {@code pos} and returns
   * the position after it. {@code out} must have room for {@code 3 * (to - from)} bytes.
   */
  public static int utf8(CharSequence s, int from, int to, byte[] out, int pos) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        out[pos++] = (byte) c;
      } else if (c < 0x800) {
        out[pos++] = (byte) (0xc0 | (c >>> 6));
        out[pos++] = (byte) (0x80 | (c & 0x3f));
      } else if (Character.isHighSurrogate(c)
          && i + 1 < to
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        out[pos++] = (byte) (0xf0 | (cp >>> 18));
        out[pos++] = (byte) (0x80 | ((cp >>> 12) & 0x3f));
        out[pos++] = (byte) (0x80 | ((cp >>> 6) & 0x3f));
        out[pos++] = (byte) (0x80 | (cp & 0x3f));
      } else if (Character.isSurrogate(c)) {
        out[pos++] = '?'; // unpaired: what String.getBytes(UTF_8) writes
      } else {
        out[pos++] = (byte) (0xe0 | (c >>> 12));
        out[pos++] = (byte) (0x80 | ((c >>> 6) & 0x3f));
        out[pos++] = (byte) (0x80 | (c & 0x3f));
      }
    }
    return pos;
  }
}
