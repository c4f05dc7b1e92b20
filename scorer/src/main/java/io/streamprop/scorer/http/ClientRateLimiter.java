package io.streamprop.scorer.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.local.LocalBucket;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * One token bucket per client (the same Bucket4j bucket as {@link RateLimiter}), keyed by a client
 * identity that {@link AccessPolicy} chooses: the bearer token when the route checked one, else the
 * remote address. A client over its own limit is refused without touching anyone else's bucket.
 *
 * <p>Memory is bounded: the buckets live in a <a
 * href="https://github.com/ben-manes/caffeine">Caffeine</a> cache with {@code
 * maximumSize(maxClients)}, so concurrent requests for different clients do not wait on one lock.
 * Two ways a bucket leaves the table, and why neither changes a decision that matters:
 *
 * <ul>
 *   <li><b>Idle expiry</b> ({@code expireAfterAccess}, on the same clock as the buckets): a bucket
 *       not touched for {@code burst / perSecond} seconds has refilled to full, exactly what a new
 *       client gets, so dropping it changes no decision. The expiry is that window plus one second,
 *       because the cache reads the clock for its access time a moment before the bucket reads it
 *       for the refill; only a request stalled for more than that second between the two reads
 *       could see its bucket dropped early, and then it would gain at most the tokens of the excess
 *       stall. Idle clients thus cost no memory.
 *   <li><b>Size eviction</b>, only while more than {@code maxClients} clients have called within
 *       that window: Caffeine then forgets some bucket, chosen by its W-TinyLFU policy (recency and
 *       frequency, Einziger, Friedman &amp; Manes, <i>TinyLFU</i>, ACM ToS 2017) rather than pure
 *       least-recently-used, and asynchronously, so the size may overshoot {@code maxClients}
 *       briefly until its maintenance runs. A forgotten client starts afresh with a full bucket.
 *       The policy favours clients that call often, so a flood of one-off addresses tends to forget
 *       itself rather than the regular clients' buckets. Many addresses can still escape a
 *       per-client limit (they can anyway, by having many addresses): the global limit is what
 *       protects the CPU against them.
 * </ul>
 *
 * Below the bound and within the window the limit is therefore exact. Thread-safe.
 */
public final class ClientRateLimiter {
  /** Slack added to the refill window before an idle bucket expires; see the class comment. */
  private static final long EXPIRY_SLACK_NANOS = 1_000_000_000L;

  /** Windows longer than this (about 31 years) are not worth expiring; size bounds them alone. */
  private static final double MAX_EXPIRY_NANOS = 1e18;

  private final double perSecond;
  private final int burst;
  private final int maxClients;
  private final TimeMeter clock;
  private final LongAdder evictions = new LongAdder();
  private final Cache<String, LocalBucket> buckets;

  /**
   * @param perSecond tokens added per second to each client's bucket (&gt; 0)
   * @param burst bucket capacity (&ge; 1)
   * @param maxClients buckets kept at most (&ge; 1)
   * @param nanoTime the clock, {@code System::nanoTime} outside tests
   */
  public ClientRateLimiter(double perSecond, int burst, int maxClients, LongSupplier nanoTime) {
    this(perSecond, burst, maxClients, nanoTime, ForkJoinPool.commonPool());
  }

  /**
   * As above, with the executor of the cache's maintenance (eviction, expiry, the frequency
   * sketch): Caffeine's default, the common pool, above; {@code Runnable::run} in tests, where
   * maintenance must happen at a known moment for eviction to be deterministic.
   */
  ClientRateLimiter(
      double perSecond, int burst, int maxClients, LongSupplier nanoTime, Executor maintenance) {
    if (!(perSecond > 0) || burst < 1 || maxClients < 1) {
      throw new IllegalArgumentException(
          "a per-client rate limit needs perSecond > 0, burst >= 1 and maxClients >= 1, got "
              + perSecond
              + ", "
              + burst
              + " and "
              + maxClients);
    }
    this.perSecond = perSecond;
    this.burst = burst;
    this.maxClients = maxClients;
    this.clock = RateLimiter.timeMeter(nanoTime);
    Caffeine<String, LocalBucket> builder =
        Caffeine.newBuilder()
            .maximumSize(maxClients)
            .ticker(nanoTime::getAsLong)
            .executor(maintenance)
            // Counts only the evictions that the bound forces; idle expiry is not a loss.
            .<String, LocalBucket>evictionListener(
                (String client, LocalBucket bucket, RemovalCause cause) -> {
                  if (cause == RemovalCause.SIZE) {
                    evictions.increment();
                  }
                });
    double expiryNanos = burst / perSecond * 1e9 + EXPIRY_SLACK_NANOS;
    if (expiryNanos < MAX_EXPIRY_NANOS) {
      builder.expireAfterAccess(Duration.ofNanos((long) Math.ceil(expiryNanos)));
    }
    this.buckets = builder.build();
  }

  /**
   * Takes a token from {@code client}'s bucket if it has one.
   *
   * @return 0 if the request may go on, else the whole seconds until the client has a token again
   *     (at least 1), for a {@code Retry-After} header
   */
  public long tryAcquire(String client) {
    LocalBucket bucket = buckets.get(client, key -> RateLimiter.newBucket(perSecond, burst, clock));
    return RateLimiter.retryAfterSeconds(bucket.tryConsumeAndReturnRemaining(1));
  }

  /**
   * Buckets held now, after the cache's pending maintenance (evictions, expiries) has run: at most
   * {@link #maxClients()}.
   */
  public int clients() {
    buckets.cleanUp();
    return (int) buckets.estimatedSize();
  }

  /**
   * Buckets evicted so far to keep within {@link #maxClients()} (not counting idle buckets that
   * expired, which were full and so lost nothing).
   */
  public long evictions() {
    return evictions.sum();
  }

  public int maxClients() {
    return maxClients;
  }

  public double perSecond() {
    return perSecond;
  }
}
