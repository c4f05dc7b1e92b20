package io.streamprop.wire;

import io.streamprop.learn.ModelState;

/**
 * The binary snapshot format (specified in {@code docs/snapshot-format.md}): magic, format version,
 * model version, the spec as JSON, every state array, and a checksum. Decoding a corrupt, truncated
 * or unknown-format snapshot throws; it never yields a wrong model.
 */
public final class SnapshotCodec {
  private SnapshotCodec() {}

  public static byte[] encode(ModelState state) {
    throw new UnsupportedOperationException("not written yet");
  }

  /**
   * @throws SnapshotException saying what is wrong and, for an unknown version, what to do
   */
  public static ModelState decode(byte[] bytes) {
    throw new UnsupportedOperationException("not written yet");
  }
}
