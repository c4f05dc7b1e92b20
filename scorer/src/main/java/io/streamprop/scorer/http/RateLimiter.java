package io.streamprop.scorer.http;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.local.LocalBucket;
import io.github.bucket4j.local.SynchronizationStrategy;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * A token bucket (the classic traffic-shaping algorithm, e.g. Tanenbaum, <i>Computer Networks</i>,
 * §5.4): the bucket holds at most {@code burst} tokens, gains {@code perSecond} tokens a second,
 * and each request takes one. One bucket for the whole process (a global limit): simple, bounded in
 * memory, and honest about what it protects, which is the scorer's CPU, not fairness between
 * clients.
 *
 * <p>The bucket is <a href="https://bucket4j.com">Bucket4j</a>'s local lock-free bucket with a
 * greedy refill (tokens trickle in continuously, as in the textbook algorithm, rather than in
 * steps), driven by the clock given to the constructor through a Bucket4j {@link TimeMeter}, so
 * tests move time by hand. This class only maps the scorer's settings onto it and turns "nanos
 * until the next token" into a {@code Retry-After} in whole seconds. Thread-safe; a request costs
 * one compare-and-set on the bucket's state.
 */
public final class RateLimiter {
  private final Bucket bucket;

  /**
   * @param perSecond tokens added per second (&gt; 0)
   * @param burst bucket capacity (&ge; 1): requests that may arrive at once after a quiet spell
   * @param nanoTime the clock, {@code System::nanoTime} outside tests
   */
  public RateLimiter(double perSecond, int burst, LongSupplier nanoTime) {
    if (!(perSecond > 0) || burst < 1) {
      throw new IllegalArgumentException(
          "rate limit needs perSecond > 0 and burst >= 1, got " + perSecond + " and " + burst);
    }
    this.bucket = newBucket(perSecond, burst, timeMeter(nanoTime));
  }

  /**
   * Takes a token if there is one.
   *
   * @return 0 if the request may go on, else the whole seconds to wait until a token is there (at
   *     least 1), for a {@code Retry-After} header
   */
  public long tryAcquire() {
    return retryAfterSeconds(bucket.tryConsumeAndReturnRemaining(1));
  }

  /** Adapts a nanosecond clock to Bucket4j; {@code System.nanoTime} is not wall-clock based. */
  static TimeMeter timeMeter(LongSupplier nanoTime) {
    return new TimeMeter() {
      @Override
      public long currentTimeNanos() {
        return nanoTime.getAsLong();
      }

      @Override
      public boolean isWallClockBased() {
        return false;
      }
    };
  }

  /**
   * A full bucket of {@code burst} tokens refilled greedily at {@code perSecond}. Bucket4j takes a
   * rate as whole tokens per period, so a rate r becomes k = max(1, round(r)) tokens every round(k
   * &middot; 10<sup>9</sup> / r) ns: exact for whole rates, and for any rate within half a
   * nanosecond per period (relative error below 10<sup>-9</sup> for rates up to 10<sup>9</sup>/s).
   */
  static LocalBucket newBucket(double perSecond, int burst, TimeMeter clock) {
    long tokens = Math.max(1, Math.round(perSecond));
    long periodNanos = Math.max(1, Math.round(tokens * 1e9 / perSecond));
    return Bucket.builder()
        .addLimit(
            limit -> limit.capacity(burst).refillGreedy(tokens, Duration.ofNanos(periodNanos)))
        .withCustomTimePrecision(clock)
        .withSynchronizationStrategy(SynchronizationStrategy.LOCK_FREE)
        .build();
  }

  /**
   * 0 when the token was taken, else the wait rounded up to whole seconds and at least 1: {@code
   * Retry-After} (RFC 9110 §10.2.3) carries whole seconds, and rounding down would invite a retry
   * that is refused again.
   */
  static long retryAfterSeconds(ConsumptionProbe probe) {
    if (probe.isConsumed()) {
      return 0;
    }
    long nanos = probe.getNanosToWaitForRefill();
    return Math.max(1, nanos / 1_000_000_000L + (nanos % 1_000_000_000L == 0 ? 0 : 1));
  }
}
