package io.streamprop.wire;

/**
 * A snapshot that cannot be decoded: corrupt, truncated, of an unknown format, or (with a signing
 * key configured) unsigned or badly signed. {@link #kind()} tells the signature failures apart, so
 * a consumer can count them separately.
 */
public final class SnapshotException extends RuntimeException {

  /** What kind of failure this is. */
  public enum Kind {
    /** Not a snapshot, damaged, truncated, of an unknown format, or inconsistent with its spec. */
    INVALID,
    /** A signing key is configured but the snapshot carries no signature. */
    UNSIGNED,
    /** The snapshot's HMAC-SHA256 signature does not verify with the configured key. */
    BAD_SIGNATURE
  }

  private final Kind kind;

  public SnapshotException(String message) {
    this(Kind.INVALID, message, null);
  }

  public SnapshotException(String message, Throwable cause) {
    this(Kind.INVALID, message, cause);
  }

  public SnapshotException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
