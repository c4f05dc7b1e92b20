package io.streamprop.trainer.topology;

import org.apache.kafka.streams.processor.api.ProcessorContext;

/**
 * Asks Kafka Streams for an early commit ({@link ProcessorContext#commit()}) after a processor
 * wrote something a {@code read_committed} reader waits for (a snapshot, a joined example), at most
 * once per spacing, so that commits stay at most about {@code commit.interval.ms / spacing} times
 * as frequent as without.
 */
public final class CommitRequests {
  private final long spacingMs;
  private long next = Long.MIN_VALUE;

  /**
   * @param spacingMs least time between two requests
   */
  public CommitRequests(long spacingMs) {
    this.spacingMs = spacingMs;
  }

  /** Asks {@code context} for a commit unless one was asked for less than the spacing ago. */
  public void request(ProcessorContext<?, ?> context, long now) {
    if (now >= next) {
      context.commit();
      next = now + spacingMs;
    }
  }
}
