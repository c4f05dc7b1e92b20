package io.streamprop.scorer.registry;

/** A snapshot that will not be served, with the reason and a message a person can act on. */
public final class SnapshotRejectedException extends Exception {
  private final SnapshotRejectReason reason;

  public SnapshotRejectedException(SnapshotRejectReason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public SnapshotRejectReason reason() {
    return reason;
  }
}
