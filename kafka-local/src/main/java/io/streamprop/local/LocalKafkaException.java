package io.streamprop.local;

/** A local broker could not be configured, started or stopped; the message says which and why. */
public final class LocalKafkaException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public LocalKafkaException(String message) {
    super(message);
  }

  public LocalKafkaException(String message, Throwable cause) {
    super(message, cause);
  }
}
