package io.streamprop.demo;

/** The demo cannot start or run, for a reason the user can act on (a bad file, a taken port). */
public final class DemoException extends RuntimeException {
  public DemoException(String message) {
    super(message);
  }

  public DemoException(String message, Throwable cause) {
    super(message, cause);
  }
}
