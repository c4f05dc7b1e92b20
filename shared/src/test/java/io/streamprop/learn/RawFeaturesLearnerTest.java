package io.streamprop.learn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.streamprop.features.FeatureRow;
import io.streamprop.learn.state.ModelState;
import io.streamprop.spec.ModelSpec;
import io.streamprop.wire.SnapshotCodec;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Learning from raw features: resume, determinism, weights, missing numbers, prediction. */
class RawFeaturesLearnerTest {
  private static final int N = 203;

  private static byte[] bytes(OnlineLearner learner) {
    return SnapshotCodec.encode(learner.state(), 0);
  }

  private static String sha256(OnlineLearner learner) {
    return sha256(bytes(learner));
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /** The state's bytes without the prequential loss (which scores every example, weight 0 too). */
  private static String modelSha256(OnlineLearner learner) {
    ModelState s = learner.state();
    io.streamprop.learn.state.TrainingState t = s.training();
    ModelState model =
        new ModelState(
            s.spec(),
            s.counters(),
            s.layers(),
            s.inputNormalizer(),
            s.targetNormalizer(),
            new io.streamprop.learn.state.TrainingState(
                t.optimizer(), t.pending(), t.rngState(), Double.NaN, t.classCounts()),
            s.carried(),
            s.embeddings());
    return sha256(SnapshotCodec.encode(model, 0));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "'classes': 3, 'hidden': [8], 'batch_size': 4, 'clip_norm': 0.5",
        "'classes': 3, 'hidden': [8, 6], 'batch_size': 8, 'batch_norm': true, 'dropout': 0.2,"
            + " 'optimizer': {'name': 'adamw', 'weight_decay': 0.01}",
        "'classes': 2, 'loss': 'binary_cross_entropy', 'hidden': [], 'batch_size': 5,"
            + " 'optimizer': {'name': 'adagrad'}, 'class_weight': 'balanced'",
        "'task': 'regression', 'targets': 1, 'hidden': [5], 'batch_size': 3,"
            + " 'optimizer': {'name': 'momentum'}"
      })
  void resumeFromSnapshotMidBatch_equalsUninterrupted_bitForBit(String rest) {
    ModelSpec spec = RawExamples.spec(rest);
    List<FeatureRow> rows = RawExamples.rows(spec, N, 7);
    float[][] labels = RawExamples.labels(N, Math.max(2, spec.outputs()), 7);
    OnlineLearner uninterrupted = OnlineLearner.create(spec);
    OnlineLearner interrupted = OnlineLearner.create(spec);
    int cut = 101; // not a multiple of any batch size above: a partial batch is pending

    RawExamples.learn(uninterrupted, rows, labels, 0, N);
    RawExamples.learn(interrupted, rows, labels, 0, cut);
    ModelState saved = SnapshotCodec.decode(SnapshotCodec.encode(interrupted.state(), 0));
    OnlineLearner resumed = OnlineLearner.restore(saved);
    RawExamples.learn(resumed, rows, labels, cut, N);

    assertThat(saved.training().pending().rows()).isPositive();
    assertThat(saved.training().pending().ids().length).isEqualTo(2);
    assertThat(sha256(resumed)).isEqualTo(sha256(uninterrupted));
    assertThat(bytes(uninterrupted)[5]).as("format version").isEqualTo((byte) 3);
    assertThat(resumed.steps()).isEqualTo(uninterrupted.steps()).isPositive();
  }

  @Test
  void sameSpecSeedAndOrder_sameStateSha256_anotherSeedAnother() {
    ModelSpec spec = RawExamples.spec("'classes': 3, 'hidden': [8], 'batch_size': 4");
    ModelSpec otherSeed =
        RawExamples.spec("'classes': 3, 'hidden': [8], 'batch_size': 4, 'seed': 1");
    List<FeatureRow> rows = RawExamples.rows(spec, N, 3);
    float[][] labels = RawExamples.labels(N, 3, 3);
    OnlineLearner a = OnlineLearner.create(spec);
    OnlineLearner b = OnlineLearner.create(spec);
    OnlineLearner c = OnlineLearner.create(otherSeed);

    RawExamples.learn(a, rows, labels, 0, N);
    RawExamples.learn(b, rows, labels, 0, N);
    RawExamples.learn(c, rows, labels, 0, N);

    assertThat(sha256(a)).isEqualTo(sha256(b)).isNotEqualTo(sha256(c));
  }

