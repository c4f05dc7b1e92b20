package io.streamprop.trainer.state;

import io.streamprop.learn.StepResult;
import io.streamprop.learn.population.PopulationLearner;
import io.streamprop.spec.ModelSpec;
import io.streamprop.wire.SigningKey;

/**
 * What the trainer trains for one model: one learner of the spec ({@link SingleModel}) or, for a
 * spec with {@code learner: population}, a population of variants of it ({@link PopulationModel}).
 * The topology learns, publishes and stores through this interface alone; its two implementations
 * know their snapshot and changelog formats.
 */
public sealed interface TrainedModel permits SingleModel, PopulationModel {

  /** A new model of the spec: a population when the spec says so, else one learner. */
  static TrainedModel create(ModelSpec spec) {
    return spec.learner() == ModelSpec.Learner.POPULATION
        ? new PopulationModel(PopulationLearner.create(spec))
        : new SingleModel(io.streamprop.learn.OnlineLearner.create(spec));
  }

  /** The model's spec (the user's). */
  ModelSpec spec();

  /**
   * Learns one example of numbers; returns the served learner's step when a mini-batch completed,
   * else null.
   */
  StepResult learn(float[] features, float[] label, float weight);

  /** Learns one featurized raw event (dense part and bucket ids); see the other overload. */
  StepResult learn(float[] dense, int[][] ids, float[] label, float weight);

  /** Examples accepted, pending ones included. */
  long examples();

  /** This model under an updated spec of the same shape (an in-place update). */
  TrainedModel withSpec(ModelSpec updated);

  /**
   * The record value published on {@code model-snapshots} as version {@code version}: the single
   * learner's snapshot, or the population's container with every member.
   */
  byte[] snapshot(long version, long createdAtMillis, SigningKey key);

  /** The {@link StoredModel} format of this model's state. */
  short storedFormat();

  /** The complete state for the changelog, at model version {@code version}, reproducible. */
  byte[] storedState(long version);
}
