package io.streamprop.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamprop.learn.OnlineLearner;
import io.streamprop.learn.state.ModelState;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The bytes a learner's snapshot encodes to are pinned: a fixed spec, seed and example stream,
 * trained and encoded with a fixed creation time, must hash to the SHA-256 recorded when the test
 * was written. Any change to the engine's arithmetic, to the state it exports, or to the codec's
 * layout or array order shows up here; a deliberate format change records new hashes and says why.
 *
 * <p>Two hashes per case: the snapshot as written now, and the snapshot without the optional {@code
 * loss.prequential} array (the prequential loss the state carries), which must be exactly the bytes
 * recorded from the engine and codec before the state became typed records and carried that loss:
 * every other byte is unchanged.
 */
class LearnerSnapshotBytesTest {
  private static final long CREATED = 1_790_000_000_000L;

  /** Examples from a seeded generator: features in [-3, 3), labels as the task needs them. */
  private static OnlineLearner trained(ModelSpec spec, int examples, long seed) {
    OnlineLearner learner = OnlineLearner.create(spec);
    SplittableRandom random = new SplittableRandom(seed);
    int labelWidth = spec.task() == ModelSpec.Task.REGRESSION ? spec.outputs() : 1;
    for (int i = 0; i < examples; i++) {
      float[] features = new float[spec.inputs()];
      for (int j = 0; j < features.length; j++) {
        features[j] = (float) (random.nextDouble() * 6 - 3);
      }
      float[] label = new float[labelWidth];
      for (int k = 0; k < labelWidth; k++) {
        label[k] =
            spec.task() == ModelSpec.Task.REGRESSION
                ? (float) (100 + 20 * features[k % features.length] + random.nextGaussian())
                : random.nextInt(spec.outputs());
      }
      learner.learn(features, label);
    }
    return learner;
  }

  private static String sha256(byte[] bytes) throws NoSuchAlgorithmException {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        // batch norm, dropout, Adam, three classes, 1 of 4 examples pending: format 1
        "{'inputs': 5, 'classes': 3, 'learner': 'single', 'hidden': [8, 4], 'batch_norm': true,"
            + " 'dropout': 0.25, 'batch_size': 4, 'seed': 11} | 37 | 1 | "
            + "5fa43fa5ec85d48e7479a149ec51e2ab549ead92818db611458a90202ecd3090 | "
            + "715b508852999bacff897ca502cd026c3657a42b964d314a69fe0470506155e8",
        // two standardized targets (target statistics), momentum, 2 of 3 pending: format 2
        "{'inputs': 3, 'task': 'regression', 'targets': 2, 'hidden': [6], 'batch_size': 3,"
            + " 'optimizer': {'name': 'momentum', 'learning_rate': 0.01}, 'seed': 5} | 29 | 2 | "
            + "23eac37f7354c2d8e27c517e5d4681cc05f051e9af9ef44ff5e96b98f0a1ba84 | "
            + "cbe78bf98db153059c0a9857af6e760b02e5e9955aed704b68aa0fc0c51285bf",
        // binary, plain SGD (no optimizer slots), no standardization, nothing pending: format 1
        "{'inputs': 4, 'classes': 2, 'loss': 'binary_cross_entropy', 'hidden': [3],"
            + " 'standardize': false, 'batch_size': 2, 'optimizer': {'name': 'sgd'},"
            + " 'seed': 3} | 24 | 1 | "
            + "2fe0f442e18153f2f0b8d5db75376d1dcd867f17e0d76e7fe8e66475f0551530 | "
            + "0072d385737ceb10f89d768e447e49d9e6f53d68b7a88a4532c49ba53fa4542a",
      })
  void fixedSpecSeedAndExamples_encodeToThePinnedBytes(
      String json, int examples, int format, String before, String now) throws Exception {
    ModelSpec spec = SpecJson.parse(json.replace('\'', '"'));
    ModelState state = trained(spec, examples, spec.seed()).state().withVersion(7);

    byte[] bytes = SnapshotCodec.encode(state, CREATED);
    byte[] withoutLoss =
        SnapshotCodec.encode(SnapshotFixtures.withoutPrequentialLoss(state), CREATED);

    assertThat(bytes[5]).as("format version").isEqualTo((byte) format);
    assertThat(sha256(withoutLoss)).as("without the prequential loss").isEqualTo(before);
    assertThat(Double.isFinite(state.training().prequentialLoss())).isTrue();
    assertThat(sha256(bytes)).isEqualTo(now);
  }
}
