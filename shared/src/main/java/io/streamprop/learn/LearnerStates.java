package io.streamprop.learn;

import io.streamprop.learn.state.Counters;
import io.streamprop.learn.state.ModelState;
import io.streamprop.learn.state.NamedArrays;
import io.streamprop.learn.state.TrainingState;
import io.streamprop.nn.SplitMix64;
import io.streamprop.spec.ModelSpec;
import java.util.List;

/**
 * A learner's complete state out ({@link #export}, deep copies) and a learner back from one ({@link
 * #restore}), bit for bit: what {@link OnlineLearner#state()} and {@link OnlineLearner#restore} do.
 */
final class LearnerStates {
  private LearnerStates() {}

  /** Copies of everything the learner holds, as version 0 (the publisher sets the version). */
  static ModelState export(OnlineLearner learner) {
    Standardization standardization = learner.standardization();
    TrainingState training =
        new TrainingState(
            learner.optimizer().state(),
            learner.batch().state(),
            learner.rng().state(),
            learner.prequentialLoss(),
            learner.lossWeights().state());
    return new ModelState(
        learner.spec(),
        new Counters(0, learner.examples(), learner.steps(), learner.skippedSteps()),
        NetworkStates.export(learner.mlp()),
        standardization.inputState(),
        standardization.targetState(),
        training,
        NamedArrays.NONE,
        learner.raw() == null ? List.of() : learner.raw().export());
  }

  /**
   * A learner that continues exactly where the state's left off. Arrays are copied; carried arrays
   * are ignored.
   *
   * @throws IllegalArgumentException if the state does not fit its spec's model
   */
  static OnlineLearner restore(ModelState state) {
    ModelSpec spec = state.spec();
    TrainingState training = state.training();
    Standardization standardization =
        Standardization.restore(spec, state.inputNormalizer(), state.targetNormalizer());
    OnlineLearner learner =
        new OnlineLearner(spec, new SplitMix64(training.rngState()), standardization);
    NetworkStates.load(state.layers(), learner.mlp());
    if (learner.raw() != null) {
      learner.raw().load(state.embeddings());
    } else if (!state.embeddings().isEmpty()) {
      throw new IllegalArgumentException(
          "model state has embedding tables, but its spec has no raw features");
    }
    learner.optimizer().restore(training.optimizer());
    learner.batch().restore(training.pending());
    learner.lossWeights().restore(training.classCounts());
    learner.resume(state.counters(), training.prequentialLoss());
    return learner;
  }
}
