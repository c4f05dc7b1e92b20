package io.streamprop.trainer.topology;

import io.streamprop.learn.StepResult;
import io.streamprop.spec.ModelSpec;
import io.streamprop.trainer.metrics.ModelMeters;
import io.streamprop.trainer.metrics.TrainerMetrics;
import io.streamprop.trainer.state.LiveModel;
import io.streamprop.trainer.state.ModelStore;
import io.streamprop.trainer.state.PopulationModel;
import io.streamprop.trainer.state.TrainedModel;
import io.streamprop.wire.Example;
import io.streamprop.wire.SigningKey;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-model training: each validated example is learned by its model (created on its first example,
 * updated when its spec changes; one learner of the spec, or a population of variants of it when
 * the spec says {@code learner: population}, see {@link TrainedModel}) — a vector of numbers, or
 * for a spec with raw features the featurized row and its bucket ids — and snapshots are published
 * to the model-snapshots sink after every N examples (in {@link #process}) or T seconds (in the
 * housekeeping punctuation), per the model's spec.
 *
 * <p>A model of a large network learns on its stream thread's {@link LearningLane} (which models:
 * {@link LearningLanes}), in partition order, while the stream thread goes on to the next records;
 * the stream thread drains the lane before it reads a model's state (a snapshot, a spec change,
 * housekeeping) and the store drains it before it encodes one (a commit, an eviction).
 *
 * <p>The models live in the task's {@link ModelStore}, which writes the changed ones to the
 * changelog right before each commit. Housekeeping also retires models whose spec was deleted: it
 * deletes their state and publishes a snapshot tombstone.
 */
final class Train implements Processor<String, TrainingExample, String, byte[]> {
  private static final Logger log = LoggerFactory.getLogger(Train.class);

  private final long housekeepingMs;
  private final CommitRequests commits;
  private final TrainerMetrics metrics;
  private final ShutdownSnapshots shutdown;
  private final SigningKey signingKey;
  private final LearningLanes lanes;

  /** Model ids checked for a deleted spec per housekeeping pass. */
  static final int RETIRE_CHECKS = 4096;

  /** Models looked at for a due snapshot per housekeeping pass (each may need a load). */
  static final int SNAPSHOT_CHECKS = 4096;

  private String retireCursor;
  private ProcessorContext<String, byte[]> context;
  private ModelStore models;
  private LearningLane lane;
  private ModelSpec laneSpec;
  private boolean laneChoice;
  private ReadOnlyKeyValueStore<String, byte[]> specs;

  /**
   * @param commitSpacingMs least time between two commits this task asks for on publishing (half
   *     the commit interval: commits stay at most about twice as frequent)
   * @param signingKey signs every published snapshot (HMAC-SHA256); null publishes them unsigned
   */
  Train(
      long housekeepingMs,
      long commitSpacingMs,
      TrainerMetrics metrics,
      ShutdownSnapshots shutdown,
      SigningKey signingKey,
      LearningLanes lanes) {
    this.housekeepingMs = housekeepingMs;
    this.commits = new CommitRequests(commitSpacingMs);
    this.metrics = metrics;
    this.shutdown = shutdown;
    this.signingKey = signingKey;
    this.lanes = lanes;
  }

  @Override
  public void init(ProcessorContext<String, byte[]> context) {
    this.context = context;
    this.models = context.getStateStore(TrainerTopology.MODEL_STATE_STORE);
    this.specs = context.getStateStore(TrainerTopology.SPECS_STORE);
    this.lane = lanes.acquire();
    models.beforeWrite(lane::drain);
    // Models load on first use (the store is a bounded cache): one line, not one per model.
    log.info(
        "task {}: {} models in the store, {} owing a snapshot; loaded on first use",
        context.taskId(),
        models.size(),
        models.snapshotsOwed());
    context.schedule(
        Duration.ofMillis(housekeepingMs), PunctuationType.WALL_CLOCK_TIME, this::housekeeping);
    shutdown.register(this);
  }

