package io.streamprop.faults.rig;

import io.streamprop.learn.OnlineLearner;
import io.streamprop.learn.Predictor;
import io.streamprop.learn.state.ModelState;
import io.streamprop.spec.ModelSpec;
import io.streamprop.wire.SnapshotCodec;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Snapshots of one model at successive versions, as a trainer would publish them, each with the
 * offline {@link Predictor} that a response naming that version must agree with. Version {@code v}
 * is the model after {@code v × rowsPerVersion} rows of the stream.
 */
public final class PublishedModels {
  private final Map<Long, byte[]> snapshots = new ConcurrentHashMap<>();
  private final Map<Long, Predictor> predictors = new ConcurrentHashMap<>();
  private final OnlineLearner learner;
  private final SyntheticStream stream;
  private final int rowsPerVersion;
  private long version;
  private int row;

  public PublishedModels(ModelSpec spec, SyntheticStream stream, int rowsPerVersion) {
    this.learner = OnlineLearner.create(spec);
    this.stream = stream;
    this.rowsPerVersion = rowsPerVersion;
  }

  /** Trains the next {@code rowsPerVersion} rows and returns the next version's snapshot. */
  public synchronized byte[] next() {
    for (int i = 0; i < rowsPerVersion; i++, row++) {
      learner.learn(
          stream.features(row % stream.size()), new float[] {stream.label(row % stream.size())});
    }
    version++;
    ModelState state = learner.state().withVersion(version);
    byte[] bytes = SnapshotCodec.encode(state, 1_800_000_000_000L + version);
    snapshots.put(version, bytes);
    predictors.put(version, Predictor.of(state));
    return bytes;
  }

  public synchronized long version() {
    return version;
  }

  /** The offline predictor of {@code version}, or null if it was never made. */
  public Predictor predictor(long version) {
    return predictors.get(version);
  }

  public byte[] snapshot(long version) {
    return snapshots.get(version);
  }
}
