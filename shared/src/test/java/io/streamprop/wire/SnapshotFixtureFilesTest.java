package io.streamprop.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamprop.learn.Datasets;
import io.streamprop.learn.OnlineLearner;
import io.streamprop.learn.Predictor;
import io.streamprop.learn.state.ModelState;
import io.streamprop.nn.kernel.Kernels;
import io.streamprop.spec.SpecJson;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Snapshots written by earlier releases keep decoding, to the same bytes when re-encoded. */
class SnapshotFixtureFilesTest {

  private static Path dir() throws URISyntaxException {
    return Path.of(SnapshotFixtureFilesTest.class.getResource("/snapshots").toURI());
  }

  @Test
  void everyCommittedSnapshot_decodes_andReEncodesToTheSameBytes()
      throws IOException, URISyntaxException {
    List<Path> files;
    try (Stream<Path> list = Files.list(dir())) {
      files = list.filter(p -> p.toString().endsWith(".sprp")).sorted().toList();
    }
    assertThat(files).isNotEmpty();
    for (Path file : files) {
      byte[] bytes = Files.readAllBytes(file);

      Snapshot snapshot = SnapshotCodec.decodeSnapshot(bytes);

      assertThat(SnapshotCodec.encode(snapshot.state(), snapshot.createdAtMillis()))
          .as(file.getFileName().toString())
          .isEqualTo(bytes);
    }
  }

  @Test
  void formatOneSyntheticFixture_holdsTheDocumentedState() throws Exception {
    Snapshot snapshot =
        SnapshotCodec.decodeSnapshot(Files.readAllBytes(dir().resolve("format1-synthetic.sprp")));
    ModelState state = snapshot.state();

    assertThat(snapshot.createdAtMillis()).isEqualTo(1_790_000_000_000L);
    assertThat(state.version()).isEqualTo(5);
    assertThat(state.examples()).isEqualTo(1234);
    assertThat(state.steps()).isEqualTo(77);
    assertThat(state.skippedSteps()).isEqualTo(2);
    assertThat(state.spec().featureNames()).containsExactly("a", "b", "c");
    assertThat(state.spec().batchNorm()).isTrue();
    assertThat(StateCodec.toArrays(state).floats()).hasSize(22);
    assertThat(state.layers()).hasSize(2);
    assertThat(state.layers().get(0).dense().weight()).hasSize(12);
    assertThat(state.layers().get(0).batchNorm().runningVar()).hasSize(4);
    assertThat(state.training().pending().rows()).isEqualTo(3);
    assertThat(state.training().pending().features()).hasSize(9);
    assertThat(state.inputNormalizer().count()).isEqualTo(1234.0);
    assertThat(state.training().optimizer().slots()).containsExactly("m", "v");
    assertThat(state.training().optimizer().steps()).isEqualTo(77);
    assertThat(state.carried().isEmpty()).isTrue();
  }

