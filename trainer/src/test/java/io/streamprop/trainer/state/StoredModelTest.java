package io.streamprop.trainer.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamprop.learn.population.PopulationLearner;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import io.streamprop.trainer.testing.Dataset;
import io.streamprop.wire.PopulationCodec;
import io.streamprop.wire.SigningKey;
import java.util.Arrays;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The changelog value of a population model (format 2). */
class StoredModelTest {
  static final ModelSpec OPEN =
      SpecJson.parse("{\"inputs\": 4, \"classes\": 3, \"hidden\": [8], \"batch_size\": 4}");
  static final Dataset IRIS = Dataset.load("iris.csv", 150);

  private static void learn(TrainedModel model, int from, int to) {
    for (int i = from; i < to; i++) {
      model.learn(IRIS.features().get(i % 150), IRIS.labels().get(i % 150), 1f);
    }
  }

  @Test
  void population_roundTrips_andResumesBitForBit_acrossARung() {
    TrainedModel uninterrupted = TrainedModel.create(OPEN);
    learn(uninterrupted, 0, 4600); // past the warm-up's halving (2,000) and the next rung (4,000)
    TrainedModel before = TrainedModel.create(OPEN);
    learn(before, 0, 1999); // one example before the warm-up's end and its halving
    LiveModel live = new LiveModel(before, 7, 1500, 1234);

    byte[] bytes = StoredModel.encode(live);
    LiveModel restored = StoredModel.decode("iris", bytes);

    assertThat(restored.trained()).isInstanceOf(PopulationModel.class);
    assertThat(restored.version()).isEqualTo(7);
    assertThat(restored.examplesAtSnapshot()).isEqualTo(1500);
    assertThat(restored.lastSnapshotMillis()).isEqualTo(1234);
    assertThat(StoredModel.encode(restored)).isEqualTo(bytes);
    learn(restored.trained(), 1999, 4600);
    PopulationLearner resumed = ((PopulationModel) restored.trained()).population();
    PopulationLearner expected = ((PopulationModel) uninterrupted).population();
    assertThat(expected.replacements()).isPositive();
    assertThat(PopulationCodec.encode(resumed.state()))
        .isEqualTo(PopulationCodec.encode(expected.state()));
  }

  @Test
  void singleLearnerSpec_storesFormat1_andOpenSpec_format2() {
    LiveModel single =
        new LiveModel(TrainedModel.create(OPEN.withLearner(ModelSpec.Learner.SINGLE)), 0, 0, 0);
    LiveModel population = new LiveModel(TrainedModel.create(OPEN), 0, 0, 0);

    assertThat(StoredModel.encode(single)[5]).isEqualTo((byte) 1);
    assertThat(StoredModel.encode(population)[5]).isEqualTo((byte) 2);
    assertThat(single.learner()).isNotNull();
  }

  /** The changelog's bytes of a state do not depend on when they are written. */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void storedState_isTheSameBytesAMillisecondLater(boolean population) {
    TrainedModel model =
        TrainedModel.create(population ? OPEN : OPEN.withLearner(ModelSpec.Learner.SINGLE));
    learn(model, 0, 10);
    byte[] first = model.storedState(3);
    long millis = System.currentTimeMillis();
    Awaitility.await().until(() -> System.currentTimeMillis() > millis);

    assertThat(model.storedState(3)).isEqualTo(first);
  }

  /**
   * A model unchanged since its snapshot stores that snapshot's bytes (signed or not) instead of
   * encoding itself again, and restores to the same state; once it learns, it encodes again.
   */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void modelUnchangedSinceItsSnapshot_storesTheSnapshotsBytes_untilItLearns(boolean population) {
    ModelSpec spec = population ? OPEN : OPEN.withLearner(ModelSpec.Learner.SINGLE);
    SigningKey key = SigningKey.of(new byte[32]);
    LiveModel live = new LiveModel(TrainedModel.create(spec), 0, 0, 0);
    learn(live.trained(), 0, 10);
    live.markDirty();
    byte[] snapshot = live.trained().snapshot(1, 99, key);
    live.published(1, 99, snapshot);

    byte[] stored = StoredModel.encode(live);
    assertThat(Arrays.copyOfRange(stored, stored.length - snapshot.length, stored.length))
        .isEqualTo(snapshot);
    LiveModel restored = StoredModel.decode("iris", stored);
    assertThat(restored.trained().storedState(1)).isEqualTo(live.trained().storedState(1));
    assertThat(restored.version()).isEqualTo(1);

    learn(live.trained(), 10, 11);
    live.markDirty();
    LiveModel after = StoredModel.decode("iris", StoredModel.encode(live));
    assertThat(after.trained().examples()).isEqualTo(11);
    assertThat(after.trained().storedState(1)).isEqualTo(live.trained().storedState(1));
  }
}