  @Override
  public void process(Record<String, TrainingExample> record) {
    String modelId = record.key();
    ModelSpec spec = record.value().spec();
    long now = context.currentSystemTimeMs();
    LiveModel model = models.get(modelId);
    if (model == null) {
      model = new LiveModel(TrainedModel.create(spec), 0, 0, now);
      models.put(modelId, model);
      log.debug("model '{}': started", modelId);
    } else if (model.specSeen() != spec) {
      lane.drain();
      applySpec(modelId, model, spec, now);
    }
    model.specSeen(spec);
    Runnable step = step(modelId, model, spec, record.value().example());
    model.given();
    // Due by count or by time: a model that keeps learning publishes on the example that makes it
    // due, not at the next housekeeping pass (which would add up to its interval to freshness).
    boolean due = countDue(model) || timeDue(model) <= now;
    boolean onLane = onLane(spec);
    if (due && models.trySnapshot()) {
      // Its snapshot needs its step now: learned here, after its steps on the lane (a model that
      // learns on the stream thread has none there, and waits for no other model's). With many
      // models nearly every example is one of these, and the lane stays idle instead of costing a
      // hand-off.
      if (onLane) {
        lane.drain();
      }
      step.run();
      publish(modelId, model, now);
      return;
    }
    if (onLane) {
      lane.submit(step);
    } else {
      step.run(); // too small a step to hand to another core (LearningLanes)
    }
    if (due) {
      // This commit's allowance is spent: due now, it waits its turn in housekeeping.
      Long queued = models.snapshotDueAt(modelId);
      if (queued == null || queued > now) {
        models.snapshotDue(modelId, now);
      }
    } else if (models.snapshotDueAt(modelId) == null) {
      models.snapshotDue(modelId, timeDue(model));
    }
  }

  /** Whether models of {@code spec} learn on the lane; remembered for the last spec asked. */
  private boolean onLane(ModelSpec spec) {
    if (spec != laneSpec) {
      laneSpec = spec;
      laneChoice = lanes.onLane(spec);
    }
    return laneChoice;
  }

  /**
   * The learning step of one example of {@code model}, for the learning lane (or the stream thread
   * when a snapshot needs it at once): the learner's step and the meters of what it learned.
   */
  private Runnable step(String modelId, LiveModel model, ModelSpec spec, Example example) {
    TrainedModel learner = model.trained();
    ModelMeters meters = metrics.model(modelId);
    // A process that took the model over from the store has published none of its versions.
    long version = model.version();
    boolean classification = spec.task() == ModelSpec.Task.CLASSIFICATION;
    return () -> {
      StepResult step =
          example.ids() == null
              ? learner.learn(example.features(), example.label(), example.weight())
              : learner.learn(example.features(), example.ids(), example.label(), example.weight());
      meters.trained(learner.examples());
      meters.version(version, learner.examples());
      if (step != null) {
        meters.step(step, classification);
        if (learner instanceof PopulationModel population) {
          meters.population(population.population());
        }
      }
    };
  }

  /** {@code snapshot.every_examples} examples were given since the last snapshot. */
  private static boolean countDue(LiveModel model) {
    long everyExamples = model.trained().spec().snapshot().everyExamples();
    return everyExamples > 0 && model.unpublishedExamples() >= everyExamples;
  }

  /**
   * When {@code snapshot.every_seconds} will have passed since the last snapshot: the first
   * millisecond {@code t} with {@code t - last >= every_seconds * 1000}; never when it is 0.
   */
  private static long timeDue(LiveModel model) {
    double everySeconds = model.trained().spec().snapshot().everySeconds();
    if (everySeconds <= 0) {
      return Long.MAX_VALUE;
    }
    return model.lastSnapshotMillis() + (long) Math.ceil(everySeconds * 1000);
  }