  /**
   * A regression model in format 1, written by an engine that did not standardize targets: it has
   * no target statistics, so it keeps predicting (and learning) in raw units. Its predictions for
   * the first five rows of diabetes.csv, as float bits, were recorded when it was written.
   */
  @Test
  void formatOneTrainedDiabetesFixture_predictsExactlyAsWhenWritten() throws Exception {
    ModelState state =
        SnapshotCodec.decode(Files.readAllBytes(dir().resolve("format1-trained-diabetes.sprp")));
    Datasets.Dataset diabetes = Datasets.load("diabetes");
    int[] recordedBits = {1109684492, 1107419258, 1109689723, 1101528854, 1099167169};

    Predictor predictor = Predictor.of(state);

    assertThat(state.spec())
        // the embedded spec writes its optimizer out, so it is read as a single learner
        .isEqualTo(
            SpecJson.parse("{\"inputs\": 10, \"task\": \"regression\", \"learner\": \"single\"}"));
    assertThat(state.examples()).isEqualTo(442);
    assertThat(state.steps()).isEqualTo(55);
    assertThat(state.targetNormalizer()).isNull();
    for (int r = 0; r < recordedBits.length; r++) {
      float prediction = predictor.predict(diabetes.features()[r], 1)[0];
      float recorded = Float.intBitsToFloat(recordedBits[r]);
      if (Kernels.fusedInference()) {
        // the recorded bits are the unfused forward's; where inference fuses, the hidden layer
        // rounds once per term, so the last bits may move (Kernels.fusedInference); the
        // scalar-kernels run checks the recorded bits themselves
        assertThat(prediction).as("row %d", r).isCloseTo(recorded, within(1e-5f * recorded));
      } else {
        assertThat(Float.floatToRawIntBits(prediction)).as("row %d", r).isEqualTo(recordedBits[r]);
      }
    }
    // Training resumes in raw units too: the next state still has no target statistics and
    // re-encodes as format 1.
    OnlineLearner resumed = OnlineLearner.restore(state);
    for (int i = 0; i < 16; i++) {
      resumed.learn(diabetes.features()[i], new float[] {diabetes.labels()[i]});
    }
    assertThat(resumed.state().targetNormalizer()).isNull();
    assertThat(SnapshotCodec.encode(resumed.state(), 0)[5]).isEqualTo((byte) 1);
  }

  /**
   * The same regression model written with target statistics (format 2): it predicts in the
   * target's units. Its predictions for the first five rows of diabetes.csv, as float bits, were
   * recorded from the engine that wrote it, on both kernel paths.
   */
  @Test
  void formatTwoTrainedDiabetesFixture_predictsExactlyAsWhenWritten() throws Exception {
    byte[] bytes = Files.readAllBytes(dir().resolve("format2-trained-diabetes.sprp"));
    ModelState state = SnapshotCodec.decode(bytes);
    Datasets.Dataset diabetes = Datasets.load("diabetes");
    int[] recordedBits = {1128975266, 1120057856, 1127431656, 1126024153, 1124884050};

    Predictor predictor = Predictor.of(state);

    assertThat(bytes[5]).as("format version").isEqualTo((byte) 2);
    assertThat(state.spec())
        // the embedded spec writes its optimizer out, so it is read as a single learner
        .isEqualTo(
            SpecJson.parse("{\"inputs\": 10, \"task\": \"regression\", \"learner\": \"single\"}"));
    assertThat(state.version()).isEqualTo(3);
    assertThat(state.examples()).isEqualTo(442);
    assertThat(state.steps()).isEqualTo(55);
    assertThat(state.targetNormalizer().count()).isEqualTo(440.0);
    for (int r = 0; r < recordedBits.length; r++) {
      float prediction = predictor.predict(diabetes.features()[r], 1)[0];
      float recorded = Float.intBitsToFloat(recordedBits[r]);
      if (Kernels.fusedInference()) {
        // the fused inference kernels may round the hidden layer's sums differently; the
        // scalar-kernels run checks the recorded bits themselves
        assertThat(prediction).as("row %d", r).isCloseTo(recorded, within(1e-5f * recorded));
      } else {
        assertThat(Float.floatToRawIntBits(prediction)).as("row %d", r).isEqualTo(recordedBits[r]);
      }
    }
    // Training resumes with the target statistics, and the next state is format 2 again.
    OnlineLearner resumed = OnlineLearner.restore(state);
    for (int i = 0; i < 16; i++) {
      resumed.learn(diabetes.features()[i], new float[] {diabetes.labels()[i]});
    }
    assertThat(resumed.state().targetNormalizer().count()).isEqualTo(456.0);
    assertThat(SnapshotCodec.encode(resumed.state(), 0)[5]).isEqualTo((byte) 2);
  }

