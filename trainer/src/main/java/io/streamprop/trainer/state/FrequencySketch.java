package io.streamprop.trainer.state;

/**
 * How often each model id was used recently, approximately: the admission filter of TinyLFU
 * (Einziger, Friedman and Manes, "TinyLFU: A Highly Efficient Cache Admission Policy", ACM
 * Transactions on Storage 13(4), 2017). A count-min sketch (Cormode and Muthukrishnan 2005) of four
 * rows of saturating counters (at most 15, as the paper's 4-bit counters), a model id counted in
 * one counter per row and estimated by the least of its four. After {@code 10 × width} counts every
 * counter is halved (the paper's reset), so the counts follow what is used now rather than what was
 * used once.
 *
 * <p>Why the model cache needs it. A least-recently-used cache over a stream that cycles through
 * more models than it holds (example j for model j mod N, or any wide enough round) never hits:
 * each model is evicted just before its turn comes again, and every example pays a load, a write
 * and a long-lived learner for the collector. With TinyLFU a model that is not used more often than
 * the one it would evict passes through instead, and the cache keeps the models it holds: it hits
 * as often as it can hold (a cache of a sixth of the models hits a sixth of the examples), while a
 * set of hot models still takes the cache over from cold ones within a few uses.
 *
 * <p>Deterministic (no random seed: {@link String#hashCode} and fixed multipliers), not thread-safe
 * (one store, one stream thread). Caffeine implements the same filter for its caches; the model
 * store keeps its own because its cache shares one byte bound across the stores of every task and
 * must write an evicted model inside the task's transaction, on the stream thread.
 */
final class FrequencySketch {
  private static final int ROWS = 4;
  private static final int MAX_COUNT = 15;
  // Odd multipliers (from SplitMix64's and MurmurHash3's constants) spread one hash over the rows.
  private static final int[] MIX = {0x9E3779B9, 0x85EBCA6B, 0xC2B2AE35, 0x27D4EB2F};

  private final byte[] counters;
  private final int shift;
  private final int resetAfter;
  private int counted;

  /**
   * @param width counters per row, rounded up to a power of two (at least 16); a width of about the
   *     number of models the cache holds, or more, keeps collisions rare
   */
  FrequencySketch(int width) {
    int w = Math.max(16, Integer.highestOneBit(Math.min(Math.max(1, width - 1), 1 << 22)) << 1);
    this.counters = new byte[ROWS * w];
    this.shift = 32 - Integer.numberOfTrailingZeros(w);
    this.resetAfter = 10 * w;
  }

  /** Counters per row. */
  int width() {
    return counters.length / ROWS;
  }

  /** Counts one use of the model. */
  void increment(String modelId) {
    int hash = spread(modelId.hashCode());
    int width = counters.length / ROWS;
    for (int row = 0; row < ROWS; row++) {
      int at = row * width + ((hash * MIX[row]) >>> shift);
      if (counters[at] < MAX_COUNT) {
        counters[at]++;
      }
    }
    if (++counted >= resetAfter) {
      for (int i = 0; i < counters.length; i++) {
        counters[i] >>= 1;
      }
      counted /= 2;
    }
  }

  /** The model's estimated recent uses (at most 15). */
  int frequency(String modelId) {
    int hash = spread(modelId.hashCode());
    int width = counters.length / ROWS;
    int least = MAX_COUNT;
    for (int row = 0; row < ROWS; row++) {
      least = Math.min(least, counters[row * width + ((hash * MIX[row]) >>> shift)]);
    }
    return least;
  }

  private static int spread(int h) {
    h ^= h >>> 16;
    h *= 0x7FEB352D;
    return h ^ (h >>> 15);
  }
}
