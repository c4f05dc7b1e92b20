package io.streamprop.trainer.state;

import io.streamprop.learn.OnlineLearner;
import io.streamprop.learn.population.PopulationLearner;
import io.streamprop.learn.state.ModelState;
import io.streamprop.wire.PopulationCodec;
import io.streamprop.wire.SnapshotCodec;
import java.nio.ByteBuffer;

/**
 * The value of one model in the changelogged {@code model-state} store: a small trainer header
 * followed by the model's complete state, which includes the optimizer moments, the normalizer and
 * the partly filled mini-batch: for one learner (format 1) its snapshot ({@link SnapshotCodec}),
 * for a population (format 2) the whole population as a version-2 {@link PopulationCodec} container
 * (created at 0, unsigned).
 *
 * <pre>
 * magic "SPTM" (4 bytes) | format u16 = 1 or 2 | examplesAtSnapshot i64 | lastSnapshotMillis i64
 * | state bytes (the rest; its model version is the last published version)
 * </pre>
 */
public final class StoredModel {
  private StoredModel() {}

  private static final int MAGIC = 0x5350544D; // "SPTM"

  /** One learner: the rest is its snapshot. */
  static final short FORMAT_SINGLE = 1;

  /** A population: the rest is its container. */
  static final short FORMAT_POPULATION = 2;

  private static final int HEADER_BYTES = 4 + 2 + 8 + 8;

  /**
   * Serializes the whole model; called once per commit for each model that changed. A model that
   * has not changed since its last snapshot reuses that snapshot's bytes ({@link
   * LiveModel#publishedBytes}): the state is the same, and the snapshot's creation time and
   * signature are not read back ({@link #decode} ignores both).
   */
  public static byte[] encode(LiveModel model) {
    TrainedModel trained = model.trained();
    byte[] published = model.publishedBytes();
    byte[] snapshot = published != null ? published : trained.storedState(model.version());
    ByteBuffer buffer = ByteBuffer.allocate(HEADER_BYTES + snapshot.length);
    buffer.putInt(MAGIC).putShort(trained.storedFormat());
    buffer.putLong(model.examplesAtSnapshot()).putLong(model.lastSnapshotMillis());
    buffer.put(snapshot);
    return buffer.array();
  }

  /**
   * Rebuilds a model from the store.
   *
   * @throws IllegalStateException if the bytes are not a stored model of a known format
   */
  public static LiveModel decode(String modelId, byte[] bytes) {
    if (bytes.length < HEADER_BYTES) {
      throw new IllegalStateException(
          "model-state entry of model '" + modelId + "' is truncated (" + bytes.length + " bytes)");
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    if (buffer.getInt() != MAGIC) {
      throw new IllegalStateException(
          "model-state entry of model '" + modelId + "' is not a stored streamprop model");
    }
    short format = buffer.getShort();
    if (format != FORMAT_SINGLE && format != FORMAT_POPULATION) {
      throw new IllegalStateException(
          "model-state entry of model '"
              + modelId
              + "' has format "
              + format
              + ", this trainer reads formats "
              + FORMAT_SINGLE
              + " and "
              + FORMAT_POPULATION
              + ": run the trainer version that wrote it, or reset the application's state");
    }
    long examplesAtSnapshot = buffer.getLong();
    long lastSnapshotMillis = buffer.getLong();
    byte[] snapshot = new byte[buffer.remaining()];
    buffer.get(snapshot);
    if (format == FORMAT_POPULATION) {
      PopulationCodec.Published published = PopulationCodec.decodePublished(snapshot, null);
      return new LiveModel(
          new PopulationModel(PopulationLearner.restore(published.state())),
          published.version(),
          examplesAtSnapshot,
          lastSnapshotMillis);
    }
    ModelState state = SnapshotCodec.decode(snapshot);
    OnlineLearner learner = OnlineLearner.restore(state);
    return new LiveModel(learner, state.version(), examplesAtSnapshot, lastSnapshotMillis);
  }

  /**
   * The wall-clock time of the model's last snapshot, read from the header alone (no decoding).
   *
   * @throws IllegalStateException if the bytes are too short for a header
   */
  public static long lastSnapshotMillis(String modelId, byte[] bytes) {
    if (bytes.length < HEADER_BYTES) {
      throw new IllegalStateException(
          "model-state entry of model '" + modelId + "' is truncated (" + bytes.length + " bytes)");
    }
    return ByteBuffer.wrap(bytes).getLong(4 + 2 + 8);
  }
}
