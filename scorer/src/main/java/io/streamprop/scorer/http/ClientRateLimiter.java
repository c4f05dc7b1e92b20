package io.streamprop.scorer.http;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * One token bucket per client (the same algorithm as {@link RateLimiter}), keyed by a client
 * identity that {@link AccessPolicy} chooses: the bearer token when the route checked one, else the
 * remote address. A client over its own limit is refused without touching anyone else's bucket.
 *
 * <p>Memory is bounded: at most {@code maxClients} buckets are kept, in 16 stripes (by the key's
 * hash) so that concurrent requests rarely wait on one lock. Each stripe is a {@link LinkedHashMap}
 * in access order; adding a client to a full stripe evicts its least recently used bucket. That
 * bucket has been idle longest, and a bucket idle for {@code burst / perSecond} seconds or more has
 * refilled to full, exactly what a new client gets: evicting it changes no decision. So as long as
 * fewer than {@code maxClients} (per stripe: its share) distinct clients call within that window,
 * the limit is exact; beyond it, the longest-idle clients start afresh with a full bucket. Many
 * addresses can thus escape a per-client limit (they can anyway, by having many addresses): the
 * global limit is what protects the CPU against them. Thread-safe.
 */
public final class ClientRateLimiter {
  private static final int MAX_STRIPES = 16;

  private final double perSecond;
  private final double burst;
  private final int maxClients;
  private final LongSupplier nanoTime;
  private final Stripe[] stripes;

  /**
   * @param perSecond tokens added per second to each client's bucket (&gt; 0)
   * @param burst bucket capacity (&ge; 1)
   * @param maxClients buckets kept at most (&ge; 1)
   * @param nanoTime the clock, {@code System::nanoTime} outside tests
   */
  public ClientRateLimiter(double perSecond, int burst, int maxClients, LongSupplier nanoTime) {
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
    this.nanoTime = nanoTime;
    int count = Math.min(MAX_STRIPES, maxClients);
    stripes = new Stripe[count];
    for (int i = 0; i < count; i++) {
      // The first (maxClients % count) stripes take one more, so the capacities sum to maxClients.
      stripes[i] = new Stripe(maxClients / count + (i < maxClients % count ? 1 : 0));
    }
  }

  /**
   * Takes a token from {@code client}'s bucket if it has one.
   *
   * @return 0 if the request may go on, else the whole seconds until the client has a token again
   *     (at least 1), for a {@code Retry-After} header
   */
  public long tryAcquire(String client) {
    Stripe stripe = stripes[Math.floorMod(client.hashCode(), stripes.length)];
    synchronized (stripe) {
      // Read the clock under the lock, so a bucket never sees time go backwards.
      long now = nanoTime.getAsLong();
      Bucket bucket = stripe.get(client);
      if (bucket == null) {
        bucket = new Bucket(burst, now);
        stripe.put(client, bucket);
      }
      bucket.tokens = Math.min(burst, bucket.tokens + (now - bucket.last) / 1e9 * perSecond);
      bucket.last = now;
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
      }
      return Math.max(1, (long) Math.ceil((1 - bucket.tokens) / perSecond));
    }
  }

  /** Buckets held now (at most {@link #maxClients()}). */
  public int clients() {
    int sum = 0;
    for (Stripe stripe : stripes) {
      synchronized (stripe) {
        sum += stripe.size();
      }
    }
    return sum;
  }

  /** Buckets evicted so far to keep within {@link #maxClients()}. */
  public long evictions() {
    long sum = 0;
    for (Stripe stripe : stripes) {
      synchronized (stripe) {
        sum += stripe.evictions;
      }
    }
    return sum;
  }

  public int maxClients() {
    return maxClients;
  }

  public double perSecond() {
    return perSecond;
  }

  /** A client's bucket: tokens left as of {@code last} (nanoTime). Guarded by its stripe. */
  private static final class Bucket {
    double tokens;
    long last;

    Bucket(double tokens, long last) {
      this.tokens = tokens;
      this.last = last;
    }
  }

  /** Buckets in access order, evicting the least recently used beyond its capacity. */
  private static final class Stripe extends LinkedHashMap<String, Bucket> {
    private final int capacity;
    private long evictions;

    Stripe(int capacity) {
      super(16, 0.75f, true);
      this.capacity = capacity;
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
      if (size() > capacity) {
        evictions++;
        return true;
      }
      return false;
    }
  }
}
