package io.streamprop.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

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

  /**
   * {@code PATH: cannot ACTION: REASON} for a failed file operation, the reason in words rather
   * than the exception's class ({@code no such file or directory}, {@code permission denied});
   * {@code PATH: is a directory} when a directory stands where a file was expected.
   */
  static UserException io(Path path, String action, IOException e) {
    if (Files.isDirectory(path)) {
      return new UserException(path + ": is a directory", e);
    }
    String reason;
    if (e instanceof NoSuchFileException) {
      reason = "no such file or directory";
    } else if (e instanceof AccessDeniedException) {
      reason = "permission denied";
    } else if (e instanceof FileSystemException f && f.getReason() != null) {
      reason = f.getReason();
    } else {
      reason = e.getMessage();
    }
    return new UserException(path + ": cannot " + action + ": " + reason, e);
  }
}
