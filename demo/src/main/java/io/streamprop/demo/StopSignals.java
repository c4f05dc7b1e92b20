package io.streamprop.demo;

import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;

/**
 * Ctrl-C (SIGINT) and SIGTERM as a request to stop: the first one runs {@code onStop} (the demo's
 * main thread then stops every part and returns its exit status, 0 after a clean stop, as at the
 * end of {@code --duration}); a second one, while that stop is under way, ends the JVM at once with
 * the shell's status for the signal (130 for SIGINT, 143 for SIGTERM), cleaning nothing up.
 *
 * <p>Without these handlers the JVM would answer the signal itself: run the shutdown hooks, then
 * exit with 128 + the signal number whatever the hooks did. {@code sun.misc.Signal} (module {@code
 * jdk.unsupported}) is the JDK's only way to take a signal over; Kafka's tools use it too.
 */
final class StopSignals {
  private StopSignals() {}

  /** The signals handled, with their numbers for the exit status of a forced stop. */
  private static final String[] NAMES = {"INT", "TERM"};

  private static final int[] NUMBERS = {2, 15};

  /** Installs the handlers; {@code onStop} runs on the JVM's signal thread and must not block. */
  static void install(Runnable onStop) {
    AtomicBoolean requested = new AtomicBoolean();
    for (int i = 0; i < NAMES.length; i++) {
      int status = 128 + NUMBERS[i];
      Signal.handle(
          new Signal(NAMES[i]),
          signal -> {
            if (requested.compareAndSet(false, true)) {
              onStop.run();
            } else {
              Runtime.getRuntime().halt(status);
            }
          });
    }
  }
}
