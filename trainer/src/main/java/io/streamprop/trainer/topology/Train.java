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
 * <p>The models live in the task's {@link ModelStore}, which writes the changed ones to the
 * changelog right before each commit. Housekeeping also retires models whose spec was deleted: it
 * deletes their state and publishes a snapshot tombstone.
 */
final class Train implements Processor<String, TrainingExample, String, byte[]> {
  private static final Logger log = LoggerFactory.getLogger(Train.class);

  private final long housekeepingMs;
  private final TrainerMetrics metrics;
  private final ShutdownSnapshots shutdown;
  private final SigningKey signingKey;
  private ProcessorContext<String, byte[]> context;
  private ModelStore models;
  private ReadOnlyKeyValueStore<String, byte[]> specs;

  /**
   * @param signingKey signs every published snapshot (HMAC-SHA256); null publishes them unsigned
   */
  Train(
      long housekeepingMs,
      TrainerMetrics metrics,
      ShutdownSnapshots shutdown,
      SigningKey signingKey) {
    this.housekeepingMs = housekeepingMs;
    this.metrics = metrics;
    this.shutdown = shutdown;
    this.signingKey = signingKey;
  }

  @Override
  public void init(ProcessorContext<String, byte[]> context) {
    this.context = context;
    this.models = context.getStateStore(TrainerTopology.MODEL_STATE_STORE);
    this.specs = context.getStateStore(TrainerTopology.SPECS_STORE);
    for (String modelId : models.modelIds()) {
      LiveModel model = models.get(modelId);
      metrics.model(modelId).version(model.version(), model.trained().examples());
      if (model.trained() instanceof PopulationModel population) {
        metrics.model(modelId).population(population.population());
      }
      log.info(
          "model '{}': resumed at version {} with {} examples",
          modelId,
          model.version(),
          model.trained().examples());
    }
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
      log.info("model '{}': started", modelId);
    } else if (model.specSeen() != spec) {
      applySpec(modelId, model, spec, now);
    }
    model.specSeen(spec);
    Example example = record.value().example();
    TrainedModel learner = model.trained();
    StepResult step =
        example.ids() == null
            ? learner.learn(example.features(), example.label(), example.weight())
            : learner.learn(example.features(), example.ids(), example.label(), example.weight());
    model.markDirty();
    ModelMeters meters = metrics.model(modelId);
    meters.trained(learner.examples());
    if (step != null) {
      meters.step(step, spec.task() == ModelSpec.Task.CLASSIFICATION);
      if (learner instanceof PopulationModel population) {
        meters.population(population.population());
      }
    }
    long everyExamples = learner.spec().snapshot().everyExamples();
    if (everyExamples > 0 && model.unpublishedExamples() >= everyExamples) {
      publish(modelId, model, now);
    }
  }

  private void applySpec(String modelId, LiveModel model, ModelSpec spec, long now) {
    ModelSpec old = model.trained().spec();
    switch (SpecChange.between(old, spec)) {
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
    model.published(version, now);
    metrics.model(modelId).snapshot(version, snapshot.length);
  }

  private void housekeeping(long now) {
    boolean shuttingDown = shutdown.requested();
    for (String modelId : models.modelIds()) {
      if (specs.get(modelId) == null) {
        retire(modelId);
        continue;
      }
      LiveModel model = models.get(modelId);
      if (model.unpublishedExamples() <= 0) {
        continue;
      }
      double everySeconds = model.trained().spec().snapshot().everySeconds();
      boolean due = everySeconds > 0 && now - model.lastSnapshotMillis() >= everySeconds * 1000;
      if (due || shuttingDown) {
        publish(modelId, model, now);
      }
    }
    if (shuttingDown) {
      shutdown.acknowledge(this);
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
    shutdown.unregister(this);
  }
}
