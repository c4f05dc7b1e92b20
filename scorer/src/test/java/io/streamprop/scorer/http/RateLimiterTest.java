package io.streamprop.scorer.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
  private final AtomicLong nanos = new AtomicLong();

  @Test
  void fullBucket_burstPasses_thenWaitsForRefill() {
    RateLimiter limiter = new RateLimiter(2.0, 3, nanos::get);

    assertThat(limiter.tryAcquire()).isZero();
    assertThat(limiter.tryAcquire()).isZero();
    assertThat(limiter.tryAcquire()).isZero();
    assertThat(limiter.tryAcquire()).isEqualTo(1);
    nanos.addAndGet(500_000_000L); // half a second at 2/s: one token
    assertThat(limiter.tryAcquire()).isZero();
    assertThat(limiter.tryAcquire()).isEqualTo(1);
  }

  @Test
  void slowRate_retryAfterRoundsUpToWholeSeconds() {
    RateLimiter limiter = new RateLimiter(0.1, 1, nanos::get);

    assertThat(limiter.tryAcquire()).isZero();
    assertThat(limiter.tryAcquire()).isEqualTo(10);
  }

  @Test
  void longIdle_bucketCappedAtBurst() {
    RateLimiter limiter = new RateLimiter(1000.0, 2, nanos::get);
    nanos.addAndGet(3_600_000_000_000L);

    assertThat(limiter.tryAcquire()).isZero();
    assertThat(limiter.tryAcquire()).isZero();
    assertThat(limiter.tryAcquire()).isPositive();
  }

  @Test
  void fractionalRate_refillsAtExactlyThatRate() {
    RateLimiter limiter = new RateLimiter(2.5, 1, nanos::get);
    assertThat(limiter.tryAcquire()).isZero();

    nanos.addAndGet(399_999_999L); // one token takes 0.4 s at 2.5/s
    assertThat(limiter.tryAcquire()).isEqualTo(1);
    nanos.addAndGet(1L);
    assertThat(limiter.tryAcquire()).isZero();
  }

  @Test
  void slowFractionalRate_retryAfterRoundsUpTheRemainingWait() {
    RateLimiter limiter = new RateLimiter(0.3, 1, nanos::get);
    assertThat(limiter.tryAcquire()).isZero();

    assertThat(limiter.tryAcquire()).as("10/3 s rounds up").isEqualTo(4);
    nanos.addAndGet(3_000_000_000L);
    assertThat(limiter.tryAcquire()).as("1/3 s left").isEqualTo(1);
  }

  @Test
  void badSettings_refused() {
    assertThatThrownBy(() -> new RateLimiter(0, 1, nanos::get))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RateLimiter(1, 0, nanos::get))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