  @Test
  void featurizedBatchRow_learnsExactlyAsItsFeatureRow() {
    ModelSpec spec = RawExamples.spec("'classes': 3, 'hidden': [8], 'batch_size': 4");
    io.streamprop.features.Featurizer featurizer =
        new io.streamprop.features.Featurizer(spec.features());
    io.streamprop.features.FeaturizedBatch batch = featurizer.newBatch(16);
    java.util.SplittableRandom random = new java.util.SplittableRandom(5);
    OnlineLearner fromRows = OnlineLearner.create(spec);
    OnlineLearner fromBatch = OnlineLearner.create(spec);
    float[][] labels = RawExamples.labels(64, 3, 5);

    for (int i = 0; i < 64; i++) {
      if (batch.isFull()) {
        batch.clear();
      }
      featurizer.add(RawExamples.event(random), batch);
      int r = batch.size() - 1;
      FeatureRow row = FeatureRow.of(batch, r);
      fromRows.learn(row.dense(), row.ids(), labels[i], 1f);
      fromBatch.learn(batch, r, labels[i], 1f);
    }

    assertThat(sha256(fromBatch)).isEqualTo(sha256(fromRows));
  }

  /**
   * An example of weight 0 adds nothing to any gradient: the table rows only its bag uses get a
   * zero gradient, which leaves their weights and their Adam moments at their bits. So giving it
   * other bucket ids (rows no other example uses) must leave the model bit for bit (all but the
   * prequential loss, which scores the example); with weight 1 the same swap changes the model.
   */
  @Test
  void weightZeroExample_itsBucketIdsChangeNothing_weightOneTheyDo() {
    ModelSpec spec = RawExamples.spec("'classes': 3, 'hidden': [8], 'batch_size': 4");
    List<FeatureRow> rows = RawExamples.rows(spec, 40, 11);
    float[][] labels = RawExamples.labels(40, 3, 11);
    int[] unused = unusedBuckets(rows, spec);
    for (float weight : new float[] {0f, 1f}) {
      OnlineLearner original = OnlineLearner.create(spec);
      OnlineLearner swapped = OnlineLearner.create(spec);
      for (int i = 0; i < 40; i++) {
        FeatureRow row = rows.get(i);
        float w = i == 21 ? weight : 1f;
        original.learn(row.dense(), row.ids(), labels[i], w);
        int[][] ids = row.ids();
        if (i == 21) {
          ids = new int[][] {{unused[0]}, {unused[1], unused[1]}};
        }
        swapped.learn(row.dense(), ids, labels[i], w);
      }
      if (weight == 0f) {
        assertThat(modelSha256(swapped)).isEqualTo(modelSha256(original));
      } else {
        assertThat(modelSha256(swapped)).isNotEqualTo(modelSha256(original));
      }
    }
  }

  /** Per table, a bucket no example of the stream uses. */
  private static int[] unusedBuckets(List<FeatureRow> rows, ModelSpec spec) {
    int tables = spec.features().layout().embeddings().size();
    int[] unused = new int[tables];
    for (int k = 0; k < tables; k++) {
      boolean[] used = new boolean[spec.features().layout().embeddings().get(k).buckets()];
      for (FeatureRow row : rows) {
        for (int id : row.ids()[k]) {
          used[id] = true;
        }
      }
      int b = used.length - 1;
      while (used[b]) {
        b--;
      }
      unused[k] = b;
    }
    return unused;
  }

  @Test
  void missingNumbers_stayOutOfTheStatistics_eachColumnCountsItsOwn() {
    ModelSpec spec = RawExamples.spec("'classes': 3, 'hidden': [8], 'batch_size': 4");
    List<FeatureRow> rows = RawExamples.rows(spec, 50, 13);
    OnlineLearner learner = OnlineLearner.create(spec);
    RawExamples.learn(learner, rows, RawExamples.labels(50, 3, 13), 0, 50);
    double present = 0;
    double sum = 0;
    for (FeatureRow row : rows) {
      if (!Float.isNaN(row.dense()[0])) {
        present++;
        sum += row.dense()[0];
      }
    }

    ModelState state = learner.state();

    assertThat(present).isLessThan(50).isGreaterThan(20);
    assertThat(state.inputNormalizer().count()).isEqualTo(50.0);
    assertThat(state.inputNormalizer().columnCounts()).containsExactly(present, 50.0);
    assertThat(state.inputNormalizer().mean()[0]).isCloseTo(sum / present, within(1e-9));
    assertThat(state.inputNormalizer().mean()).hasSize(2); // the numeric columns only
  }

