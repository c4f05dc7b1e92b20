package io.streamprop.cli;

import java.io.PrintWriter;
import java.util.function.LongSupplier;

/**
 * A progress line on stderr, rewritten in place with a carriage return while a pass runs, at most
 * {@link #UPDATES_PER_SECOND} times a second so that printing never costs throughput, and erased
 * when the pass ends so that the final figures start on a clean line.
 *
 * <p>Shown by default only when stderr is a terminal: the launcher tells the JVM with the system
 * property {@code streamprop.stderr.tty} (the JVM itself cannot test stderr alone); without the
 * property, the JVM's console stands in. Logs and pipes get no carriage returns unless asked for.
 */
final class Progress {
  static final int UPDATES_PER_SECOND = 4;
  private static final long INTERVAL_NANOS = 1_000_000_000L / UPDATES_PER_SECOND;

  /** When to show the progress line; {@code --progress} on the command line. */
  enum Mode {
    AUTO,
    ALWAYS,
    NEVER
  }

  private final PrintWriter err;
  private final boolean enabled;
  private final LongSupplier nanoTime;
  private final long startNanos;
  private long lastNanos;
  private int lastWidth;

  Progress(PrintWriter err, Mode mode, LongSupplier nanoTime) {
    this.err = err;
    this.enabled =
        switch (mode) {
          case ALWAYS -> true;
          case NEVER -> false;
          case AUTO -> stderrIsTerminal();
        };
    this.nanoTime = nanoTime;
    this.startNanos = nanoTime.getAsLong();
    this.lastNanos = startNanos;
  }

  Progress(PrintWriter err, Mode mode) {
    this(err, mode, System::nanoTime);
  }

  static boolean stderrIsTerminal() {
    String flag = System.getProperty("streamprop.stderr.tty");
    return flag != null ? Boolean.parseBoolean(flag) : System.console() != null;
  }

  /** Offers an update; it is printed only if the last one is old enough. */
  void update(String prefix, long rows, Tally tally) {
    if (!enabled) {
      return;
    }
    long now = nanoTime.getAsLong();
    if (now - lastNanos < INTERVAL_NANOS) {
      return;
    }
    lastNanos = now;
    double seconds = (now - startNanos) / 1e9;
    String line =
        String.format(
            "%s%,d examples  %s  %,.0f examples/s",
            prefix, rows, tally.headline(), rows / Math.max(seconds, 1e-9));
    // Pad to the previous width so that a shorter line leaves no stale characters behind.
    err.print("\r" + pad(line, lastWidth));
    err.flush();
    lastWidth = line.length();
  }

  /** Erases the progress line, if one was printed. */
  void finish() {
    if (lastWidth > 0) {
      err.print("\r" + " ".repeat(lastWidth) + "\r");
      err.flush();
      lastWidth = 0;
    }
  }

  private static String pad(String line, int width) {
    return line.length() >= width ? line : line + " ".repeat(width - line.length());
  }
}
