package io.streamprop.trainer.state;

import static io.streamprop.trainer.testing.States.assertSameModel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamprop.learn.OnlineLearner;
import io.streamprop.nn.kernel.Kernels;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import io.streamprop.trainer.testing.Dataset;
import io.streamprop.trainer.testing.HeapWalk;
import java.time.Duration;
import java.util.Arrays;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.internals.CachedStateStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The model store writes live models through to its inner store only before commits. */
class ModelStoreTest {
  static final Dataset IRIS = Dataset.load("iris.csv", 150);
  static final ModelSpec SPEC =
      SpecJson.parse("{\"inputs\": 4, \"classes\": 3, \"hidden\": [8], \"batch_size\": 4}");

  private KeyValueStore<String, byte[]> inner;
  private ModelStore store;

  @BeforeEach
  void open() {
    inner =
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore("model-state"), Serdes.String(), Serdes.ByteArray())
            .withLoggingDisabled()
            .build();
    store = new ModelStore(inner);
    MockProcessorContext<String, byte[]> context = new MockProcessorContext<>();
    store.init(context.getStateStoreContext(), store);
  }

  private static LiveModel trained(int rows) {
    OnlineLearner learner = OnlineLearner.create(SPEC);
    for (int i = 0; i < rows; i++) {
      learner.learn(IRIS.features().get(i), IRIS.labels().get(i));
    }
    return new LiveModel(learner, 3, 40, 1234);
  }

  @Test
  void modelStore_isACachedStateStore_soStreamsFlushesItBeforeEveryCommit() {
    // StreamTask.prepareCommit flushes exactly the stores that implement this interface.
    assertThat(store).isInstanceOf(CachedStateStore.class);
  }

  @Test
  void learnedModel_reachesTheInnerStoreOnFlushCache_notBefore() {
    LiveModel model = trained(42);
    store.put("iris", model);
    assertThat(inner.get("iris")).isNull();

    store.flushCache();

    LiveModel stored = StoredModel.decode("iris", inner.get("iris"));
    assertSameModel(stored.learner().state(), model.learner().state());
    assertThat(stored.version()).isEqualTo(3);
    assertThat(stored.examplesAtSnapshot()).isEqualTo(40);
    assertThat(stored.lastSnapshotMillis()).isEqualTo(1234);
  }

  @Test
  void unchangedModel_isNotRewritten_changedOneIs() {
    LiveModel model = trained(10);
    store.put("iris", model);
    store.flushCache();
    byte[] marker = {1, 2, 3};
    inner.put("iris", marker);

    store.flushCache();
    assertThat(inner.get("iris")).isSameAs(marker);

    model.learner().learn(IRIS.features().get(10), IRIS.labels().get(10));
    model.markDirty();
    store.flushCache();
    assertThat(StoredModel.decode("iris", inner.get("iris")).learner().examples()).isEqualTo(11);
  }

  @Test
  void publishedModel_isWrittenAsItsSnapshotsBytes_andLetsThemGoOnceWritten() {
    LiveModel model = trained(10);
    store.put("iris", model);
    byte[] snapshot = model.trained().snapshot(4, 99, null);
    model.published(4, 99, snapshot);

    store.flushCache();

    byte[] stored = inner.get("iris");
    assertThat(Arrays.copyOfRange(stored, stored.length - snapshot.length, stored.length))
        .isEqualTo(snapshot);
    // Held only until written: a cached model does not keep a second copy of its state.
    assertThat(model.publishedBytes()).isNull();
    assertThat(StoredModel.decode("iris", stored).version()).isEqualTo(4);
  }

  @Test
  void storeReopenedOverTheSameData_resumesTheModelBitForBit() {
    LiveModel model = trained(57);
    store.put("iris", model);
    store.flushCache();

    ModelStore reopened = new ModelStore(inner);
    LiveModel resumed = reopened.get("iris");
    for (int i = 57; i < 150; i++) {
      model.learner().learn(IRIS.features().get(i), IRIS.labels().get(i));
      resumed.learner().learn(IRIS.features().get(i), IRIS.labels().get(i));
    }
    assertSameModel(resumed.learner().state(), model.learner().state());
    assertSameModel(resumed.learner().state(), IRIS.train(SPEC, 150).learner().state());
  }

  @Test
  void deletedModel_isGoneFromTheInnerStore_andFromTheIds() {
    store.put("a", trained(5));
    store.put("b", trained(6));
    store.flushCache();

    store.delete("a");

    assertThat(inner.get("a")).isNull();
    assertThat(store.modelIds()).containsExactly("b");
  }

  @Test
  void flushCache_writesTheModelsThatChangedSinceTheLastFlush_notDeletedOrReplacedOnes() {
    LiveModel a = trained(5);
    LiveModel b = trained(6);
    store.put("a", a);
    store.put("b", b);
    store.flushCache();
    learn(a, 5, 9); // changed after the flush, then deleted: nothing to write
    store.delete("a");
    learn(b, 6, 8); // changed after the flush and kept: written
    LiveModel c = trained(7);
    store.put("c", c);
    store.put("c", trained(3)); // replaced before any flush: only the newest is written

    store.flushCache();

    assertThat(inner.get("a")).isNull();
    assertThat(StoredModel.decode("b", inner.get("b")).learner().examples()).isEqualTo(8);
    assertThat(StoredModel.decode("c", inner.get("c")).learner().examples()).isEqualTo(3);
  }

  @Test
  void clearCache_dropsLiveModels_andReloadsWhatTheInnerStoreHolds() {
    store.put("iris", trained(8));
    store.clearCache();
    assertThat(store.modelIds()).as("never flushed, so never stored").isEmpty();
  }

  // ---- The bounded cache ----

  static final ModelSpec POPULATION_SPEC =
      SpecJson.parse("{\"inputs\": 4, \"classes\": 3, \"hidden\": [8], \"batch_size\": 4}")
          .withLearner(ModelSpec.Learner.POPULATION);

  /**
   * The estimate is honest: for models of several shapes (the many-models benchmark's 8→[16]→2
   * Adam, iris, a wider two-layer network, a population, a regression) it is at least the heap a
   * decoded model holds, counted field by field ({@link HeapWalk}; the spec, which the models of a
   * spec share, left out), and at most 1.6 times it, so the cache holds about as many models as its
   * bound says.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(
      strings = {
        "{'inputs': 8, 'classes': 2, 'hidden': [16], 'batch_size': 4, 'optimizer': {'name':"
            + " 'adam'}}",
        "{'inputs': 4, 'classes': 3, 'hidden': [8], 'batch_size': 4, 'learner': 'single'}",
        "{'inputs': 54, 'classes': 7, 'hidden': [64, 32], 'batch_size': 8, 'optimizer': {'name':"
            + " 'adam'}}",
        "{'inputs': 4, 'classes': 3, 'hidden': [8], 'batch_size': 4, 'learner': 'population'}",
        "{'inputs': 8, 'task': 'regression', 'hidden': [16], 'batch_size': 4, 'learner': 'single'}"
      })
  void heapEstimate_coversWhatADecodedModelHolds_withoutOvercountingIt(String json) {
    // What a model holds depends on the kernels it runs: measure with those of a warm process.
    if (Kernels.vectorAvailable()) {
      await().atMost(Duration.ofMinutes(2)).until(Kernels::vector);
    }
    ModelSpec spec = SpecJson.parse(json.replace('\'', '"'));
    LiveModel model = new LiveModel(TrainedModel.create(spec), 0, 0, 0);
    for (int i = 0; i < 10; i++) {
      float[] x = new float[spec.inputs()];
      x[i % x.length] = i;
      model.trained().learn(x, new float[] {i % 2}, 1f);
    }
    byte[] stored = StoredModel.encode(model);
    LiveModel decoded = StoredModel.decode("m", stored);
    // Teach the decoded model too, so that whatever a step allocates lazily is there.
    for (int i = 0; i < 8; i++) {
      decoded.trained().learn(new float[spec.inputs()], new float[] {i % 2}, 1f);
    }
    long held = HeapWalk.bytes(decoded, o -> o instanceof ModelSpec);
    long estimate = ModelHeap.estimate(stored.length);
    assertThat(estimate).as("estimate of %s bytes held", held).isBetween(held, held * 16 / 10);
  }

  private static long estimate(LiveModel model) {
    return ModelHeap.estimate(StoredModel.encode(model).length);
  }

  private ModelStore bounded(long maxBytes) {
    ModelStore bounded = new ModelStore(inner, new ModelCacheBudget(maxBytes), 1000);
    bounded.init(new MockProcessorContext<String, byte[]>().getStateStoreContext(), bounded);
    return bounded;
  }

  private static void learn(LiveModel model, int from, int to) {
    for (int i = from; i < to; i++) {
      model.trained().learn(IRIS.features().get(i), IRIS.labels().get(i), 1f);
    }
    model.markDirty();
  }

  @Test
  void evictedModel_isWrittenAtEviction_andReloadsBitForBit_pendingMiniBatchIncluded() {
    ModelStore small = bounded(estimate(trained(1)) + 1); // room for one model
    LiveModel model = new LiveModel(OnlineLearner.create(SPEC), 0, 0, 0);
    small.put("a", model);
    learn(model, 0, 42); // 42 = 10 mini-batches of 4 and 2 pending examples
    byte[] before = StoredModel.encode(model);
    assertThat(inner.get("a")).isNull();
    assertThat(StoredModel.decode("a", before).learner().state().examples()).isEqualTo(42);

    // b, used less than a, passes through; used three times, it evicts a when it comes again.
    small.put("b", trained(5));
    small.get("b");
    small.get("b");
    assertThat(inner.get("b")).isNull();
    small.put("c", trained(2)); // c passes through; b, which it replaced there, is written
    assertThat(inner.get("b")).isNotNull();
    assertThat(small.evictions()).isZero();
    assertThat(small.get("b").learner().examples()).isEqualTo(5); // evicts a (dirty): written now

    assertThat(small.liveModels()).isEqualTo(1);
    assertThat(small.evictions()).isEqualTo(1);
    assertThat(inner.get("a")).isNotNull();
    LiveModel reloaded = small.get("a");
    assertThat(reloaded).isNotSameAs(model);
    assertThat(small.loads()).isEqualTo(2);
    assertSameModel(reloaded.learner().state(), StoredModel.decode("a", before).learner().state());
    assertSameModel(reloaded.learner().state(), model.learner().state());
    assertThat(reloaded.learner().state().examples()).isEqualTo(42);

    learn(reloaded, 42, 150);
    assertSameModel(reloaded.learner().state(), IRIS.train(SPEC, 150).learner().state());
  }

  @Test
  void population_evictedAndReloadedMidStream_continuesBitForBitAsUninterrupted() {
    LiveModel uninterrupted = new LiveModel(TrainedModel.create(POPULATION_SPEC), 0, 0, 0);
    learn(uninterrupted, 0, 150);

    ModelStore small = bounded(1); // room for one model: a resident used more often than p
    small.put("resident", trained(3));
    for (int i = 0; i < 10; i++) {
      small.get("resident");
    }
    small.put("p", new LiveModel(TrainedModel.create(POPULATION_SPEC), 0, 0, 0));
    for (int from = 0; from < 150; from += 37) {
      learn(small.get("p"), from, Math.min(150, from + 37)); // p passes through, loaded
      small.put("other" + from, trained(3)); // p is written and let go
    }
    assertThat(small.loads()).isGreaterThanOrEqualTo(4);
    assertThat(StoredModel.encode(small.get("p"))).isEqualTo(StoredModel.encode(uninterrupted));
  }

  @Test
  void newModelsOfOneSpec_areEstimatedAsTheirEncodedState_andReEstimatedWhenWritten() {
    ModelStore counted = bounded(Long.MAX_VALUE);
    LiveModel a = new LiveModel(OnlineLearner.create(SPEC), 0, 0, 0);
    LiveModel b = new LiveModel(OnlineLearner.create(SPEC), 0, 0, 0);
    counted.put("a", a);
    counted.put("b", b); // same spec instance: the estimate of a, without encoding b
    assertThat(counted.liveBytes()).isEqualTo(estimate(a) + estimate(b));
    learn(a, 0, 150); // flushCache writes a, and estimates it again
    counted.flushCache();
    assertThat(counted.liveBytes()).isEqualTo(estimate(a) + estimate(b));
    LiveModel other =
        new LiveModel(
            OnlineLearner.create(
                SpecJson.parse("{\"inputs\": 4, \"classes\": 3, \"hidden\": [32]}")),
            0,
            0,
            0);
    counted.put("c", other); // another spec: estimated afresh
    assertThat(counted.liveBytes()).isEqualTo(estimate(a) + estimate(b) + estimate(other));
    assertThat(estimate(other)).isGreaterThan(estimate(b));
  }

  @Test
  void liveModels_stayWithinTheByteBound_leastRecentlyUsedLeaveFirst() {
    long one = estimate(trained(1));
    ModelStore small = bounded(3 * one + one / 2); // three models fit, four do not
    for (int m = 0; m < 10; m++) {
      small.put("m" + m, trained(1 + m)); // from m3 on, each passes through: used less than m1
      assertThat(small.liveBytes()).isLessThanOrEqualTo(3 * one + one / 2);
      small.get("m0"); // m0 stays the most recently used
    }
    assertThat(small.liveModels()).isEqualTo(3);
    assertThat(small.evictions()).isZero();
    assertThat(small.size()).isEqualTo(10);
    for (int i = 0; i < 3; i++) {
      small.get("m7"); // loaded once, passing through: used four times
    }
    small.get("m8"); // m7 lets go to m8
    small.get("m7"); // loaded again, used more often than m1 now: m1, least recent, leaves
    assertThat(small.loads()).isEqualTo(3);
    assertThat(small.evictions()).isEqualTo(1);
    small.get("m0");
    small.get("m7");
    small.get("m2");
    assertThat(small.loads()).as("m0, m7 and m2 are live").isEqualTo(3);
    for (int m = 0; m < 10; m++) {
      assertThat(small.get("m" + m).learner().examples()).isEqualTo(1 + m);
    }
  }

  /**
   * A stream that cycles through more models than the cache holds, each as often as the others:
   * least-recently-used eviction would load every model on every visit; with TinyLFU admission the
   * cache keeps its models and every visit to them hits.
   */
  @Test
  void modelsVisitedInTurn_moreThanFit_theCacheKeepsItsModels_andNothingIsLost() {
    long one = estimate(trained(1));
    ModelStore small = bounded(4 * one + one / 2); // four fit
    for (int m = 0; m < 10; m++) {
      small.put("m" + m, new LiveModel(OnlineLearner.create(SPEC), 0, 0, 0));
    }
    int rounds = 6;
    for (int round = 0; round < rounds; round++) {
      for (int m = 0; m < 10; m++) {
        LiveModel model = small.get("m" + m);
        model.learner().learn(IRIS.features().get(round), IRIS.labels().get(round));
        model.markDirty();
      }
      small.flushCache();
    }
    assertThat(small.liveModels()).isEqualTo(4);
    assertThat(small.loads()).as("six of ten loaded each round").isEqualTo(6L * rounds);
    assertThat(small.evictions()).isZero();
    ModelStore reopened = new ModelStore(inner);
    LiveModel expected = new LiveModel(OnlineLearner.create(SPEC), 0, 0, 0);
    for (int round = 0; round < rounds; round++) {
      expected.learner().learn(IRIS.features().get(round), IRIS.labels().get(round));
    }
    for (int m = 0; m < 10; m++) {
      assertSameModel(reopened.get("m" + m).learner().state(), expected.learner().state());
    }
  }

  @Test
  void cleanModel_isNotRewrittenWhenEvicted() {
    ModelStore small = bounded(1);
    small.put("a", trained(7));
    small.flushCache();
    byte[] marker = {9, 9};
    inner.put("a", marker);
    small.put("b", trained(8)); // evicts a, which is clean
    assertThat(inner.get("a")).isSameAs(marker);
  }

  @Test
  void firstAccess_loadsOnlyTheModelAsked_notEveryStoredModel() {
    for (int m = 0; m < 20; m++) {
      store.put("m" + m, trained(1 + m));
    }
    store.flushCache();

    ModelStore reopened = bounded(Long.MAX_VALUE);
    assertThat(reopened.size()).isEqualTo(20);
    assertThat(reopened.liveModels()).isZero();
    assertThat(reopened.get("m7").learner().examples()).isEqualTo(8);
    assertThat(reopened.loads()).isEqualTo(1);
    assertThat(reopened.liveModels()).isEqualTo(1);
    assertThat(reopened.get("nope")).isNull();
    assertThat(reopened.snapshotsOwed()).as("every stored model is checked once").isEqualTo(20);
  }

  @Test
  void budget_isSharedByStores_andReleasedWhenAStoreCloses() {
    ModelCacheBudget budget = new ModelCacheBudget(Long.MAX_VALUE);
    ModelStore first = new ModelStore(inner, budget, 10);
    first.init(new MockProcessorContext<String, byte[]>().getStateStoreContext(), first);
    first.put("a", trained(3));
    first.put("b", trained(4));
    assertThat(budget.usedBytes()).isEqualTo(first.liveBytes()).isPositive();
    first.close();
    assertThat(budget.usedBytes()).isZero();
  }

  @Test
  void snapshotAllowance_isSpentPerCommit_andRenewedByFlushCache() {
    ModelStore limited = new ModelStore(inner, new ModelCacheBudget(Long.MAX_VALUE), 3);
    limited.init(new MockProcessorContext<String, byte[]>().getStateStoreContext(), limited);
    assertThat(limited.trySnapshot()).isTrue();
    assertThat(limited.trySnapshot()).isTrue();
    assertThat(limited.trySnapshot()).isTrue();
    assertThat(limited.trySnapshot()).isFalse();
    limited.flushCache();
    assertThat(limited.trySnapshot()).isTrue();
  }

  @Test
  void snapshotsDue_earliestFirst_onlyThoseDue_movedAndRemoved() {
    store.snapshotDue("late", 300);
    store.snapshotDue("b", 100);
    store.snapshotDue("a", 100);
    store.snapshotDue("never", Long.MAX_VALUE);
    assertThat(store.snapshotsDue(200, 10)).containsExactly("a", "b");
    assertThat(store.snapshotsDue(200, 1)).containsExactly("a");
    store.snapshotDue("late", 50);
    assertThat(store.snapshotsDue(200, 10)).containsExactly("late", "a", "b");
    store.snapshotDone("a");
    assertThat(store.snapshotsDue(Long.MAX_VALUE, 10)).containsExactly("late", "b", "never");
    assertThat(store.snapshotsOwed()).isEqualTo(3);
  }
}
