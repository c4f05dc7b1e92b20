package io.streamprop.scorer.registry;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.streamprop.features.FeatureRow;
import io.streamprop.features.FeaturizedBatch;
import io.streamprop.features.Featurizer;
import io.streamprop.learn.Predictor;
import io.streamprop.learn.population.Standing;
import io.streamprop.learn.state.ModelState;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import io.streamprop.wire.PopulationCodec;
import io.streamprop.wire.SigningKey;
import io.streamprop.wire.Snapshot;
import io.streamprop.wire.SnapshotCodec;
import io.streamprop.wire.SnapshotException;
import io.streamprop.wire.Snapshots;
import java.time.Clock;
import java.time.Instant;

/**
 * Turns the bytes of a snapshot record into a {@link ServedModel}, off the request path: decode and
 * verify ({@link SnapshotCodec}; for a population, {@link PopulationCodec#decodeServed}, which
 * decodes only the leading member's snapshot and every member's bookkeeping), refuse a version that
 * is not newer than the served one, build the {@link Predictor}, and warm it with a prediction
 * whose outputs must all be finite. Only a model that passed every step is handed to {@link
 * ModelRegistry#swapIfNewer}.
 */
public final class ModelLoader {
  /** Rows of the warm-up batch: enough to run the batched code paths once. */
  static final int WARM_UP_ROWS = 16;

  private final ModelRegistry registry;
  private final Clock clock;
  private final SigningKey signingKey;

  /** A loader that does not verify signatures (signed snapshots load too). */
  public ModelLoader(ModelRegistry registry, Clock clock) {
    this(registry, clock, null);
  }

  /**
   * @param signingKey when not null, only snapshots signed with this key are served; others are
   *     rejected as {@link SnapshotRejectReason#UNSIGNED} or {@link
   *     SnapshotRejectReason#BAD_SIGNATURE}
   */
  public ModelLoader(ModelRegistry registry, Clock clock, SigningKey signingKey) {
    this.registry = registry;
    this.clock = clock;
    this.signingKey = signingKey;
  }

  /**
   * Decodes, checks, builds and warms a snapshot.
   *
   * @param name the model id (the record key)
   * @param bytes the record value
   * @param recordTimestamp the record's timestamp, the snapshot's creation time if it carries none
   * @throws SnapshotRejectedException if the snapshot must not be served
   */
  public ServedModel load(String name, byte[] bytes, Instant recordTimestamp)
      throws SnapshotRejectedException {
    return build(name, bytes, recordTimestamp, true, null);
  }

  /**
   * Decodes, builds and warms a snapshot that was served before and evicted from memory: the same
   * steps as {@link #load} without the version check, so the model predicts bit for bit as it did.
   *
   * @param loadedAt when the snapshot was first served, kept in its {@link ModelInfo}
   */
  ServedModel reload(String name, byte[] bytes, Instant recordTimestamp, Instant loadedAt)
      throws SnapshotRejectedException {
    return build(name, bytes, recordTimestamp, false, loadedAt);
  }