  private void applySpec(String modelId, LiveModel model, ModelSpec spec, long now) {
    SpecChange change = SpecChange.between(model.trained().spec(), spec);
    if (change != SpecChange.NONE) {
      // Its snapshot policy or its last snapshot time may change: re-queued after learning.
      models.snapshotDone(modelId);
    }
    switch (change) {
      case NONE -> {
        // Equal but not the same instance (the spec was re-read); nothing to do.
      }
      case IN_PLACE -> {
        model.updateLearner(model.trained().withSpec(spec));
        log.info("model '{}': spec updated in place (hyper-parameters only)", modelId);
      }
      case RESTART -> {
        model.replaceLearner(TrainedModel.create(spec), now);
        log.info(
            "model '{}': spec changed its shape; restarted from scratch after version {}",
            modelId,
            model.version());
      }
    }
  }

  private void publish(String modelId, LiveModel model, long now) {
    long version = model.version() + 1;
    byte[] snapshot = model.trained().snapshot(version, System.currentTimeMillis(), signingKey);
    context.forward(new Record<>(modelId, snapshot, now), TrainerTopology.SNAPSHOTS_SINK);
    model.published(version, now, snapshot);
    models.snapshotDone(modelId);
    metrics.model(modelId).snapshot(version, snapshot.length);
    // A snapshot is invisible (read_committed) until its transaction commits: ask for the commit
    // now rather than wait up to commit.interval.ms for the next one.
    commits.request(context, now);
  }

  /**
   * Retires models whose spec was deleted, walking the task's model ids {@value #RETIRE_CHECKS} per
   * pass; publishes the snapshots that are due, earliest due first, within the commit's allowance
   * ({@link ModelStore#trySnapshot}), loading at most {@value #SNAPSHOT_CHECKS} models per pass. On
   * shutdown every model that owes a snapshot is due, and the processor acknowledges once none
   * does. The cost of a pass is bounded however many models the task has.
   */
  private void housekeeping(long now) {
    lane.drain();
    boolean shuttingDown = shutdown.requested();
    retireDeleted();
    for (String modelId :
        models.snapshotsDue(shuttingDown ? Long.MAX_VALUE : now, SNAPSHOT_CHECKS)) {
      if (specs.get(modelId) == null) {
        retire(modelId);
        continue;
      }
      LiveModel model = models.get(modelId);
      if (model.unpublishedExamples() <= 0) {
        models.snapshotDone(modelId);
        continue;
      }
      long timeDue = timeDue(model);
      if (!shuttingDown && !countDue(model) && timeDue > now) {
        models.snapshotDue(modelId, timeDue);
        continue;
      }
      if (!models.trySnapshot()) {
        break;
      }
      publish(modelId, model, now);
    }
    if (shuttingDown && models.snapshotsOwed() == 0) {
      shutdown.acknowledge(this);
    }
  }

  /** Checks the next {@value #RETIRE_CHECKS} model ids (wrapping around) for a deleted spec. */
  private void retireDeleted() {
    List<String> page = models.modelIdsAfter(retireCursor, RETIRE_CHECKS);
    retireCursor = page.size() < RETIRE_CHECKS ? null : page.get(page.size() - 1);
    for (String modelId : page) {
      if (specs.get(modelId) == null) {
        retire(modelId);
      }
    }
  }

  private void retire(String modelId) {
    models.delete(modelId);
    context.forward(
        new Record<String, byte[]>(modelId, null, context.currentSystemTimeMs()),
        TrainerTopology.SNAPSHOTS_SINK);
    metrics.removeModel(modelId);
    metrics.retired();
    log.info("model '{}': retired (spec deleted); state deleted, snapshot tombstone sent", modelId);
  }

  @Override
  public void close() {
    // A clean close follows a commit, which drained the lane; a dirty one discards the models.
    lanes.release(lane);
    shutdown.unregister(this);
  }
}
