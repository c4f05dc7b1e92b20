package io.streamprop.trainer.state;

import io.streamprop.spec.ModelSpec;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
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
 * The {@code model-state} store: a bounded cache of live learners over a changelogged key-value
 * store (model id → {@link StoredModel}), written through once per commit, not once per example.
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
 * <p><b>Bounded memory.</b> The live models are a least-recently-used cache bounded by an estimate
 * of their heap bytes ({@link ModelHeap#estimate}, from the size of their stored state), with
 * TinyLFU admission ({@link FrequencySketch}): a model is loaded (decoded from the inner store) on
 * its first use, never all at once; when the cache is full it enters only if it was used more often
 * recently than the least recently used model, which then leaves, a changed one written to the
 * inner store first; otherwise it passes through, written once the next model comes or at the
 * flush. That write is as exactly-once as the one in {@link #flushCache()}: it happens while the
 * task processes a record or a punctuation, so the changelogged store's {@code put} sends the
 * changelog record through the task's producer inside the transaction that is open until the next
 * commit, the transaction that commits the offsets of the examples the model learned. A crash
 * aborts both; the restore reads committed records only. A reloaded model is bit-identical to the
 * evicted one (the stored state is the complete learner, pending mini-batch included).
 *
 * <p>Every model of the task, live or not, keeps its id in a sorted set (housekeeping walks it)
 * and, while it owes a snapshot, an entry in the {@link SnapshotQueue}: about 150 bytes. Both are
 * built on first access by one scan of the stored headers, after restoration; every stored model is
 * queued then, because only loading it tells whether it learned since its last snapshot.
 *
 * <p>A {@link LiveModel} returned by {@link #get} or given to {@link #put} may be evicted by the
 * next {@code get} or {@code put}: change it only before that. A change counts once the model is
 * marked dirty ({@link LiveModel#markDirty}): the model tells its store, and the flush before a
 * commit writes exactly the models that did, without walking the others.
 */
public final class ModelStore implements StateStore, CachedStateStore<String, byte[]> {
  private final KeyValueStore<String, byte[]> changelogged;
  private final ModelCacheBudget budget;
  private final int snapshotsPerCommit;
  private final boolean admission;
  // Access order: the eldest entry is the least recently used model.
  private final LinkedHashMap<String, Cached> live = new LinkedHashMap<>(256, 0.75f, true);
  // The live models that became dirty since the last flush, in that order: the flush writes these
  // instead of walking every live model (a cache of 100,000 models, 10 commits a second).
  private final ArrayList<Cached> dirty = new ArrayList<>();
  private final TreeSet<String> ids = new TreeSet<>();
  // Recent uses of each model, which decide whether a model may evict another.
  private FrequencySketch uses = new FrequencySketch(0);
  // A model that was not admitted (see admit): held until the next admission or flush.
  private Cached passing;
  private final SnapshotQueue snapshots = new SnapshotQueue();
  private long liveBytes;
  private ModelSpec lastPutSpec;
  private long lastPutEstimate;
  private boolean indexed;
  private int snapshotsSinceCommit;
  private long loads;
  private long evictions;
  private Runnable beforeWrite = () -> {};

  /** A live model and its counted heap bytes; told when the model becomes dirty, it joins them. */
  private final class Cached implements Runnable {
    final String id;
    final LiveModel model;
    long bytes;
    boolean gone; // left the cache (evicted, written first if it was dirty; replaced; deleted)

    Cached(String id, LiveModel model, long bytes) {
      this.id = id;
      this.model = model;
      this.bytes = bytes;
    }

    @Override
    public void run() {
      if (!gone) {
        dirty.add(this);
      }
    }
  }

  /**
   * @param changelogged the inner store of the same name
   * @param budget bound of the live models' estimated heap bytes, shared with the process's other
   *     stores (at least one model of this store stays live)
   * @param snapshotsPerCommit most snapshots published between two commits ({@link #trySnapshot})
   */
  public ModelStore(
      KeyValueStore<String, byte[]> changelogged, ModelCacheBudget budget, int snapshotsPerCommit) {
    this(changelogged, budget, snapshotsPerCommit, true);
  }

  /**
   * With {@code admission} false the cache is a plain least-recently-used one (every model loaded
   * or put enters it): the baseline of the cache's benchmark ({@code ModelCacheThroughput}).
   */
  public ModelStore(
      KeyValueStore<String, byte[]> changelogged,
      ModelCacheBudget budget,
      int snapshotsPerCommit,
      boolean admission) {
    if (snapshotsPerCommit < 1) {
      throw new IllegalArgumentException(
          "snapshotsPerCommit must be >= 1, got " + snapshotsPerCommit);
    }
    this.changelogged = changelogged;
    this.budget = budget;
    this.snapshotsPerCommit = snapshotsPerCommit;
    this.admission = admission;
  }

  /** Unbounded (for tests): every model stays live, snapshots are not limited. */
  public ModelStore(KeyValueStore<String, byte[]> changelogged) {
    this(changelogged, new ModelCacheBudget(Long.MAX_VALUE), Integer.MAX_VALUE);
  }

  /** Runs before the store encodes a live model: the trainer drains its learning lane there. */
  public void beforeWrite(Runnable hook) {
    this.beforeWrite = hook == null ? () -> {} : hook;
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
    forget();
  }

  /** The model (loaded from the inner store if it is not live), or null if this task has none. */
  public LiveModel get(String modelId) {
    ensureIndexed();
    Cached cached = live.get(modelId);
    if (cached == null && passing != null && passing.id.equals(modelId)) {
      cached = passing;
    }
    if (cached != null) {
      uses.increment(modelId);
      return cached.model;
    }
    if (!ids.contains(modelId)) {
      return null;
    }
    byte[] bytes = changelogged.get(modelId);
    LiveModel model = StoredModel.decode(modelId, bytes);
    loads++;
    admit(new Cached(modelId, model, ModelHeap.estimate(bytes.length)));
    return model;
  }

  /** Adds or replaces a model; it is written at the next commit or when it is evicted. */
  public void put(String modelId, LiveModel model) {
    ensureIndexed();
    model.markDirty();
    drop(modelId);
    if (ids.add(modelId) && ids.size() > uses.width()) {
      uses = new FrequencySketch(2 * ids.size()); // grown with the models, its counts restart
    }
    admit(new Cached(modelId, model, estimate(model)));
  }

  /**
   * The heap estimate of a model put here: that of the last model put with the same spec instance
   * (models of one spec store the same arrays; {@link #flushCache} re-estimates every model it
   * writes), else from encoding it once. A new model is put once per model id, so without this
   * every first example would pay a whole encode to learn its size.
   */
  private long estimate(LiveModel model) {
    ModelSpec spec = model.trained().spec();
    if (spec != lastPutSpec) {
      lastPutEstimate = ModelHeap.estimate(StoredModel.encode(model).length);
      lastPutSpec = spec;
    }
    return lastPutEstimate;
  }

  /** Deletes a model now (a tombstone in the changelog). */
  public void delete(String modelId) {
    ensureIndexed();
    drop(modelId);
    ids.remove(modelId);
    snapshots.remove(modelId);
    changelogged.delete(modelId);
  }

  /** The ids of every model of this task, sorted (so housekeeping runs in a fixed order). */
  public List<String> modelIds() {
    ensureIndexed();
    return new ArrayList<>(ids);
  }

  /** Up to {@code limit} model ids after {@code after} (null: from the first), sorted. */
  public List<String> modelIdsAfter(String after, int limit) {
    ensureIndexed();
    List<String> page = new ArrayList<>(Math.min(limit, ids.size()));
    for (String id : after == null ? ids : ids.tailSet(after, false)) {
      if (page.size() == limit) {
        break;
      }
      page.add(id);
    }
    return page;
  }

  /** How many models this task has, live or stored. */
  public int size() {
    ensureIndexed();
    return ids.size();
  }

  /** How many models are live, and their estimated heap bytes. */
  public int liveModels() {
    return live.size();
  }

  public long liveBytes() {
    return liveBytes;
  }

  /** Models decoded from the inner store, and models evicted, since this store was opened. */
  public long loads() {
    return loads;
  }

  public long evictions() {
    return evictions;
  }

  /** The model owes a snapshot at {@code dueAtMillis} ({@link Long#MAX_VALUE}: at shutdown). */
  public void snapshotDue(String modelId, long dueAtMillis) {
    ensureIndexed();
    snapshots.schedule(modelId, dueAtMillis);
  }

  /** The model's queued due time, or null if it owes no snapshot. */
  public Long snapshotDueAt(String modelId) {
    ensureIndexed();
    return snapshots.dueAt(modelId);
  }

  /** Up to {@code limit} models whose snapshot is due at {@code nowMillis}, earliest due first. */
  public List<String> snapshotsDue(long nowMillis, int limit) {
    ensureIndexed();
    return snapshots.due(nowMillis, limit);
  }

  /** The model owes no snapshot (it published one, or it learned nothing since its last). */
  public void snapshotDone(String modelId) {
    snapshots.remove(modelId);
  }

  /** How many models owe a snapshot. */
  public int snapshotsOwed() {
    ensureIndexed();
    return snapshots.size();
  }

  /**
   * Takes one snapshot from this commit's allowance: false once {@code snapshotsPerCommit} were
   * taken since the last commit (the caller queues the model), so a transaction stays bounded.
   */
  public boolean trySnapshot() {
    if (snapshotsSinceCommit >= snapshotsPerCommit) {
      return false;
    }
    snapshotsSinceCommit++;
    return true;
  }

  /**
   * Makes a model just loaded or put live, unless the cache is full and it was used no more often
   * than the one it would evict ({@link FrequencySketch}): then it passes through, held until the
   * next admission or flush and written then if it changed. Counted as used after the decision, so
   * a stream cycling through more models than fit keeps the cache's models, not replacing them.
   */
  private void admit(Cached cached) {
    letPassingGo();
    cached.model.onDirty(cached);
    if (cached.model.dirty()) {
      dirty.add(cached);
    }
    boolean full = admission && !live.isEmpty() && budget.over(cached.bytes);
    if (full && uses.frequency(cached.id) <= uses.frequency(live.keySet().iterator().next())) {
      passing = cached;
    } else {
      live.put(cached.id, cached);
      count(cached.bytes);
      evictWhileOver();
    }
    uses.increment(cached.id);
  }

  /** Writes the model passing through if it changed, and lets it go. */
  private void letPassingGo() {
    if (passing != null) {
      if (passing.model.dirty()) {
        beforeWrite.run();
        changelogged.put(passing.id, StoredModel.encode(passing.model));
        passing.model.markClean();
      }
      release(passing);
      passing = null;
    }
  }

  /** Removes a model from memory without writing it (it is replaced or deleted). */
  private void drop(String modelId) {
    Cached old = live.remove(modelId);
    if (old != null) {
      leave(old);
    }
    if (passing != null && passing.id.equals(modelId)) {
      release(passing);
      passing = null;
    }
  }

  /** Uncounts a model that left the cache; the flush skips it from now on. */
  private void leave(Cached cached) {
    release(cached);
    count(-cached.bytes);
  }

  /** The model is no longer this store's: the flush skips it and it no longer reports changes. */
  private static void release(Cached cached) {
    cached.gone = true;
    cached.model.onDirty(null);
  }

  /** Evicts the least recently used models while the shared budget is exceeded. */
  private void evictWhileOver() {
    Iterator<Map.Entry<String, Cached>> eldest = live.entrySet().iterator();
    // The model just admitted is the newest entry: it always stays.
    while (budget.over() && live.size() > 1) {
      Map.Entry<String, Cached> entry = eldest.next();
      Cached evicted = entry.getValue();
      if (evicted.model.dirty()) {
        beforeWrite.run();
        changelogged.put(entry.getKey(), StoredModel.encode(evicted.model));
        evicted.model.markClean();
      }
      eldest.remove();
      leave(evicted);
      evictions++;
    }
  }

  /** Indexes the ids and the stored models' last snapshot times, reading headers only. */
  private void ensureIndexed() {
    if (indexed) {
      return;
    }
    forget();
    try (KeyValueIterator<String, byte[]> it = changelogged.all()) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> entry = it.next();
        ids.add(entry.key);
        // Whether it learned since that snapshot is known once loaded: housekeeping checks.
        snapshots.schedule(entry.key, StoredModel.lastSnapshotMillis(entry.key, entry.value));
      }
    }
    uses = new FrequencySketch(2 * ids.size());
    indexed = true;
  }

  private void forget() {
    live.values().forEach(ModelStore::release);
    if (passing != null) {
      release(passing);
      passing = null;
    }
    live.clear();
    dirty.clear();
    ids.clear();
    snapshots.clear();
    count(-liveBytes);
    indexed = false;
  }

  /** Counts live bytes here and in the shared budget. */
  private void count(long bytes) {
    liveBytes += bytes;
    budget.add(bytes);
  }

  /**
   * Writes every live model that changed since it was last written to the changelogged store, and
   * renews the snapshot allowance. Kafka Streams calls this before each commit; the writes join the
   * transaction that commits the offsets.
   */
  @Override
  public void flushCache() {
    beforeWrite.run();
    snapshotsSinceCommit = 0;
    if (!indexed) {
      return;
    }
    for (Cached cached : dirty) {
      if (!cached.gone && cached.model.dirty()) {
        byte[] bytes = StoredModel.encode(cached.model);
        changelogged.put(cached.id, bytes);
        cached.model.markClean();
        // The estimate follows the model (a population's members change their widths).
        long estimate = ModelHeap.estimate(bytes.length);
        count(estimate - cached.bytes);
        cached.bytes = estimate;
      }
    }
    dirty.clear();
    letPassingGo(); // written above if it changed
    // An idle task sheds its share too (its models are clean now: eviction writes nothing).
    evictWhileOver();
  }

  /** Forgets the live models (Streams may have restored into the inner store directly). */
  @Override
  public void clearCache() {
    forget();
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
    forget();
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
