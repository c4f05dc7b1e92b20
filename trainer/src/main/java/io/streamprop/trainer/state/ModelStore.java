package io.streamprop.trainer.state;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * The {@code model-state} store: live learners in memory, written through to a changelogged
 * key-value store (model id → {@link StoredModel}) once per commit, not once per example.
 *
 * <p>Why this shape. Serializing a model per example would cost far more than training it, so the
 * learners stay live in memory and only the models that changed are written, right before Kafka
 * Streams commits. The hook for "right before" is the one Streams' own record caches use: under
 * exactly-once, {@code StreamTask.prepareCommit} calls {@link #flushCache()} on every store that is
 * a {@link CachedStateStore}, then flushes the producer, then commits the transaction holding both
 * the changelog records and the input offsets. ({@link StateStore#commit} is too late under
 * exactly-once: it runs only when a checkpoint is written, after the transaction.) So every example
 * whose offset is committed is in the committed changelog, and a crash at any instant restores
 * exactly the committed models. {@code CachedStateStore} lives in a Streams {@code internals}
 * package; {@code ModelStoreTest} and the crash-recovery integration test pin the behaviour.
 *
 * <p>Models are loaded from the inner store on first access, after restoration has finished (a
 * processor's {@code init} runs after its task restored its stores).
 */
public final class ModelStore implements StateStore, CachedStateStore<String, byte[]> {
  private final KeyValueStore<String, byte[]> changelogged;
  private final TreeMap<String, LiveModel> live = new TreeMap<>();
  private boolean loaded;

  /** Wraps a changelogged store of the same name. */
  public ModelStore(KeyValueStore<String, byte[]> changelogged) {
    this.changelogged = changelogged;
  }

  @Override
  public String name() {
    return changelogged.name();
  }

  @Override
  public void init(StateStoreContext context, StateStore root) {
    // The inner store registers `root` (this store, or a Streams wrapper around it) for
    // restoration and commits, so Streams calls our flushCache/commit.
    changelogged.init(context, root);
    live.clear();
    loaded = false;
  }

  /** The model, or null if this task holds none of that id. */
  public LiveModel get(String modelId) {
    ensureLoaded();
    return live.get(modelId);
  }

  /** Adds or replaces a model; it is written at the next commit. */
  public void put(String modelId, LiveModel model) {
    ensureLoaded();
    model.markDirty();
    live.put(modelId, model);
  }

  /** Deletes a model now (a tombstone in the changelog). */
  public void delete(String modelId) {
    ensureLoaded();
    live.remove(modelId);
    changelogged.delete(modelId);
  }

  /** The ids of every model of this task, sorted (so housekeeping runs in a fixed order). */
  public List<String> modelIds() {
    ensureLoaded();
    return new ArrayList<>(live.keySet());
  }

  private void ensureLoaded() {
    if (loaded) {
      return;
    }
    live.clear();
    try (KeyValueIterator<String, byte[]> it = changelogged.all()) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> entry = it.next();
        live.put(entry.key, StoredModel.decode(entry.key, entry.value));
      }
    }
    loaded = true;
  }

  /**
   * Writes every model that changed since the last commit to the changelogged store. Kafka Streams
   * calls this before each commit; the writes join the transaction that commits the offsets.
   */
  @Override
  public void flushCache() {
    if (!loaded) {
      return;
    }
    for (Map.Entry<String, LiveModel> entry : live.entrySet()) {
      LiveModel model = entry.getValue();
      if (model.dirty()) {
        changelogged.put(entry.getKey(), StoredModel.encode(model));
        model.markClean();
      }
    }
  }

  /** Forgets the live models (Streams may have restored into the inner store directly). */
  @Override
  public void clearCache() {
    live.clear();
    loaded = false;
  }

  @Override
  public boolean setFlushListener(
      CacheFlushListener<String, byte[]> listener, boolean sendOldValues) {
    return false;
  }

  @Override
  @SuppressWarnings("deprecation")
  public void flush() {
    flushCache();
    changelogged.flush();
  }

  @Override
  public void commit(Map<TopicPartition, Long> changelogOffsets) {
    flushCache();
    changelogged.commit(changelogOffsets);
  }

  @Override
  @SuppressWarnings("deprecation")
  public boolean managesOffsets() {
    return changelogged.managesOffsets();
  }

  @Override
  public Long committedOffset(TopicPartition partition) {
    return changelogged.committedOffset(partition);
  }

  @Override
  public void close() {
    live.clear();
    loaded = false;
    changelogged.close();
  }

  @Override
  public boolean persistent() {
    return changelogged.persistent();
  }

  @Override
  public boolean isOpen() {
    return changelogged.isOpen();
  }

  @Override
  public Position getPosition() {
    return changelogged.getPosition();
  }
}
