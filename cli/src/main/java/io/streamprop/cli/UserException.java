package io.streamprop.cli;

/**
 * An error the user can fix (a bad file, spec or argument). The command line prints its message,
 * which names the file and, for data, the line, and exits with status 1; no stack trace.
 */
final class UserException extends RuntimeException {
  UserException(String message) {
    super(message);
  }

  UserException(String message, Throwable cause) {
    super(message, cause);
  }
}
