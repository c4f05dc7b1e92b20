package io.streamprop.scorer.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The per-client token buckets, on a clock the tests move by hand. */
class ClientRateLimiterTest {
  private final AtomicLong nanos = new AtomicLong();

  @Test
  void twoClients_oneDrainsItsBucket_theOtherIsNotLimited() {
    ClientRateLimiter limiter = new ClientRateLimiter(1.0, 3, 100, nanos::get);

    for (int i = 0; i < 3; i++) {
      assertThat(limiter.tryAcquire("ip:10.0.0.1")).as("request %d of a's burst", i).isZero();
    }
    assertThat(limiter.tryAcquire("ip:10.0.0.1")).as("a over its limit").isEqualTo(1);
    assertThat(limiter.tryAcquire("ip:10.0.0.1")).as("a still over").isEqualTo(1);
    for (int i = 0; i < 3; i++) {
      assertThat(limiter.tryAcquire("ip:10.0.0.2")).as("request %d of b's burst", i).isZero();
    }
    assertThat(limiter.tryAcquire("ip:10.0.0.2")).as("b over its own limit").isEqualTo(1);
  }

  @Test
  void limitedClient_refillsAtItsRate_andIsCappedAtBurst() {
    ClientRateLimiter limiter = new ClientRateLimiter(2.0, 2, 100, nanos::get);
    limiter.tryAcquire("c");
    limiter.tryAcquire("c");
    assertThat(limiter.tryAcquire("c")).isEqualTo(1);

    nanos.addAndGet(500_000_000L); // half a second at 2/s: one token
    assertThat(limiter.tryAcquire("c")).isZero();
    assertThat(limiter.tryAcquire("c")).isEqualTo(1);

    nanos.addAndGet(3_600_000_000_000L); // an hour idle: full again, but only burst tokens
    assertThat(limiter.tryAcquire("c")).isZero();
    assertThat(limiter.tryAcquire("c")).isZero();
    assertThat(limiter.tryAcquire("c")).isEqualTo(1);
  }

  @Test
  void slowRate_retryAfterIsWholeSecondsUntilTheNextToken() {
    ClientRateLimiter limiter = new ClientRateLimiter(0.25, 1, 100, nanos::get);

    assertThat(limiter.tryAcquire("c")).isZero();
    assertThat(limiter.tryAcquire("c")).isEqualTo(4);
    nanos.addAndGet(2_500_000_000L);
    assertThat(limiter.tryAcquire("c")).isEqualTo(2); // 1.5 s left, rounded up
  }

  @Test
  void manyClientAddresses_tableStaysWithinMaxClients_everyOverflowCountedAsEviction() {
    int maxClients = 64;
    ClientRateLimiter limiter = new ClientRateLimiter(1.0, 1, maxClients, nanos::get);

    for (int i = 0; i < 100_000; i++) {
      limiter.tryAcquire("ip:10." + (i >> 16) + "." + ((i >> 8) & 255) + "." + (i & 255));
      // clients() runs Caffeine's pending maintenance first: the bound holds after it, though the
      // cache may overshoot briefly between a write and its maintenance.
      assertThat(limiter.clients()).isLessThanOrEqualTo(maxClients);
    }

    assertThat(limiter.clients()).isEqualTo(maxClients);
    // The clock never moved, so nothing expired: every bucket gone was evicted for the bound.
    assertThat(limiter.evictions()).isEqualTo(100_000 - maxClients);
  }

  @Test
  void fullTable_floodOfOneOffAddresses_frequentClientKeepsItsLimit() {
    int maxClients = 100;
    // Maintenance in the calling thread: with the default (the common pool), reads that arrive
    // while maintenance lags can be dropped from the frequency sketch, so which bucket the policy
    // evicts depends on thread timing, and on a loaded machine the busy client was evicted once.
    ClientRateLimiter limiter =
        new ClientRateLimiter(1.0, 1, maxClients, nanos::get, Runnable::run);
    assertThat(limiter.tryAcquire("token:busy")).isZero();

    for (int i = 0; i < 20_000; i++) {
      if (i % 10 == 0) {
        assertThat(limiter.tryAcquire("token:busy")).as("busy after %d one-off clients", i).isOne();
      }
      limiter.tryAcquire("ip:10.1." + (i >> 8) + "." + (i & 255));
    }

    assertThat(limiter.clients()).isEqualTo(maxClients);
    assertThat(limiter.evictions()).isEqualTo(20_001 - maxClients);
    assertThat(limiter.tryAcquire("token:busy")).as("busy still limited").isOne();
  }

  @Test
  void idleLongerThanTheRefillWindow_bucketExpires_andTheClientGetsAFullBucket() {
    // burst 2 at 1/s: full again after 2 s idle; the table drops it after 2 s + 1 s slack.
    ClientRateLimiter limiter = new ClientRateLimiter(1.0, 2, 100, nanos::get);
    limiter.tryAcquire("a");
    limiter.tryAcquire("a");
    assertThat(limiter.tryAcquire("a")).isOne();

    nanos.addAndGet(2_999_000_000L);
    assertThat(limiter.clients()).as("within window + slack").isOne();

    nanos.addAndGet(5_000_000_000L);
    assertThat(limiter.clients()).as("expired").isZero();
    assertThat(limiter.evictions()).as("expiry is not an eviction").isZero();
    assertThat(limiter.tryAcquire("a")).isZero();
    assertThat(limiter.tryAcquire("a")).isZero();
    assertThat(limiter.tryAcquire("a")).as("a full bucket is burst tokens, no more").isOne();
  }

  @Test
  void activeClient_bucketNotExpiredWhileItKeepsCalling() {
    ClientRateLimiter limiter = new ClientRateLimiter(1.0, 1, 100, nanos::get);
    assertThat(limiter.tryAcquire("a")).isZero();

    for (int i = 0; i < 10; i++) {
      nanos.addAndGet(1_500_000_000L); // each call within the 2 s expiry of the previous one
      assertThat(limiter.tryAcquire("a")).as("call %d", i).isZero();
      assertThat(limiter.tryAcquire("a")).as("call %d, again", i).isOne();
    }
  }

  @Test
  void withinTheBound_evictionNeverForgetsAnActiveLimit() {
    ClientRateLimiter limiter = new ClientRateLimiter(1.0, 1, 1_000, nanos::get);
    List<String> clients = IntStream.range(0, 200).mapToObj(i -> "ip:10.0.0." + i).toList();
    clients.forEach(limiter::tryAcquire);

    for (String client : clients) {
      assertThat(limiter.tryAcquire(client)).as(client).isEqualTo(1);
    }
    assertThat(limiter.evictions()).isZero();
  }

  @Test
  void badSettings_refusedWithTheValues() {
    assertThatThrownBy(() -> new ClientRateLimiter(0, 1, 1, nanos::get))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("perSecond > 0");
    assertThatThrownBy(() -> new ClientRateLimiter(1, 0, 1, nanos::get))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ClientRateLimiter(1, 1, 0, nanos::get))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxClients");
  }
}
