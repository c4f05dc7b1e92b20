package io.streamprop.scorer.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamprop.learn.OnlineLearner;
import io.streamprop.learn.Predictor;
import io.streamprop.learn.state.ModelState;
import io.streamprop.spec.SpecJson;
import io.streamprop.wire.SnapshotCodec;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A registry bounded by bytes: evicts decoded models, decodes them again bit for bit. */
class BoundedModelRegistryTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-27T01:00:00Z"), ZoneOffset.UTC);
  private static final float[] X = {0.5f, -1, 2, 0, 1, 3, -2, 0.25f};

  @TempDir Path parent;
  private SnapshotStore store;

  @AfterEach
  void close() throws Exception {
    if (store != null) {
      store.close();
    }
  }

  private ModelRegistry registry(long maxBytes) {
    store = SnapshotStore.open(parent);
    return ModelRegistry.bounded(store, maxBytes, CLOCK, null);
  }

  /** A trained model of 8 inputs and one hidden layer of 16; {@code seed} varies its examples. */
  private static ModelState state(int seed, long version) {
    OnlineLearner learner =
        OnlineLearner.create(
            SpecJson.parse("{\"inputs\": 8, \"classes\": 2, \"hidden\": [16], \"seed\": 1}"));
    for (int i = 0; i < 40; i++) {
      float[] x = new float[8];
      for (int j = 0; j < 8; j++) {
        x[j] = (float) Math.sin(seed * 31 + i * 7 + j);
      }
      learner.learn(x, new float[] {(i + seed) % 2});
    }
    return learner.state().withVersion(version);
  }

  private static void swap(ModelRegistry registry, String name, ModelState state) throws Exception {
    byte[] bytes = SnapshotCodec.encode(state, 1_000);
    ServedModel model = new ModelLoader(registry, CLOCK).load(name, bytes, Instant.EPOCH);
    assertThat(registry.swapIfNewer(model, bytes)).isTrue();
  }

  @Test
  void manyModels_cacheStaysWithinItsBytes_everyModelStillServedBitIdentical() throws Exception {
    List<ModelState> states = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      states.add(state(i, 1));
    }
    byte[] one = SnapshotCodec.encode(states.get(0), 1_000);
    long weight = ModelRegistry.OVERHEAD_BYTES + one.length + 2_000L;
    ModelRegistry registry = registry(4 * weight);

    for (int i = 0; i < states.size(); i++) {
      swap(registry, "m" + i, states.get(i));
    }
    registry.cleanUp();

    assertThat(registry.size()).isEqualTo(20);
    assertThat(registry.cachedBytes()).isPositive().isLessThanOrEqualTo(4 * weight);
    assertThat(registry.cachedModels()).isBetween(1L, 4L);
    for (int i = 0; i < states.size(); i++) {
      ServedModel model = registry.get("m" + i);
      assertThat(model.version()).isEqualTo(1);
      assertThat(model.inference().predict(X, 1))
          .as("model m%d", i)
          .containsExactly(Predictor.of(states.get(i)).predict(X, 1));
      registry.cleanUp();
      assertThat(registry.cachedBytes()).isLessThanOrEqualTo(4 * weight);
    }
    assertThat(registry.loads()).isGreaterThanOrEqualTo(16);
  }

  @Test
  void evictedModel_reloadedBitIdentical_withItsFirstLoadInfo_andCounted() throws Exception {
    ModelRegistry registry = registry(1); // every decoded model is heavier: evicted at once
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    registry.bindTo(meters);
    ModelState state = state(3, 7);
    swap(registry, "m", state);
    ServedModel first = registry.get("m");
    registry.cleanUp();

    ServedModel again = registry.get("m");

    assertThat(again).isNotSameAs(first);
    assertThat(again.version()).isEqualTo(7);
    assertThat(again.info().loadedAt()).isEqualTo(first.info().loadedAt());
    assertThat(again.info().snapshotCreatedAt()).isEqualTo(Instant.ofEpochMilli(1_000));
    float[] expected = Predictor.of(state).predict(X, 1);
    assertThat(again.inference().predict(X, 1)).containsExactly(expected);
    assertThat(registry.loads()).isEqualTo(2);
    assertThat(meters.get("streamprop.models.load.wait").functionTimer().count()).isEqualTo(2);
    assertThat(meters.get("streamprop.models.loads").functionTimer().count()).isEqualTo(2);
  }

  @Test
  void staleSnapshotAfterEviction_refused_newerServed() throws Exception {
    ModelRegistry registry = registry(1);
    ModelState v5 = state(1, 5);
    swap(registry, "m", v5);
    registry.cleanUp();
    assertThat(registry.cachedModels()).isZero();

    byte[] stale = SnapshotCodec.encode(state(2, 3), 1_000);
    ModelLoader loader = new ModelLoader(registry, CLOCK);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> loader.load("m", stale, Instant.EPOCH))
        .isInstanceOfSatisfying(
            SnapshotRejectedException.class,
            e -> assertThat(e.reason()).isEqualTo(SnapshotRejectReason.NOT_NEWER));
    ServedModel staleModel =
        new ModelLoader(new ModelRegistry(), CLOCK).load("m", stale, Instant.EPOCH);
    assertThat(registry.swapIfNewer(staleModel, stale)).isFalse();

    assertThat(registry.servedVersion("m")).isEqualTo(5);
    assertThat(registry.get("m").inference().predict(X, 1))
        .containsExactly(Predictor.of(v5).predict(X, 1));

    ModelState v6 = state(4, 6);
    swap(registry, "m", v6);
    registry.cleanUp();
    assertThat(registry.get("m").version()).isEqualTo(6);
    assertThat(registry.get("m").inference().predict(X, 1))
        .containsExactly(Predictor.of(v6).predict(X, 1));
  }

  @Test
  void requestsDuringSwaps_neverGetAVersionOlderThanServedBefore() throws Exception {
    ModelRegistry registry = registry(1); // every request decodes from the store
    List<ServedModel> models = new ArrayList<>();
    List<byte[]> snapshots = new ArrayList<>();
    for (int v = 1; v <= 30; v++) {
      byte[] bytes = SnapshotCodec.encode(state(v, v), 1_000);
      snapshots.add(bytes);
      models.add(new ModelLoader(new ModelRegistry(), CLOCK).load("m", bytes, Instant.EPOCH));
    }
    registry.swapIfNewer(models.get(0), snapshots.get(0));
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      List<Future<Long>> readers = new ArrayList<>();
      for (int r = 0; r < 2; r++) {
        readers.add(
            pool.submit(
                () -> {
                  long older = 0;
                  while (registry.servedVersion("m") < 30) {
                    long before = registry.servedVersion("m");
                    if (registry.get("m").version() < before) {
                      older++;
                    }
                  }
                  return older;
                }));
      }
      for (int v = 1; v < 30; v++) {
        assertThat(registry.swapIfNewer(models.get(v), snapshots.get(v))).isTrue();
      }
      for (Future<Long> reader : readers) {
        assertThat(reader.get()).isZero();
      }
      assertThat(registry.get("m").version()).isEqualTo(30);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void tombstone_retiresEvictedModel() throws Exception {
    ModelRegistry registry = registry(1);
    swap(registry, "m", state(1, 4));
    registry.cleanUp();

    assertThat(registry.remove("m").version()).isEqualTo(4);

    assertThat(registry.get("m")).isNull();
    assertThat(registry.contains("m")).isFalse();
    assertThat(store.get("m")).isNull();
    swap(registry, "m", state(1, 1)); // after a tombstone any version serves again
    assertThat(registry.get("m").version()).isEqualTo(1);
  }
}
