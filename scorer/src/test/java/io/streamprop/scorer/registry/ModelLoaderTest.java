package io.streamprop.scorer.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamprop.learn.ModelState;
import io.streamprop.learn.OnlineLearner;
import io.streamprop.learn.Predictor;
import io.streamprop.spec.SpecJson;
import io.streamprop.wire.SnapshotCodec;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelLoaderTest {
  private static final Instant NOW = Instant.parse("2026-11-27T01:00:00Z");
  private final ModelRegistry registry = new ModelRegistry();
  private final ModelLoader loader = new ModelLoader(registry, Clock.fixed(NOW, ZoneOffset.UTC));

  private static ModelState state(long version) {
    OnlineLearner learner =
        OnlineLearner.create(SpecJson.parse("{\"inputs\": 3, \"classes\": 2, \"hidden\": [4]}"));
    for (int i = 0; i < 20; i++) {
      learner.learn(new float[] {i, -i, i % 3}, new float[] {i % 2});
    }
    learner.setVersion(version);
    return learner.state();
  }

  @Test
  void validSnapshot_buildsModelPredictingAsTheEngine() throws Exception {
    ModelState state = state(3);

    ServedModel model =
        loader.load("m", SnapshotCodec.encode(state, 1_000), Instant.ofEpochMilli(5_000));

    assertThat(model.name()).isEqualTo("m");
    assertThat(model.version()).isEqualTo(3);
    assertThat(model.info().examples()).isEqualTo(20);
    assertThat(model.info().snapshotCreatedAt()).isEqualTo(Instant.ofEpochMilli(1_000));
    assertThat(model.info().loadedAt()).isEqualTo(NOW);
    assertThat(SpecJson.parse(model.info().specJson())).isEqualTo(state.spec());
    float[] x = {1, 2, 3, 4, 5, 6};
    assertThat(model.inference().predict(x, 2)).containsExactly(Predictor.of(state).predict(x, 2));
  }

  @Test
  void corruptOrTruncatedBytes_rejectedAsCorrupt() {
    byte[] bytes = SnapshotCodec.encode(state(1));
    byte[] flipped = bytes.clone();
    flipped[flipped.length / 3] ^= 1;

    for (byte[] bad : new byte[][] {flipped, Arrays.copyOf(bytes, bytes.length - 9), {}}) {
      assertThatThrownBy(() -> loader.load("m", bad, NOW))
          .isInstanceOfSatisfying(
              SnapshotRejectedException.class,
              e -> assertThat(e.reason()).isEqualTo(SnapshotRejectReason.CORRUPT))
          .hasMessageContaining("model 'm'");
    }
  }

  @Test
  void notNewerThanServed_rejectedBeforeBuilding() throws Exception {
    registry.swapIfNewer(loader.load("m", SnapshotCodec.encode(state(4)), NOW));

    assertThatThrownBy(() -> loader.load("m", SnapshotCodec.encode(state(4)), NOW))
        .isInstanceOfSatisfying(
            SnapshotRejectedException.class,
            e -> assertThat(e.reason()).isEqualTo(SnapshotRejectReason.NOT_NEWER))
        .hasMessageContaining("version 4, not newer than the served version 4");
  }

  @Test
  void overflowingWeights_predictionNotFinite_rejected() {
    // Regression, hidden [4]: the hidden bias makes every hidden unit 1 on any warm-up input, and
    // the output layer then sums four float32 maxima: +infinity.
    ModelState state =
        OnlineLearner.create(
                SpecJson.parse("{\"inputs\": 3, \"task\": \"regression\", \"hidden\": [4]}"))
            .state();
    Map<String, float[]> floats = new LinkedHashMap<>(state.floats());
    floats.put("dense.0.weight", new float[12]);
    floats.put("dense.0.bias", new float[] {1, 1, 1, 1});
    float[] weight = new float[4];
    Arrays.fill(weight, Float.MAX_VALUE);
    floats.put("dense.1.weight", weight);
    floats.put("dense.1.bias", new float[] {Float.MAX_VALUE});
    ModelState overflowing =
        new ModelState(
            state.spec(),
            2,
            state.examples(),
            state.steps(),
            state.skippedSteps(),
            floats,
            state.doubles(),
            state.longs());

    assertThatThrownBy(() -> loader.load("m", SnapshotCodec.encode(overflowing), NOW))
        .isInstanceOfSatisfying(
            SnapshotRejectedException.class,
            e -> assertThat(e.reason()).isEqualTo(SnapshotRejectReason.NOT_FINITE))
        .hasMessageContaining("refusing to serve it");
  }
}
