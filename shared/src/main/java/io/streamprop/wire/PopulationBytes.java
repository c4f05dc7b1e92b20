package io.streamprop.wire;

import java.nio.ByteBuffer;

/**
 * Reading a population's container ({@link PopulationCodec}): counts, slices and skips, checked.
 */
final class PopulationBytes {
  private PopulationBytes() {}

  static void noneLeft(ByteBuffer in) {
    if (in.hasRemaining()) {
      throw new SnapshotException(
          "damaged population: " + in.remaining() + " bytes after the last member");
    }
  }

  /** Moves past n bytes, or fails as a truncated population. */
  static void skip(ByteBuffer in, long n) {
    if (n > in.remaining()) {
      throw new SnapshotException("truncated population: it ends inside a field");
    }
    in.position(in.position() + (int) n);
  }

  /** A count field of at most max, or fails as an invalid population. */
  static int count(ByteBuffer in, String what, int max) {
    int n = in.getInt();
    if (n < 0 || n > max) {
      throw new SnapshotException("invalid population: " + what + " count " + n);
    }
    return n;
  }

  static byte[] slice(ByteBuffer in, String what) {
    int length = in.getInt();
    if (length < 0 || length > in.remaining()) {
      throw new SnapshotException(
          "truncated population: "
              + what
              + " claims "
              + length
              + " bytes, "
              + in.remaining()
              + " remain");
    }
    byte[] out = new byte[length];
    in.get(out);
    return out;
  }
}
