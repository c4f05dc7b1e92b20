package io.streamprop.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import org.junit.jupiter.api.Assertions;

/**
 * How a fuzz test bounds the work of one decoder call without a wall-clock limit that a loaded
 * machine can break. The call must use at most {@link #CPU_BASE} plus {@link #CPU_PER_BYTE} per
 * input byte of its own thread's CPU time: a measure of the decoder's work that neither other
 * processes on the machine nor the JVM's compiler and collector threads add to, and that a decoder
 * whose work grows faster than its input (a declared length it loops over, a quadratic scan)
 * exceeds on the large inputs. A decoder that never returns cannot be measured, so the call also
 * runs under {@link #HANG_GUARD}, thousands of times what any call takes here even on a machine
 * shared with other builds: only a hang reaches it.
 */
public final class FuzzBounds {
  /** CPU time any call may take: class loading and interpretation before the JIT compiles. */
  public static final Duration CPU_BASE = Duration.ofSeconds(2);

  /** CPU time per input byte on top of {@link #CPU_BASE}. */
  public static final Duration CPU_PER_BYTE = Duration.ofNanos(2_000);

  /** Wall-clock time after which a call is taken to hang. */
  public static final Duration HANG_GUARD = Duration.ofMinutes(3);

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private FuzzBounds() {}

  /**
   * Runs {@code call} (the decoder and the test's checks of its result) in a thread of its own and
   * fails if it takes more CPU time than {@code inputBytes} allow, or hangs.
   */
  public static void run(int inputBytes, Runnable call) {
    Duration budget = CPU_BASE.plus(CPU_PER_BYTE.multipliedBy(inputBytes));
    Assertions.assertTimeoutPreemptively(
        HANG_GUARD,
        () -> {
          long before = THREADS.getCurrentThreadCpuTime();
          call.run();
          Duration used = Duration.ofNanos(THREADS.getCurrentThreadCpuTime() - before);
          assertThat(used)
              .as("CPU time for %d input bytes", inputBytes)
              .isLessThanOrEqualTo(budget);
        },
        () -> "no result after " + HANG_GUARD + " for " + inputBytes + " input bytes: a hang");
  }
}
