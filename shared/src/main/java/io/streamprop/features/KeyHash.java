package io.streamprop.features;

/**
 * {@link MurmurHash3#hash32(byte[], int, int, int)} of a hash key given in pieces, straight from
 * the strings it is made of: a feature's prefix ({@code name + "\0"}, hashed once when the
 * featurizer is built), then the UTF-8 bytes of a value's characters, then for a bigram {@code ' '}
 * and the second token's. The same 32 bits as hashing the concatenated bytes, without writing them
 * into a buffer and reading them back: bytes collect into a 4-byte block, little-endian, and each
 * full block goes through the hash's body step at once.
 *
 * <p>The UTF-8 encoding is {@link MurmurHash3#utf8}'s (an unpaired surrogate becomes {@code '?'},
 * as {@link String#getBytes} writes it). Mutable scratch: one per {@link FeaturizedBatch}; a prefix
 * is an instance that is only copied from.
 */
final class KeyHash {
  private int h; // the state after every full block so far
  private int block; // the bytes of the block being filled, little-endian
  private int length; // bytes so far

  /** An empty key of this seed. */
  KeyHash(int seed) {
    this.h = seed;
  }

  /** A prefix: the state after the UTF-8 bytes of {@code text}, from a fresh key. */
  static KeyHash prefix(String text, int seed) {
    KeyHash key = new KeyHash(seed);
    key.addUtf8(text, 0, text.length());
    return key;
  }

  /** Starts a key with {@code prefix}'s bytes. */
  KeyHash startWith(KeyHash prefix) {
    h = prefix.h;
    block = prefix.block;
    length = prefix.length;
    return this;
  }

  /** Appends one byte (0..255). */
  void add(int b) {
    block |= b << ((length & 3) << 3);
    length++;
    if ((length & 3) == 0) {
      h = MurmurHash3.mixBlock(h, block);
      block = 0;
    }
  }

  /** Appends the UTF-8 bytes of {@code s[from, to)}, as {@link MurmurHash3#utf8} encodes them. */
  void addUtf8(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        add(c);
      } else if (c < 0x800) {
        add(0xc0 | (c >>> 6));
        add(0x80 | (c & 0x3f));
      } else if (Character.isHighSurrogate(c)
          && i + 1 < to
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        add(0xf0 | (cp >>> 18));
        add(0x80 | ((cp >>> 12) & 0x3f));
        add(0x80 | ((cp >>> 6) & 0x3f));
        add(0x80 | (cp & 0x3f));
      } else if (Character.isSurrogate(c)) {
        add('?'); // unpaired: what String.getBytes(UTF_8) writes
      } else {
        add(0xe0 | (c >>> 12));
        add(0x80 | ((c >>> 6) & 0x3f));
        add(0x80 | (c & 0x3f));
      }
    }
  }

  /** The hash of the bytes so far (the key is left as it is). */
  int hash() {
    return MurmurHash3.finish(h, block, length);
  }
}
