package io.streamprop.demo;

import io.streamprop.nn.SplitMix64;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The simulated client's delay queue: a label becomes due its delay after the prediction was
 * answered, the delay {@code D} scaled by a factor drawn uniformly from [0.5, 1.5) (seeded {@link
 * SplitMix64}), so labels arrive between {@code D/2} and {@code 3D/2} later, {@code D} on average,
 * and not in the order of their predictions (as truths do: a click comes sooner than a delivery).
 * Times are {@link System#nanoTime()} values. Not thread-safe: the client's one thread owns it.
 */
final class DelayedLabels {
  /** A label waiting to be sent: the id it labels and its record value. */
  record Label(long dueNanos, long sequence, String id, byte[] value) {}

  /** Jitter factors lie in [{@value #MIN_FACTOR}, {@value #MIN_FACTOR} + 1). */
  static final double MIN_FACTOR = 0.5;

  private final PriorityQueue<Label> queue =
      new PriorityQueue<>(
          Comparator.comparingLong(Label::dueNanos).thenComparingLong(Label::sequence));
  private final long delayNanos;
  private final SplitMix64 random;
  private long sequence;

  DelayedLabels(Duration delay, long seed) {
    if (delay.isNegative() || delay.isZero()) {
      throw new IllegalArgumentException("the label delay must be positive, got " + delay);
    }
    this.delayNanos = delay.toNanos();
    this.random = new SplitMix64(seed);
  }

  /** Schedules the label of {@code id}, predicted at {@code nowNanos}; returns when it is due. */
  long add(long nowNanos, String id, byte[] value) {
    double factor = MIN_FACTOR + random.nextDouble();
    long due = nowNanos + (long) (delayNanos * factor);
    queue.add(new Label(due, sequence++, id, value));
    return due;
  }

  /** Removes and returns the labels due at {@code nowNanos}, earliest first. */
  List<Label> due(long nowNanos) {
    List<Label> due = new ArrayList<>();
    while (!queue.isEmpty() && queue.peek().dueNanos() - nowNanos <= 0) {
      due.add(queue.poll());
    }
    return due;
  }

  /** Labels still waiting. */
  int size() {
    return queue.size();
  }
}
