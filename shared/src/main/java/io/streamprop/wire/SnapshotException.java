package io.streamprop.wire;

/** A snapshot that cannot be decoded: corrupt, truncated, or of an unknown format. */
public final class SnapshotException extends RuntimeException {
  public SnapshotException(String message) {
    super(message);
  }

  public SnapshotException(String message, Throwable cause) {
    super(message, cause);
  }
}
