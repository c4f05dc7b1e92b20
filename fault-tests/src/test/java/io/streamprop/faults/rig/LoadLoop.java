package io.streamprop.faults.rig;

import io.streamprop.faults.rig.ScorerPhases.Phase;
import io.streamprop.learn.Predictor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/**
 * A load generator: one thread sending the same prediction request back to back until stopped (or a
 * bound on count or time), classifying each answer against what the scorer was while the request
 * ran ({@link ScorerPhases}, kept by the scenario):
 *
 * <ul>
 *   <li>a 200 is checked against the offline predictor of the version it names, and the versions a
 *       sequential client sees must never go back;
 *   <li>a 503 is expected only while a started scorer had not yet been seen ready;
 *   <li>a refused connection only while no process listened (down, or starting);
 *   <li>a broken connection, or a timeout, only across a kill;
 *   <li>anything else, or any of these at another moment, is counted in {@link #unexpected} and
 *       described in {@link #problems()}.
 * </ul>
 *
 * <p>With {@link #withIds} a request carries the caller's ids or none, as the given function says
 * for each request number, and every 200's answered predictions are kept in {@link #answered} (ids,
 * version and prediction bytes), to be held against the prediction log.
 *
 * <p>After a refusal or a broken connection the client backs off 5 ms, as a real client would, so
 * that it does not spin on the CPU the restarting scorer needs (a pause in the load, not a wait for
 * a condition).
 */
public final class LoadLoop implements AutoCloseable {
  private final ScorerClient client;
  private final ScorerPhases phases;
  private final String model;
  private final float[][] instances;
  private final LongFunction<Predictor> byVersion;
  private final long maxRequests;
  private final long deadlineNanos;
  private final AtomicBoolean stop = new AtomicBoolean();
  private final Thread thread;
  private LongFunction<String[]> idsFor = n -> null;

  /** Every prediction of a 200 answer, with its id, version and bytes as answered. */
  public final AnsweredPredictions answered = new AnsweredPredictions();

  public final AtomicLong ok = new AtomicLong();
  public final AtomicLong notReady = new AtomicLong();
  public final AtomicLong refused = new AtomicLong();
  public final AtomicLong broken = new AtomicLong();
  public final AtomicLong timedOut = new AtomicLong();
  public final AtomicLong other = new AtomicLong();
  public final AtomicLong wrong = new AtomicLong();
  public final AtomicLong versionWentBack = new AtomicLong();

  /** Answers not expected in the phases during which they were asked for. */
  public final AtomicLong unexpected = new AtomicLong();

  private final List<String> problems = new ArrayList<>();
  private volatile Throwable failure;

  public LoadLoop(
      ScorerClient client,
      ScorerPhases phases,
      String model,
      float[][] instances,
      LongFunction<Predictor> byVersion,
      long maxRequests,
      Duration maxTime) {
    this.client = client;
    this.phases = phases;
    this.model = model;
    this.instances = instances;
    this.byVersion = byVersion;
    this.maxRequests = maxRequests;
    this.deadlineNanos = System.nanoTime() + maxTime.toNanos();
    this.thread = new Thread(this::run, "load-loop");
    thread.setDaemon(true);
  }

  /**
   * Request {@code n} (from 0) carries the ids {@code idsFor} gives (one per instance), or none
   * when it gives null; call before {@link #start}.
   */
  public LoadLoop withIds(LongFunction<String[]> idsFor) {
    this.idsFor = idsFor;
    return this;
  }

  public LoadLoop start() {
    thread.start();
    return this;
  }

  /** Whether an answer of {@code status} is expected while the scorer went through {@code in}. */
  static boolean expected(int status, Set<Phase> in) {
    return switch (status) {
      case 200 -> true;
      case 503 -> in.contains(Phase.STARTING);
      case ScorerClient.REFUSED -> in.contains(Phase.STARTING) || in.contains(Phase.DOWN);
      case ScorerClient.BROKEN, ScorerClient.TIMEOUT -> in.contains(Phase.DOWN);
      default -> false;
    };
  }

  private void run() {
    long lastVersion = -1;
    try {
      for (long n = 0; n < maxRequests && !stop.get() && System.nanoTime() < deadlineNanos; n++) {
        int mark = phases.mark();
        String[] ids = idsFor.apply(n);
        ScorerClient.Answer answer = client.predict(model, instances, ids);
        Set<Phase> in = phases.since(mark);
        int status = answer.status();
        if (!expected(status, in)) {
          unexpected.incrementAndGet();
          problem(
              ScorerClient.describe(status)
                  + " while the scorer was "
                  + in
                  + (answer.body() == null ? "" : ": " + answer.body()));
        }
        switch (status) {
          case 200 -> {
            ok.incrementAndGet();
            String badIds = answered.record(answer.text(), ids);
            if (badIds != null) {
              wrong.incrementAndGet();
              problem("wrong ids: " + badIds);
            }
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
          case ScorerClient.BROKEN -> {
            broken.incrementAndGet();
            Thread.sleep(5); // client back-off while the process is down
          }
          case ScorerClient.TIMEOUT -> timedOut.incrementAndGet();
          default -> other.incrementAndGet();
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
    return ok.get() + notReady.get() + refused.get() + broken.get() + timedOut.get() + other.get();
  }

  /**
   * Stops the loop and waits for it to end: at most one request in flight, which ends by its
   * timeouts. Rethrows what broke the loop itself.
   */
  @Override
  public void close() throws InterruptedException {
    stop.set(true);
    Duration longestRequest =
        ScorerClient.CONNECT_TIMEOUT.plus(ScorerClient.REQUEST_TIMEOUT).multipliedBy(2);
    thread.join(longestRequest.toMillis());
    if (thread.isAlive()) {
      throw new AssertionError("the load loop did not end within " + longestRequest);
    }
    if (failure != null) {
      throw new AssertionError("the load loop failed", failure);
    }
  }
}