  @Test
  void formatOneTrainedIrisFixture_holdsTheEnginesStateOfTheIrisModel() throws Exception {
    ModelState state =
        SnapshotCodec.decode(Files.readAllBytes(dir().resolve("format1-trained-iris.sprp")));
    Path irisSpec = Path.of("..", "examples", "specs", "iris.json");

    assertThat(state.spec()).isEqualTo(SpecJson.parse(Files.readString(irisSpec)));
    assertThat(state.version()).isEqualTo(3);
    assertThat(state.examples()).isEqualTo(150);
    assertThat(state.steps()).isEqualTo(37); // 150 examples in batches of 4, 2 pending
    assertThat(state.training().pending().rows()).isEqualTo(2);
    assertThat(state.layers().get(2).dense().weight()).hasSize(8 * 3);
    assertThat(state.inputNormalizer().count()).isEqualTo(150.0);
    float[] probabilities = Predictor.of(state).predict(new float[] {5.1f, 3.5f, 1.4f, 0.2f}, 1);
    assertThat(probabilities[0]).isCloseTo(0.997f, org.assertj.core.api.Assertions.within(5e-4f));
  }

  /**
   * A raw-features model (format 3): {@link RawSnapshotFixture#SPEC} trained on the first 30 rows
   * of titanic.csv (7 steps of 4, 2 examples pending). Its probabilities of "yes" for rows 1..5,
   * featurized again from the CSV, as float bits, were recorded when it was written.
   */
  @Test
  void formatThreeTrainedTitanicFixture_predictsExactlyAsWhenWritten() throws Exception {
    byte[] bytes = Files.readAllBytes(dir().resolve(RawSnapshotFixture.FILE));
    ModelState state = SnapshotCodec.decode(bytes);
    int[] recordedBits = RECORDED_TITANIC_BITS;
    List<float[]> labels = new java.util.ArrayList<>();
    List<io.streamprop.features.FeatureRow> rows =
        RawSnapshotFixture.rows(state.spec(), recordedBits.length, labels);

    float[] probabilities =
        Predictor.of(state).predict(rows.toArray(io.streamprop.features.FeatureRow[]::new));

    assertThat(bytes[5]).as("format version").isEqualTo((byte) 3);
    assertThat(state.spec()).isEqualTo(SpecJson.parse(RawSnapshotFixture.SPEC));
    assertThat(state.version()).isEqualTo(3);
    assertThat(state.examples()).isEqualTo(30);
    assertThat(state.steps()).isEqualTo(7);
    assertThat(state.training().pending().rows()).isEqualTo(2);
    assertThat(state.training().pending().ids()[0]).hasSize(2);
    assertThat(state.embeddings()).hasSize(2);
    assertThat(state.embeddings().get(0).weight()).hasSize(8 * 2);
    assertThat(state.inputNormalizer().columnCounts()[0]).isLessThan(30.0);
    assertThat(state.training().optimizer().tensors()).isEqualTo(4 + 2);
    for (int r = 0; r < recordedBits.length; r++) {
      float yes = probabilities[2 * r + 1];
      float recorded = Float.intBitsToFloat(recordedBits[r]);
      if (Kernels.fusedInference()) {
        // the fused inference kernels may round the hidden layer's sums differently; the
        // scalar-kernels run checks the recorded bits themselves
        assertThat(yes).as("row %d", r).isCloseTo(recorded, within(1e-5f));
      } else {
        assertThat(Float.floatToRawIntBits(yes)).as("row %d", r).isEqualTo(recordedBits[r]);
      }
    }
    // Training resumes, and the next state is format 3 again.
    OnlineLearner resumed = OnlineLearner.restore(state);
    for (int r = 0; r < rows.size(); r++) {
      resumed.learn(rows.get(r).dense(), rows.get(r).ids(), labels.get(r), 1f);
    }
    assertThat(resumed.steps()).isEqualTo(8);
    assertThat(SnapshotCodec.encode(resumed.state(), 0)[5]).isEqualTo((byte) 3);
  }

  /** P(yes) of rows 1..5: 0.6481693, 0.7201103, 0.40586725, 0.19469532, 0.34454712. */
  private static final int[] RECORDED_TITANIC_BITS = {
    1059450476, 1060657446, 1053806037, 1044864566, 1051748475
  };
}