  /**
   * The predictor runs the learner's featurized forward in inference mode: the batch learned twice
   * has the same input statistics (up to rounding) the second time, so the learner's prequential
   * loss of the second pass is the predictor's cross-entropy after the first.
   */
  @Test
  void predictor_givesTheLearnersPrequentialLoss() {
    ModelSpec spec = RawExamples.spec("'classes': 3, 'hidden': [8], 'batch_size': 8");
    List<FeatureRow> rows = RawExamples.rows(spec, 8, 17);
    float[][] labels = RawExamples.labels(8, 3, 17);
    OnlineLearner learner = OnlineLearner.create(spec);
    RawExamples.learn(learner, rows, labels, 0, 8);
    assertThat(rows.stream().filter(r -> Float.isNaN(r.dense()[0]))).isNotEmpty();

    float[] p = learner.predictor().predict(rows.toArray(FeatureRow[]::new));
    StepResult second = RawExamples.learn(learner, rows, labels, 0, 8);

    double crossEntropy = 0;
    for (int r = 0; r < 8; r++) {
      crossEntropy -= Math.log(p[r * 3 + (int) labels[r][0]]);
    }
    assertThat(second.lossSum()).isCloseTo(crossEntropy, within(1e-4 * crossEntropy));
  }

  @Test
  void predictor_fromSnapshot_predictsTheSameBits_onManyThreads() throws Exception {
    ModelSpec spec = RawExamples.spec("'classes': 3, 'hidden': [8], 'batch_size': 4");
    List<FeatureRow> rows = RawExamples.rows(spec, 60, 19);
    OnlineLearner learner = OnlineLearner.create(spec);
    RawExamples.learn(learner, rows, RawExamples.labels(60, 3, 19), 0, 60);
    FeatureRow[] all = rows.toArray(FeatureRow[]::new);
    float[] expected = learner.predictor().predict(all);
    Predictor decoded = Predictor.of(SnapshotCodec.decode(bytes(learner)));

    List<float[]> results =
        java.util.stream.IntStream.range(0, 64)
            .parallel()
            .mapToObj(t -> decoded.predict(all))
            .toList();

    for (float[] result : results) {
      assertThat(result).containsExactly(expected);
    }
    float[] one = decoded.predict(new FeatureRow[] {all[5]});
    assertThat(one).containsExactly(java.util.Arrays.copyOfRange(expected, 15, 18));
  }

  @Test
  void wrongEntryPoints_andBadExamples_refused_modelUnchanged() {
    ModelSpec spec = RawExamples.spec("'classes': 3, 'hidden': [8], 'batch_size': 4");
    OnlineLearner learner = OnlineLearner.create(spec);
    FeatureRow row = RawExamples.rows(spec, 1, 1).get(0);
    byte[] before = bytes(learner);
    float[] label = {1};
    float[] infinite = row.dense().clone();
    infinite[1] = Float.POSITIVE_INFINITY;
    float[] nanIndicator = row.dense().clone();
    nanIndicator[2] = Float.NaN; // a missing indicator, not a numeric value

    assertThatThrownBy(() -> learner.learn(row.dense(), label, 1f))
        .hasMessageContaining("ids: expected a bag for each of 2 embedding tables");
    assertThatThrownBy(() -> learner.learn(row.dense(), new int[][] {{1}, {32}}, label, 1f))
        .hasMessageContaining("ids[1][0] = 32 is not a bucket in [0, 32)");
    assertThatThrownBy(() -> learner.learn(infinite, row.ids(), label, 1f))
        .hasMessageContaining("dense features[1] is Infinity");
    assertThatThrownBy(() -> learner.learn(nanIndicator, row.ids(), label, 1f))
        .hasMessageContaining("dense features[2] is NaN");
    assertThatThrownBy(() -> learner.predictor().predict(row.dense(), 1))
        .hasMessageContaining("predict(FeatureRow[])");
    assertThat(sha256(bytes(learner))).isEqualTo(sha256(before));
    OnlineLearner numbers =
        OnlineLearner.create(io.streamprop.spec.SpecJson.parse("{\"inputs\": 3, \"classes\": 2}"));
    assertThatThrownBy(() -> numbers.learn(new float[3], new int[0][], new float[] {0}, 1f))
        .hasMessageContaining("no raw features");
    assertThatThrownBy(() -> numbers.predictor().predict(new FeatureRow[] {row}))
        .hasMessageContaining("no raw features");
  }
}
