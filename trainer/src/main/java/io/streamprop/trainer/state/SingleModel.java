package io.streamprop.trainer.state;

import io.streamprop.learn.OnlineLearner;
import io.streamprop.learn.StepResult;
import io.streamprop.spec.ModelSpec;
import io.streamprop.wire.SigningKey;
import io.streamprop.wire.SnapshotCodec;

/**
 * One {@link OnlineLearner} of the spec: its snapshots and stored state are the learner's ordinary
 * snapshot ({@link SnapshotCodec}), byte for byte as before populations existed.
 */
public final class SingleModel implements TrainedModel {
  private final OnlineLearner learner;

  public SingleModel(OnlineLearner learner) {
    this.learner = learner;
  }

  public OnlineLearner learner() {
    return learner;
  }

  @Override
  public ModelSpec spec() {
    return learner.spec();
  }

  @Override
  public StepResult learn(float[] features, float[] label, float weight) {
    return learner.learn(features, label, weight);
  }

  @Override
  public StepResult learn(float[] dense, int[][] ids, float[] label, float weight) {
    return learner.learn(dense, ids, label, weight);
  }

  @Override
  public long examples() {
    return learner.examples();
  }

  @Override
  public TrainedModel withSpec(ModelSpec updated) {
    return new SingleModel(OnlineLearner.restore(learner.state().withSpec(updated)));
  }

  @Override
  public byte[] snapshot(long version, long createdAtMillis, SigningKey key) {
    return SnapshotCodec.encode(learner.state().withVersion(version), createdAtMillis, key);
  }

  @Override
  public short storedFormat() {
    return StoredModel.FORMAT_SINGLE;
  }

  @Override
  public byte[] storedState(long version) {
    // creation time 0, as the population's: the store never reads it, and the same state gives
    // the same bytes whenever it is written
    return SnapshotCodec.encode(learner.state().withVersion(version), 0L);
  }
}