  private ServedModel build(
      String name, byte[] bytes, Instant recordTimestamp, boolean newerOnly, Instant loadedAt)
      throws SnapshotRejectedException {
    long start = System.nanoTime();
    Snapshot snapshot;
    PopulationCodec.Served population = null;
    try {
      if (Snapshots.isPopulation(bytes)) {
        population = PopulationCodec.decodeServed(bytes, signingKey);
        snapshot = new Snapshot(population.served().model(), population.createdAtMillis());
      } else {
        snapshot = SnapshotCodec.decodeSnapshot(bytes, signingKey);
      }
    } catch (SnapshotException e) {
      SnapshotRejectReason reason =
          switch (e.kind()) {
            case UNSIGNED -> SnapshotRejectReason.UNSIGNED;
            case BAD_SIGNATURE -> SnapshotRejectReason.BAD_SIGNATURE;
            case INVALID -> SnapshotRejectReason.CORRUPT;
          };
      throw new SnapshotRejectedException(
          reason, "snapshot of model '" + name + "' refused: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      // The codec promises SnapshotException; anything else from bad bytes is still bad bytes,
      // and must never stop the consumer.
      throw new SnapshotRejectedException(
          SnapshotRejectReason.CORRUPT,
          "snapshot of model '" + name + "' does not decode: " + e.getMessage(),
          e);
    }
    ModelState state = snapshot.state();
    Instant createdAt =
        snapshot.createdAtMillis() > 0
            ? Instant.ofEpochMilli(snapshot.createdAtMillis())
            : recordTimestamp;
    long served = newerOnly ? registry.servedVersion(name) : -1;
    if (state.version() <= served) {
      throw new SnapshotRejectedException(
          SnapshotRejectReason.NOT_NEWER,
          "snapshot of model '"
              + name
              + "' has version "
              + state.version()
              + ", not newer than the served version "
              + served,
          null);
    }
    Predictor predictor;
    String specJson;
    try {
      predictor = Predictor.of(state);
      specJson = SpecJson.write(population == null ? state.spec() : population.spec());
    } catch (RuntimeException e) {
      throw new SnapshotRejectedException(
          SnapshotRejectReason.INVALID,
          "snapshot of model '"
              + name
              + "' version "
              + state.version()
              + " cannot be built into a predictor: "
              + e.getMessage(),
          e);
    }
    warmUp(name, state, predictor);
    double loadSeconds = (System.nanoTime() - start) / 1e9;
    ModelInfo info =
        new ModelInfo(
            state.examples(),
            state.steps(),
            state.skippedSteps(),
            trainingLoss(state),
            createdAt,
            loadedAt == null ? clock.instant() : loadedAt,
            loadSeconds,
            bytes.length,
            specJson,
            population == null ? null : populationInfo(population));
    return new ServedModel(name, state.version(), state.spec(), Inference.of(predictor), info);
  }

  private static PopulationInfo populationInfo(PopulationCodec.Served population) {
    io.streamprop.learn.population.ServedModel served = population.served();
    Standing lead = served.standings().get(served.member());
    return new PopulationInfo(
        served.member(),
        served.average(),
        lead.learningRate(),
        lead.hidden(),
        lead.inputTransform(),
        served.reason(),
        served.standings(),
        population.switches(),
        population.replacements(),
        population.alarms());
  }

  /**
   * Runs one batch through the new model so that the first request does not pay for lazy
   * initialization, and refuses a model whose outputs are not finite. The inputs are the input
   * normalizer's running means (a typical input; zeros for a model that does not standardize, whose
   * statistics stay empty; mapped back from the signed log scale, {@code sign(m) · (e^|m| - 1)},
   * for {@code input_transform: symlog}, whose statistics are of transformed inputs); for a model
   * with raw features, an event whose every feature is missing (numbers imputed with their running
   * means, categories in the missing bucket).
   */
  private static void warmUp(String name, ModelState state, Predictor predictor)
      throws SnapshotRejectedException {
    float[] outputs;
    try {
      outputs =
          state.spec().hasFeatures()
              ? predictor.predict(missingEvents(state.spec()))
              : predictor.predict(meanInputs(state), WARM_UP_ROWS);
    } catch (RuntimeException e) {
      throw new SnapshotRejectedException(
          SnapshotRejectReason.INVALID,
          "model '" + name + "' version " + state.version() + " fails to predict: " + e,
          e);
    }
    int expected = WARM_UP_ROWS * state.spec().outputs();
    if (outputs == null || outputs.length != expected) {
      throw new SnapshotRejectedException(
          SnapshotRejectReason.INVALID,
          "model '"
              + name
              + "' version "
              + state.version()
              + " predicts "
              + (outputs == null ? "nothing" : outputs.length + " values")
              + " for "
              + WARM_UP_ROWS
              + " rows, expected "
              + expected,
          null);
    }
    for (float value : outputs) {
      if (!Float.isFinite(value)) {
        throw new SnapshotRejectedException(
            SnapshotRejectReason.NOT_FINITE,
            "model '"
                + name
                + "' version "
                + state.version()
                + " predicts "
                + value
                + " on a typical input; refusing to serve it",
            null);
      }
    }
  }

  private static float[] meanInputs(ModelState state) {
    int inputs = state.spec().inputs();
    float[] features = new float[WARM_UP_ROWS * inputs];
    double[] mean = state.inputNormalizer().mean(); // (inputs), checked by the codec
    boolean symlog = state.spec().inputTransform() == ModelSpec.InputTransform.SYMLOG;
    for (int row = 0; row < WARM_UP_ROWS; row++) {
      for (int j = 0; j < inputs; j++) {
        double m = symlog ? Math.copySign(Math.expm1(Math.abs(mean[j])), mean[j]) : mean[j];
        features[row * inputs + j] = (float) m;
      }
    }
    return features;
  }

  /** {@link #WARM_UP_ROWS} featurized events {@code {}}: every feature missing. */
  private static FeatureRow[] missingEvents(ModelSpec spec) {
    Featurizer featurizer = new Featurizer(spec.features());
    FeaturizedBatch batch = featurizer.newBatch(WARM_UP_ROWS);
    FeatureRow[] rows = new FeatureRow[WARM_UP_ROWS];
    for (int row = 0; row < WARM_UP_ROWS; row++) {
      featurizer.add(JsonNodeFactory.instance.objectNode(), batch);
      rows[row] = FeatureRow.of(batch, row);
    }
    return rows;
  }

  /**
   * The latest training loss the snapshot carries: the learner's prequential loss, exponentially
   * weighted over about the last 1,000 examples; NaN before the model scored its first mini-batch
   * and for snapshots written before the learner kept it.
   */
  static double trainingLoss(ModelState state) {
    return state.training().prequentialLoss();
  }
}
