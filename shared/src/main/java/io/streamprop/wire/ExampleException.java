package io.streamprop.wire;

/** An example that cannot be used, with a reason code and a message a person can act on. */
public final class ExampleException extends IllegalArgumentException {
  private final RejectReason reason;

  public ExampleException(RejectReason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public RejectReason reason() {
    return reason;
  }
}
