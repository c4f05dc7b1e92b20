package io.streamprop.scorer.predlog;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ids of instances that came without one: {@code <start>-<random>-<counter>}, all lowercase
 * hex, e.g. {@code 193a4c5e2f1-9f3b27c1-2a}: the scorer process's start time in epoch milliseconds,
 * 32 random bits drawn at start, and a counter of this process's generated ids from 1. Ids of one
 * process differ by their counter; two processes (a restart, a second replica) share a prefix only
 * if they started in the same millisecond and drew the same 32 random bits. At most 35 ASCII bytes,
 * well inside the 256 bytes of an id.
 */
public final class IdGenerator {
  private final String prefix;
  private final AtomicLong counter = new AtomicLong();

  /** A generator with this process's start time and fresh random bits. */
  public IdGenerator() {
    this(System.currentTimeMillis(), new SecureRandom().nextInt());
  }

  /** A generator with a given start time and random bits (for tests). */
  public IdGenerator(long startMillis, int random) {
    this.prefix =
        Long.toHexString(startMillis) + "-" + String.format("%08x", random & 0xffffffffL) + "-";
  }

  /** {@code n} fresh ids, in counter order. */
  public String[] next(int n) {
    long first = counter.getAndAdd(n) + 1;
    String[] ids = new String[n];
    for (int i = 0; i < n; i++) {
      ids[i] = prefix + Long.toHexString(first + i);
    }
    return ids;
  }
}
