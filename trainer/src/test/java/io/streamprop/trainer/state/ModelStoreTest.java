package io.streamprop.trainer.state;

import static io.streamprop.trainer.testing.States.assertSameModel;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamprop.learn.OnlineLearner;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import io.streamprop.trainer.testing.Dataset;
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
  void clearCache_dropsLiveModels_andReloadsWhatTheInnerStoreHolds() {
    store.put("iris", trained(8));
    store.clearCache();
    assertThat(store.modelIds()).as("never flushed, so never stored").isEmpty();
  }
}
