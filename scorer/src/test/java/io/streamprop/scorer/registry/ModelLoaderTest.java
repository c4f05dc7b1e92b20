package io.streamprop.scorer.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamprop.learn.OnlineLearner;
import io.streamprop.learn.Predictor;
import io.streamprop.learn.population.PopulationLearner;
import io.streamprop.learn.state.DenseState;
import io.streamprop.learn.state.LayerState;
import io.streamprop.learn.state.ModelState;
import io.streamprop.spec.SpecJson;
import io.streamprop.wire.PopulationCodec;
import io.streamprop.wire.SigningKey;
import io.streamprop.wire.SnapshotCodec;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
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
    return learner.state().withVersion(version);
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
  void trainedModel_infoCarriesItsLatestPrequentialLoss_untrainedNone() throws Exception {
    ModelState trained = state(3); // 20 examples: two mini-batches of 8 scored

    ServedModel model = loader.load("m", SnapshotCodec.encode(trained, 1_000), NOW);
    ServedModel fresh =
        loader.load(
            "fresh",
            SnapshotCodec.encode(
                OnlineLearner.create(trained.spec()).state().withVersion(1), 1_000),
            NOW);

    assertThat(model.info().trainingLoss())
        .isFinite()
        .isPositive()
        .isEqualTo(trained.training().prequentialLoss());
    assertThat(fresh.info().trainingLoss()).isNaN();
  }

  @Test
  void signingKeyConfigured_onlySnapshotsSignedWithItServed_othersRejectedByReason()
      throws Exception {
    SigningKey key = SigningKey.of(new byte[32]);
    byte[] otherKey = new byte[32];
    otherKey[0] = 1;
    ModelLoader verifying = new ModelLoader(registry, Clock.fixed(NOW, ZoneOffset.UTC), key);

    assertThat(verifying.load("m", SnapshotCodec.encode(state(1), 1_000, key), NOW).version())
        .isEqualTo(1);
    assertThatThrownBy(() -> verifying.load("m", SnapshotCodec.encode(state(2), 1_000), NOW))
        .isInstanceOfSatisfying(
            SnapshotRejectedException.class,
            e -> assertThat(e.reason()).isEqualTo(SnapshotRejectReason.UNSIGNED))
        .hasMessageContaining("unsigned snapshot");
    byte[] wrongKey = SnapshotCodec.encode(state(2), 1_000, SigningKey.of(otherKey));
    assertThatThrownBy(() -> verifying.load("m", wrongKey, NOW))
        .isInstanceOfSatisfying(
            SnapshotRejectedException.class,
            e -> assertThat(e.reason()).isEqualTo(SnapshotRejectReason.BAD_SIGNATURE))
        .hasMessageContaining("bad snapshot signature");
    // Without a key, a signed snapshot is served as well.
    assertThat(loader.load("m", wrongKey, NOW).version()).isEqualTo(2);
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
    float[] weight = new float[4];
    Arrays.fill(weight, Float.MAX_VALUE);
    List<LayerState> layers =
        List.of(
            new LayerState(new DenseState(new float[12], new float[] {1, 1, 1, 1}), null),
            new LayerState(new DenseState(weight, new float[] {Float.MAX_VALUE}), null));
    ModelState overflowing =
        new ModelState(
                state.spec(),
                state.counters(),
                layers,
                state.inputNormalizer(),
                state.targetNormalizer(),
                state.training(),
                state.carried())
            .withVersion(2);

    assertThatThrownBy(() -> loader.load("m", SnapshotCodec.encode(overflowing), NOW))
        .isInstanceOfSatisfying(
            SnapshotRejectedException.class,
            e -> assertThat(e.reason()).isEqualTo(SnapshotRejectReason.NOT_FINITE))
        .hasMessageContaining("refusing to serve it");
  }

  @Test
  void populationSnapshot_servesItsLeader_signedVersionsChecked_damageRefused() throws Exception {
    PopulationLearner population =
        PopulationLearner.create(
            SpecJson.parse("{\"inputs\": 3, \"classes\": 2, \"hidden\": [4]}"));
    for (int i = 0; i < 20; i++) {
      population.learn(new float[] {i, -i, i % 3}, new float[] {i % 2});
    }
    SigningKey key = SigningKey.of(new byte[32]);
    ModelLoader verifying = new ModelLoader(registry, Clock.fixed(NOW, ZoneOffset.UTC), key);
    byte[] signed = PopulationCodec.encode(population.state(), 4, 1_000, key);

    ServedModel model = verifying.load("p", signed, NOW);
    ModelState leader = population.served().model();
    float[] x = {1, 2, 3, 4, 5, 6};
    assertThat(model.version()).isEqualTo(4);
    assertThat(model.info().examples()).isEqualTo(20);
    assertThat(model.info().snapshotCreatedAt()).isEqualTo(Instant.ofEpochMilli(1_000));
    assertThat(model.info().population().member()).isEqualTo(population.served().member());
    assertThat(model.info().population().reason()).isEqualTo(population.served().reason());
    assertThat(model.inference().predict(x, 2)).containsExactly(Predictor.of(leader).predict(x, 2));

    registry.swapIfNewer(model);
    assertThatThrownBy(() -> verifying.load("p", signed, NOW))
        .isInstanceOfSatisfying(
            SnapshotRejectedException.class,
            e -> assertThat(e.reason()).isEqualTo(SnapshotRejectReason.NOT_NEWER));
    byte[] unsigned = PopulationCodec.encode(population.state(), 5, 1_000, null);
    assertThatThrownBy(() -> verifying.load("p", unsigned, NOW))
        .isInstanceOfSatisfying(
            SnapshotRejectedException.class,
            e -> assertThat(e.reason()).isEqualTo(SnapshotRejectReason.UNSIGNED));
    byte[] damaged = PopulationCodec.encode(population.state(), 5, 1_000, key);
    damaged[damaged.length / 2] ^= 1;
    assertThatThrownBy(() -> verifying.load("p", damaged, NOW))
        .isInstanceOfSatisfying(
            SnapshotRejectedException.class,
            e -> assertThat(e.reason()).isEqualTo(SnapshotRejectReason.CORRUPT));
    assertThat(loader.load("single", SnapshotCodec.encode(state(1), 0), NOW).info().population())
        .isNull();
  }
}
