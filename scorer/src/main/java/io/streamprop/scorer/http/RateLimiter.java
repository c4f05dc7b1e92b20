package io.streamprop.scorer.http;

import java.util.function.LongSupplier;

/**
 * A token bucket (the classic traffic-shaping algorithm, e.g. Tanenbaum, <i>Computer Networks</i>,
 * §5.4): the bucket holds at most {@code burst} tokens, gains {@code perSecond} tokens a second,
 * and each request takes one. One bucket for the whole process (a global limit): simple, bounded in
 * memory, and honest about what it protects, which is the scorer's CPU, not fairness between
 * clients. Thread-safe; a request costs one short critical section.
 */
public final class RateLimiter {
  private final double perSecond;
  private final double burst;
  private final LongSupplier nanoTime;
  private double tokens;
  private long last;

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
    this.perSecond = perSecond;
    this.burst = burst;
    this.nanoTime = nanoTime;
    this.tokens = burst;
    this.last = nanoTime.getAsLong();
  }

  /**
   * Takes a token if there is one.
   *
   * @return 0 if the request may go on, else the whole seconds to wait until a token is there (at
   *     least 1), for a {@code Retry-After} header
   */
  public synchronized long tryAcquire() {
    long now = nanoTime.getAsLong();
    tokens = Math.min(burst, tokens + (now - last) / 1e9 * perSecond);
    last = now;
    if (tokens >= 1) {
      tokens -= 1;
      return 0;
    }
    return Math.max(1, (long) Math.ceil((1 - tokens) / perSecond));
  }
}
