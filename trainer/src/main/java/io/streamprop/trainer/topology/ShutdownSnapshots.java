package io.streamprop.trainer.topology;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * Coordinates the snapshot every model publishes on a clean shutdown. A processor cannot send
 * records from {@code close()} (the last transaction is already committed by then), so shutdown is
 * two-phase: {@link #requestAndAwait} raises a flag, each live {@link Train} processor publishes
 * the snapshots of its changed models in its next housekeeping punctuation and acknowledges, and
 * only then does the application close Kafka Streams, whose final commit carries those snapshots.
 */
public final class ShutdownSnapshots {
  private final Set<Object> live = new HashSet<>();
  private final Set<Object> pending = new HashSet<>();
  private volatile boolean requested;

  synchronized void register(Object processor) {
    live.add(processor);
  }

  synchronized void unregister(Object processor) {
    live.remove(processor);
    pending.remove(processor);
    notifyAll();
  }

  boolean requested() {
    return requested;
  }

  synchronized void acknowledge(Object processor) {
    pending.remove(processor);
    notifyAll();
  }

  /**
   * Asks every live processor for its shutdown snapshots and waits until all have published.
   *
   * @return true if all acknowledged within {@code timeout}
   */
  public synchronized boolean requestAndAwait(Duration timeout) throws InterruptedException {
    requested = true;
    pending.addAll(live);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!pending.isEmpty()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return true;
  }
}
