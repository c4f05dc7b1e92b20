package io.streamprop.trainer.admin;

/** The broker cannot be reached, or an existing topic is unfit; the message says what to do. */
public final class TopicSetupException extends RuntimeException {
  public TopicSetupException(String message) {
    super(message);
  }

  public TopicSetupException(String message, Throwable cause) {
    super(message, cause);
  }
}
