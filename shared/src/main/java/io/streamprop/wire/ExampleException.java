package io.streamprop.wire;

/**
 * An example that cannot be used, with a reason code and a message a person can act on.
 *
 * <p>It carries no stack trace: it describes bad input, not a bug, and the trainer may meet one per
 * record of a poison stream, where filling in stack traces would dominate the cost of rejecting.
 */
public final class ExampleException extends IllegalArgumentException {
  private final RejectReason reason;

  public ExampleException(RejectReason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public RejectReason reason() {
    return reason;
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    return this; // see the class comment
  }
}
