package io.streamprop.faults.rig;

import io.streamprop.learn.Predictor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/**
 * A load generator: one thread sending the same prediction request back to back until stopped (or a
 * bound on count or time), classifying each answer. A 200 is checked against the offline predictor
 * of the version it names; the versions a sequential client sees must never go back. While the
 * scorer process is down a request is refused (counted apart from the 503s of a running scorer that
 * is not yet ready); the client then backs off 5 ms, as a real client would, so it does not spin on
 * the CPU the restarting scorer needs.
 */
public final class LoadLoop implements AutoCloseable {
  private final ScorerClient client;
  private final String model;
  private final float[][] instances;
  private final LongFunction<Predictor> byVersion;
  private final long maxRequests;
  private final long deadlineNanos;
  private final AtomicBoolean stop = new AtomicBoolean();
  private final Thread thread;

  public final AtomicLong ok = new AtomicLong();
  public final AtomicLong notReady = new AtomicLong();
  public final AtomicLong refused = new AtomicLong();
  public final AtomicLong other = new AtomicLong();
  public final AtomicLong wrong = new AtomicLong();
  public final AtomicLong versionWentBack = new AtomicLong();
  private final List<String> problems = new ArrayList<>();
  private volatile Throwable failure;

  public LoadLoop(
      ScorerClient client,
      String model,
      float[][] instances,
      LongFunction<Predictor> byVersion,
      long maxRequests,
      Duration maxTime) {
    this.client = client;
    this.model = model;
    this.instances = instances;
    this.byVersion = byVersion;
    this.maxRequests = maxRequests;
    this.deadlineNanos = System.nanoTime() + maxTime.toNanos();
    this.thread = new Thread(this::run, "load-loop");
    thread.setDaemon(true);
  }

  public LoadLoop start() {
    thread.start();
    return this;
  }

  private void run() {
    long lastVersion = -1;
    try {
      for (long n = 0; n < maxRequests && !stop.get() && System.nanoTime() < deadlineNanos; n++) {
        ScorerClient.Answer answer = client.predict(model, instances);
        switch (answer.status()) {
          case 200 -> {
            ok.incrementAndGet();
            String why = ScorerClient.mismatch(answer, byVersion, instances);
            if (why != null) {
              wrong.incrementAndGet();
              problem("wrong answer: " + why);
            }
            long version = answer.body().get("model_version").asLong();
            if (version < lastVersion) {
              versionWentBack.incrementAndGet();
              problem("version went back from " + lastVersion + " to " + version);
            }
            lastVersion = Math.max(lastVersion, version);
          }
          case 503 -> notReady.incrementAndGet();
          case ScorerClient.REFUSED -> {
            refused.incrementAndGet();
            Thread.sleep(5); // client back-off while the process is down
          }
          default -> {
            other.incrementAndGet();
            problem("status " + answer.status() + ": " + answer.body());
          }
        }
      }
    } catch (Throwable t) {
      failure = t;
    }
  }

  private synchronized void problem(String what) {
    if (problems.size() < 10) {
      problems.add(what);
    }
  }

  public synchronized List<String> problems() {
    return List.copyOf(problems);
  }

  public long total() {
    return ok.get() + notReady.get() + refused.get() + other.get();
  }

  /** Stops the loop and waits for it; rethrows what broke the loop itself. */
  @Override
  public void close() throws InterruptedException {
    stop.set(true);
    thread.join(30_000);
    if (failure != null) {
      throw new AssertionError("the load loop failed", failure);
    }
  }
}
