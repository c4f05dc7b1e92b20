package io.streamprop.learn.state;

import io.streamprop.spec.ModelSpec;
import java.util.List;
import java.util.Objects;

/**
 * The complete state of a model, enough to predict and to resume training bit for bit: what a
 * snapshot carries. The learner exports it ({@code OnlineLearner.state()}, deep copies) and resumes
 * from it ({@code OnlineLearner.restore}); {@code Predictor.of} builds from its network and
 * normalizers; {@code io.streamprop.wire.StateCodec} maps it to and from the snapshot's named
 * arrays. Array shapes follow from the spec; the codec checks them.
 *
 * @param spec the model's spec
 * @param counters version, examples, steps, skipped steps
 * @param layers one per dense layer, input side first ({@code hidden.size() + 1})
 * @param inputNormalizer running statistics of the raw features (always present; they stay empty
 *     when the spec's {@code standardize} is false); for a spec with raw features, of its numeric
 *     features only, with per-column counts, kept whatever {@code standardize} says (they impute
 *     missing numbers)
 * @param targetNormalizer running statistics of the regression targets when the network learns
 *     standardized targets (regression with {@code standardize}); null otherwise, which includes
 *     regression models written before targets were standardized: they keep learning and predicting
 *     in the user's units
 * @param training optimizer, pending mini-batch, random generator and prequential loss
 * @param carried arrays a decoded snapshot held under names this release does not know, written
 *     back unchanged when it is encoded again; the engine never reads them ({@link
 *     NamedArrays#NONE} for the engine's own states)
 * @param embeddings a spec with raw features: one table per embedded field, in the order of {@code
 *     FeatureLayout.embeddings()}; empty for a spec of numbers
 */
public record ModelState(
    ModelSpec spec,
    Counters counters,
    List<LayerState> layers,
    NormalizerState inputNormalizer,
    NormalizerState targetNormalizer,
    TrainingState training,
    NamedArrays carried,
    List<EmbeddingState> embeddings) {

  public ModelState {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(counters, "counters");
    layers = List.copyOf(layers);
    Objects.requireNonNull(inputNormalizer, "inputNormalizer");
    Objects.requireNonNull(training, "training");
    Objects.requireNonNull(carried, "carried");
    embeddings = List.copyOf(embeddings);
  }

  /** The state of a model without embedding tables (a spec of numbers). */
  public ModelState(
      ModelSpec spec,
      Counters counters,
      List<LayerState> layers,
      NormalizerState inputNormalizer,
      NormalizerState targetNormalizer,
      TrainingState training,
      NamedArrays carried) {
    this(spec, counters, layers, inputNormalizer, targetNormalizer, training, carried, List.of());
  }

  /** The model version ({@link Counters#version()}). */
  public long version() {
    return counters.version();
  }

  /** Examples accepted, pending ones included ({@link Counters#examples()}). */
  public long examples() {
    return counters.examples();
  }

  /** Optimizer steps taken ({@link Counters#steps()}). */
  public long steps() {
    return counters.steps();
  }

  /** Mini-batches skipped as not finite ({@link Counters#skippedSteps()}). */
  public long skippedSteps() {
    return counters.skippedSteps();
  }

  /** The same state published as another version (arrays shared, not copied). */
  public ModelState withVersion(long version) {
    return new ModelState(
        spec,
        counters.withVersion(version),
        layers,
        inputNormalizer,
        targetNormalizer,
        training,
        carried,
        embeddings);
  }

  /**
   * The same state under another spec (arrays shared, not copied): how a trainer applies a spec
   * change that keeps the model's shape (new hyper-parameters, same layers).
   */
  public ModelState withSpec(ModelSpec spec) {
    return new ModelState(
        spec, counters, layers, inputNormalizer, targetNormalizer, training, carried, embeddings);
  }
}
