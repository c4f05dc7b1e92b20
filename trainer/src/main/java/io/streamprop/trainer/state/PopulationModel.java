package io.streamprop.trainer.state;

import io.streamprop.learn.StepResult;
import io.streamprop.learn.population.PopulationLearner;
import io.streamprop.spec.ModelSpec;
import io.streamprop.wire.PopulationCodec;
import io.streamprop.wire.SigningKey;

/**
 * A {@link PopulationLearner}: every example goes to every member, and the whole population (every
 * member's complete state and the race's bookkeeping) is both its snapshot and its stored state, as
 * a version-2 {@link PopulationCodec} container; a scorer serves the leader from it.
 */
public final class PopulationModel implements TrainedModel {
  private final PopulationLearner population;

  public PopulationModel(PopulationLearner population) {
    this.population = population;
  }

  public PopulationLearner population() {
    return population;
  }

  @Override
  public ModelSpec spec() {
    return population.spec();
  }

  @Override
  public StepResult learn(float[] features, float[] label, float weight) {
    return population.learn(features, label, weight);
  }

  @Override
  public StepResult learn(float[] dense, int[][] ids, float[] label, float weight) {
    return population.learn(dense, ids, label, weight);
  }

  @Override
  public long examples() {
    return population.examples();
  }

  @Override
  public TrainedModel withSpec(ModelSpec updated) {
    return new PopulationModel(population.withSpec(updated));
  }

  @Override
  public byte[] snapshot(long version, long createdAtMillis, SigningKey key) {
    return PopulationCodec.encode(population.state(), version, createdAtMillis, key);
  }

  @Override
  public short storedFormat() {
    return StoredModel.FORMAT_POPULATION;
  }

  @Override
  public byte[] storedState(long version) {
    return PopulationCodec.encode(population.state(), version, 0, null);
  }
}
