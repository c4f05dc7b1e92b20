package io.streamprop.trainer.topology;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamprop.spec.ModelSpec;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The learning lanes of one trainer: one per stream thread, shared by the {@link Train} processors
 * of that thread's tasks, released when its last processor closes (a stream thread that loses its
 * tasks, or ends, leaves no lane behind). Its thread starts with the first model that learns on it.
 *
 * <p>Which models learn on the lane: those whose dense layers hold at least {@code minWeights}
 * weights (a population: three times its spec's, the members that run on after its warm-up). A
 * smaller model's step is too short to pay for handing its example to another core, and a model
 * that publishes a snapshot on nearly every example (many models, each seldom) learns where its
 * snapshot is taken anyway ({@link Train#process}).
 */
final class LearningLanes {
  private final int minWeights;
  private final Map<Thread, Entry> lanes = new HashMap<>();
  private final LearningLane.Meters meters = new LearningLane.Meters();

  /** Lanes whose meters no registry reads (tests). */
  LearningLanes(int minWeights) {
    this(minWeights, new SimpleMeterRegistry());
  }

  /**
   * @param minWeights least dense weights of a model that learns on the lane; 0: every model; -1:
   *     none (each stream thread learns itself)
   * @param registry where the lanes' meters go
   */
  LearningLanes(int minWeights, MeterRegistry registry) {
    this.minWeights = minWeights;
    FunctionCounter.builder("streamprop.learning.lane.steps", meters.steps(), LongAdder::sum)
        .description("Examples learned on a learning lane beside a stream thread")
        .register(registry);
    FunctionCounter.builder("streamprop.learning.lane.wait", meters.waitNanos(), n -> n.sum() / 1e9)
        .baseUnit("seconds")
        .description("Time stream threads waited for their learning lanes (drains, full queues)")
        .register(registry);
  }

  /** Whether a model of {@code spec} learns on the lane. */
  boolean onLane(ModelSpec spec) {
    if (minWeights < 0) {
      return false;
    }
    long weights = spec.denseWeights();
    if (spec.learner() == ModelSpec.Learner.POPULATION) {
      weights *= 3;
    }
    return weights >= minWeights;
  }

  /** The calling stream thread's lane, for a processor that opens on it. */
  synchronized LearningLane acquire() {
    Thread owner = Thread.currentThread();
    Entry entry =
        lanes.computeIfAbsent(
            owner,
            t ->
                new Entry(
                    minWeights < 0
                        ? LearningLane.inline()
                        : LearningLane.thread("learning-" + t.getName(), meters)));
    entry.users++;
    return entry.lane;
  }

  /** A processor that {@link #acquire acquired} {@code lane} closes. */
  synchronized void release(LearningLane lane) {
    for (var it = lanes.values().iterator(); it.hasNext(); ) {
      Entry entry = it.next();
      if (entry.lane == lane && --entry.users == 0) {
        it.remove();
        lane.stop();
      }
    }
  }

  private static final class Entry {
    final LearningLane lane;
    int users;

    Entry(LearningLane lane) {
      this.lane = lane;
    }
  }
}
