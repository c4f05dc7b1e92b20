package io.streamprop.trainer.state;

import io.streamprop.learn.OnlineLearner;
import io.streamprop.learn.state.ModelState;
import io.streamprop.wire.SnapshotCodec;
import java.nio.ByteBuffer;

/**
 * The value of one model in the changelogged {@code model-state} store: a small trainer header
 * followed by a complete snapshot ({@link SnapshotCodec}) of the learner, whose state includes the
 * optimizer moments, the normalizer and the partly filled mini-batch.
 *
 * <pre>
 * magic "SPTM" (4 bytes) | format u16 = 1 | examplesAtSnapshot i64 | lastSnapshotMillis i64
 * | snapshot bytes (the rest; its model version is the last published version)
 * </pre>
 */
public final class StoredModel {
  private StoredModel() {}

  private static final int MAGIC = 0x5350544D; // "SPTM"
  private static final short FORMAT = 1;
  private static final int HEADER_BYTES = 4 + 2 + 8 + 8;

  /** Serializes the whole model; called once per commit for each model that changed. */
  public static byte[] encode(LiveModel model) {
    byte[] snapshot = SnapshotCodec.encode(model.learner().state().withVersion(model.version()));
    ByteBuffer buffer = ByteBuffer.allocate(HEADER_BYTES + snapshot.length);
    buffer.putInt(MAGIC).putShort(FORMAT);
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
    if (format != FORMAT) {
      throw new IllegalStateException(
          "model-state entry of model '"
              + modelId
              + "' has format "
              + format
              + ", this trainer reads format "
              + FORMAT
              + ": run the trainer version that wrote it, or reset the application's state");
    }
    long examplesAtSnapshot = buffer.getLong();
    long lastSnapshotMillis = buffer.getLong();
    byte[] snapshot = new byte[buffer.remaining()];
    buffer.get(snapshot);
    ModelState state = SnapshotCodec.decode(snapshot);
    OnlineLearner learner = OnlineLearner.restore(state);
    return new LiveModel(learner, state.version(), examplesAtSnapshot, lastSnapshotMillis);
  }
}
