package io.streamprop.wire;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * The array names of snapshots as bytes and back, remembered. A snapshot names each of its arrays
 * and every model of a spec has the same names, so a trainer that writes and reads thousands of
 * models a second (many models through a bounded cache) would otherwise check, encode, decode and
 * hash the same few dozen strings millions of times. Direct-mapped, {@value #SLOTS} slots each way:
 * a miss costs one ordinary check and conversion; hostile names cannot grow anything. The bytes
 * given out are shared: read them only.
 */
final class ArrayNames {
  private ArrayNames() {}

  static final int SLOTS = 256;

  /**
   * Names built once for the first layers and tensors (their hash codes are then computed once).
   */
  static final int BUILT = 64;

  private record Entry(String name, byte[] ascii) {}

  private static final Entry[] WRITTEN = new Entry[SLOTS];
  private static final Entry[] READ = new Entry[SLOTS];

  /** {@code name.apply(i)} for i in 0..{@value #BUILT}-1. */
  static String[] built(IntFunction<String> name) {
    String[] names = new String[BUILT];
    Arrays.setAll(names, name);
    return names;
  }

  /**
   * The name's ASCII bytes.
   *
   * @throws IllegalArgumentException if it is not 1..255 characters of [A-Za-z0-9._-]
   */
  static byte[] bytes(String name) {
    int slot = name.hashCode() & (SLOTS - 1);
    Entry e = WRITTEN[slot];
    if (e != null && e.name.equals(name)) {
      return e.ascii;
    }
    try {
      StateRules.checkName(name);
    } catch (SnapshotException invalid) {
      throw new IllegalArgumentException(invalid.getMessage(), invalid);
    }
    byte[] ascii = name.getBytes(StandardCharsets.US_ASCII);
    WRITTEN[slot] = new Entry(name, ascii);
    return ascii;
  }

  /**
   * The name in {@code bytes[from, from + length)} if it is 1..255 bytes of [A-Za-z0-9._-] (a valid
   * name, in UTF-8 as in ASCII), else null (the caller decodes and reports it).
   */
  static String read(byte[] bytes, int from, int length) {
    int hash = 1;
    for (int i = from; i < from + length; i++) {
      hash = 31 * hash + bytes[i];
    }
    int slot = hash & (SLOTS - 1);
    Entry e = READ[slot];
    if (e != null && Arrays.equals(e.ascii, 0, e.ascii.length, bytes, from, from + length)) {
      return e.name;
    }
    if (length < 1 || length > SnapshotCodec.MAX_NAME_BYTES) {
      return null;
    }
    for (int i = from; i < from + length; i++) {
      if (!StateRules.nameChar((char) bytes[i])) {
        return null;
      }
    }
    String name = new String(bytes, from, length, StandardCharsets.US_ASCII);
    READ[slot] = new Entry(name, Arrays.copyOfRange(bytes, from, from + length));
    return name;
  }
}
