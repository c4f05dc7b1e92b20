package io.streamprop.trainer.state;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bound of the live models of every {@link ModelStore} of one trainer process, in estimated
 * heap bytes ({@code streamprop.trainer.model.cache.max.bytes}). Shared by the stores of all tasks
 * and stream threads: each store adds what it admits and subtracts what it evicts, and a store that
 * admits a model while the total is over the bound evicts its own least recently used models (so a
 * task never touches another task's models, which another thread may be training).
 */
public final class ModelCacheBudget {
  private final long maxBytes;
  private final AtomicLong used = new AtomicLong();

  /**
   * @param maxBytes the bound; at least one model per store stays live whatever its size
   */
  public ModelCacheBudget(long maxBytes) {
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes must be >= 1, got " + maxBytes);
    }
    this.maxBytes = maxBytes;
  }

  public long maxBytes() {
    return maxBytes;
  }

  /** Estimated heap bytes of every live model of the process. */
  public long usedBytes() {
    return used.get();
  }

  void add(long bytes) {
    used.addAndGet(bytes);
  }

  boolean over() {
    return used.get() > maxBytes;
  }

  /** True if {@code more} bytes would take the total over the bound. */
  boolean over(long more) {
    return used.get() + more > maxBytes;
  }
}
