package io.streamprop.scorer.registry;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.streamprop.wire.SigningKey;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models being served, by name. Each decoded model is an immutable {@link ServedModel}; a new
 * version replaces the old one by a single atomic update, so a request that looked a model up keeps
 * using the version it got (no request sees half a model) and later requests see the new one.
 *
 * <p>Two kinds: {@link #ModelRegistry() unbounded} keeps every decoded model in memory; {@link
 * #bounded bounded} keeps every model's {@link ModelSummary} in memory, its latest snapshot bytes
 * in a {@link SnapshotStore} on disk, and decoded models in a cache bounded by an estimate of their
 * bytes ({@link #weight}). A request for a model the cache evicted waits while it is decoded again
 * from the store (one decode however many requests wait), bit for bit the model it was; the wait is
 * counted in {@code streamprop.models.load.wait} and logged. Versions only go up: the summary,
 * never evicted, holds the served version that every newer snapshot is checked against.
 *
 * <p>Writes come from the snapshot consumer thread; reads come from any request thread.
 */
public final class ModelRegistry implements MeterBinder {
  private static final Logger log = LoggerFactory.getLogger(ModelRegistry.class);

  /**
   * Bytes a decoded model costs besides its snapshot's bytes and its spec's text: the objects of
   * its network, normalizers, spec and metadata. Measured by {@code scorer/bench/many-models.sh}:
   * 10,000 models of 8 inputs and one hidden layer of 16 (snapshots of 3,242 bytes, specs of about
   * 530 characters) took about 9.3 KB of heap each after a full GC, so about 5 KB besides; rounded
   * up so that the cache's bound errs on the side of the heap.
   */
  static final int OVERHEAD_BYTES = 6144;

  /** Longest gap between two log lines about requests waiting on loads; in between, DEBUG. */
  private static final long LOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

  /** A served model: its summary, and the decoded model itself when it is never evicted. */
  private record Entry(
      ModelSummary summary, ServedModel pinned, Instant recordTimestamp, Instant loadedAt) {}

  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
  private final SnapshotStore store; // null: unbounded, every model pinned
  private final ModelLoader reloader;
  private final Cache<String, ServedModel> cache;
  private final long maxBytes;

  private final LongAdder loads = new LongAdder();
  private final LongAdder loadNanos = new LongAdder();
  private final LongAdder waits = new LongAdder();
  private final LongAdder waitNanos = new LongAdder();
  private final LongAdder failedLoads = new LongAdder();
  private final AtomicLong nextLog = new AtomicLong(System.nanoTime());
  private final AtomicLong waitsSinceLog = new AtomicLong();

  /** A registry that keeps every model decoded in memory. */
  public ModelRegistry() {
    this.store = null;
    this.reloader = null;
    this.cache = null;
    this.maxBytes = Long.MAX_VALUE;
  }

  private ModelRegistry(SnapshotStore store, long maxBytes, Clock clock, SigningKey signingKey) {
    this.store = store;
    this.maxBytes = maxBytes;
    this.reloader = new ModelLoader(this, clock, signingKey);
    this.cache =
        Caffeine.newBuilder()
            .maximumWeight(maxBytes)
            .weigher((String name, ServedModel model) -> weight(model))
            .executor(Runnable::run) // evict on the writing thread: no pool, bounded at once
            .build();
  }

  /**
   * A registry that keeps decoded models within {@code maxBytes} (by {@link #weight}) and every
   * snapshot's bytes in {@code store}, decoding an evicted model again on demand.
   *
   * @param signingKey the key snapshots were verified with when first loaded, or null
   */
  public static ModelRegistry bounded(
      SnapshotStore store, long maxBytes, Clock clock, SigningKey signingKey) {
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes must be at least 1, got " + maxBytes);
    }
    return new ModelRegistry(store, maxBytes, clock, signingKey);
  }

  /**
   * The estimated heap bytes of a decoded model: its snapshot's bytes (weights and optimizer state,
   * more than the predictor keeps), its spec as text, and {@link #OVERHEAD_BYTES}.
   */
  static int weight(ServedModel model) {
    long bytes =
        OVERHEAD_BYTES
            + (long) model.info().snapshotBytes()
            + 2L * model.info().specJson().length();
    return (int) Math.min(Integer.MAX_VALUE, bytes);
  }

  /**
   * The model served under this name, or null. In a bounded registry, a model not in memory is
   * decoded from the store first: the caller waits (see the class comment).
   */
  public ServedModel get(String name) {
    Entry entry = entries.get(name);
    if (entry == null) {
      return null;
    }
    if (entry.pinned() != null) {
      return entry.pinned();
    }
    // The writer updates the summary before the cache: a cached model older than the summary it
    // was looked up under is about to be replaced, and is decoded anew rather than served.
    long served = entry.summary().version();
    ServedModel cached = cache.getIfPresent(name);
    if (cached != null && cached.version() >= served) {
      return cached;
    }
    long start = System.nanoTime();
    ServedModel loaded =
        cache
            .asMap()
            .compute(
                name, (key, held) -> held != null && held.version() >= served ? held : reload(key));
    long waited = System.nanoTime() - start;
    waits.increment();
    waitNanos.add(waited);
    logWait(name, loaded, waited);
    return loaded;
  }

  /**
   * Decodes a model from the store (inside the cache's computation, so once per miss). Returns null
   * if it was retired meanwhile. A newer snapshot stored meanwhile is decoded instead: the model
   * returned is always the version the summary names.
   */
  private ServedModel reload(String name) {
    long start = System.nanoTime();
    try {
      while (true) {
        Entry entry = entries.get(name);
        byte[] bytes = entry == null ? null : store.get(name);
        if (bytes == null) {
          return null;
        }
        if (entry.pinned() != null) {
          return entry.pinned();
        }
        ServedModel model = reloader.reload(name, bytes, entry.recordTimestamp(), entry.loadedAt());
        Entry now = entries.get(name);
        if (now != null && now.summary().version() == model.version()) {
          return model;
        }
      }
    } catch (SnapshotRejectedException e) {
      // It decoded when it first arrived: the local store's file must be damaged.
      failedLoads.increment();
      log.error("model '{}' cannot be decoded again from the local snapshot store", name, e);
      return null;
    } finally {
      loads.increment();
      loadNanos.add(System.nanoTime() - start);
    }
  }

  private void logWait(String name, ServedModel model, long waitedNanos) {
    long now = System.nanoTime();
    long next = nextLog.get();
    long skipped = waitsSinceLog.incrementAndGet() - 1;
    String version = model == null ? "none" : Long.toString(model.version());
    if (now - next >= 0 && nextLog.compareAndSet(next, now + LOG_EVERY_NANOS)) {
      waitsSinceLog.set(0);
      log.info(
          "a request waited {} ms for model '{}' version {} to be decoded from the local store"
              + " ({} more such waits in the last 10 s; streamprop_models_load_wait)",
          String.format("%.1f", waitedNanos / 1e6),
          name,
          version,
          skipped);
    } else if (log.isDebugEnabled()) {
      log.debug(
          "a request waited {} ms for model '{}' version {}",
          String.format("%.1f", waitedNanos / 1e6),
          name,
          version);
    }
  }

  /** True if a model is served under this name (it is not decoded to answer). */
  public boolean contains(String name) {
    return entries.containsKey(name);
  }

  /** The served version of a model, or -1 if none is served. */
  public long servedVersion(String name) {
    Entry entry = entries.get(name);
    return entry == null ? -1 : entry.summary().version();
  }

  /** The summary of a served model (not decoded to answer), or null. */
  public ModelSummary summary(String name) {
    Entry entry = entries.get(name);
    return entry == null ? null : entry.summary();
  }

  /**
   * Serves {@code candidate} if its version is newer than the one served (or none is served), and
   * keeps it in memory for good.
   *
   * @return true if it was swapped in, false if the served version is the same or newer
   */
  public boolean swapIfNewer(ServedModel candidate) {
    return swap(candidate, null);
  }

  /**
   * Serves {@code candidate}, decoded from {@code bytes}, if its version is newer than the one
   * served. A bounded registry stores the bytes and caches the decoded model (it may be evicted at
   * once); an unbounded one keeps the model. Writer thread only.
   *
   * @return true if it was swapped in, false if the served version is the same or newer
   */
  public boolean swapIfNewer(ServedModel candidate, byte[] bytes) {
    return swap(candidate, store == null ? null : bytes);
  }

  private boolean swap(ServedModel candidate, byte[] bytes) {
    AtomicBoolean swapped = new AtomicBoolean();
    entries.compute(
        candidate.name(),
        (name, served) -> {
          if (served != null && candidate.version() <= served.summary().version()) {
            return served;
          }
          swapped.set(true);
          if (bytes != null) {
            store.put(name, bytes);
          } else if (store != null) {
            store.remove(name); // kept in memory from now on
          }
          return new Entry(
              ModelSummary.of(candidate),
              bytes == null ? candidate : null,
              candidate.info().snapshotCreatedAt(),
              candidate.info().loadedAt());
        });
    if (swapped.get() && cache != null) {
      if (bytes != null) {
        cache.put(candidate.name(), candidate);
      } else {
        cache.invalidate(candidate.name());
      }
    }
    return swapped.get();
  }

  /**
   * Stops serving a model (a tombstone). Writer thread only.
   *
   * @return the summary of the model that was served, or null
   */
  public ModelSummary remove(String name) {
    Entry removed = entries.remove(name);
    if (store != null) {
      store.remove(name);
      cache.invalidate(name);
    }
    return removed == null ? null : removed.summary();
  }

  /** One page of the served models: the models, and the name to list after for the next page. */
  public record Page(List<ServedModel> models, String nextAfter) {}

  /** All served models, sorted by name (see {@link #page}). */
  public List<ServedModel> all() {
    return page(null, Integer.MAX_VALUE).models();
  }

  /**
   * Up to {@code limit} served models whose names sort after {@code after} (from the first when
   * null), sorted by name; {@code nextAfter} is the last name listed when more follow, else null. A
   * bounded registry decodes the models it does not hold without caching them, so a listing does
   * not evict the models requests use, and its cost is bounded by the page.
   */
  public Page page(String after, int limit) {
    List<String> names = new ArrayList<>();
    for (String name : entries.keySet()) {
      if (after == null || name.compareTo(after) > 0) {
        names.add(name);
      }
    }
    names.sort(null);
    List<ServedModel> page = new ArrayList<>(Math.min(limit, names.size()));
    int next = 0;
    while (next < names.size() && page.size() < limit) {
      ServedModel model = listed(names.get(next++));
      if (model != null) {
        page.add(model);
      }
    }
    String nextAfter =
        next < names.size() && !page.isEmpty() ? page.get(page.size() - 1).name() : null;
    return new Page(page, nextAfter);
  }

  /** The model under this name for a listing, decoded without caching if evicted; or null. */
  private ServedModel listed(String name) {
    Entry entry = entries.get(name);
    if (entry == null) {
      return null;
    }
    if (entry.pinned() != null) {
      return entry.pinned();
    }
    ServedModel model = cache.getIfPresent(name);
    return model != null ? model : reload(name);
  }

  /** Models served. */
  public int size() {
    return entries.size();
  }

  /** Decoded models held by a bounded registry's cache; for an unbounded one, every model. */
  public long cachedModels() {
    return cache == null ? entries.size() : cache.estimatedSize();
  }

  /** Estimated bytes of the decoded models in the cache (0 for an unbounded registry). */
  public long cachedBytes() {
    return cache == null ? 0 : cache.policy().eviction().orElseThrow().weightedSize().orElse(0);
  }

  /** Decodes of evicted models so far. */
  public long loads() {
    return loads.sum();
  }

  /** Runs the cache's pending evictions now (for tests and measurements). */
  void cleanUp() {
    if (cache != null) {
      cache.cleanUp();
    }
  }

  /**
   * Registers the cache's meters: {@code streamprop.models.cached} and {@code
   * streamprop.models.cached.bytes} (with the bound as {@code streamprop.models.cache.max.bytes}),
   * {@code streamprop.models.loads} (decodes of evicted models, with their time), {@code
   * streamprop.models.load.wait} (requests that waited on one, with the time they waited), {@code
   * streamprop.models.load.failures}, and the store's {@code streamprop.snapshot.store.bytes}.
   */
  @Override
  public void bindTo(MeterRegistry registry) {
    if (cache == null) {
      return;
    }
    Gauge.builder("streamprop.models.cached", this, ModelRegistry::cachedModels)
        .description("Decoded models held in memory")
        .register(registry);
    Gauge.builder("streamprop.models.cached.bytes", this, ModelRegistry::cachedBytes)
        .description("Estimated heap bytes of the decoded models held in memory")
        .baseUnit("bytes")
        .register(registry);
    Gauge.builder("streamprop.models.cache.max.bytes", this, r -> r.maxBytes)
        .description("Bound of streamprop.models.cached.bytes")
        .baseUnit("bytes")
        .register(registry);
    FunctionTimer.builder(
            "streamprop.models.loads",
            this,
            r -> r.loads.sum(),
            r -> r.loadNanos.sum(),
            TimeUnit.NANOSECONDS)
        .description("Decodes of models evicted from memory, from the local snapshot store")
        .register(registry);
    FunctionTimer.builder(
            "streamprop.models.load.wait",
            this,
            r -> r.waits.sum(),
            r -> r.waitNanos.sum(),
            TimeUnit.NANOSECONDS)
        .description("Requests that waited for a model to be decoded, and the time they waited")
        .register(registry);
    FunctionCounter.builder("streamprop.models.load.failures", this, r -> r.failedLoads.sum())
        .description("Models that could not be decoded again from the local snapshot store")
        .register(registry);
    Gauge.builder("streamprop.snapshot.store.bytes", store, SnapshotStore::fileBytes)
        .description("Bytes of the local snapshot store's file, replaced snapshots included")
        .baseUnit("bytes")
        .register(registry);
  }
}
