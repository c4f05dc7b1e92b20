package io.streamprop.learn;

import static io.streamprop.learn.state.SameState.assertSameState;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamprop.features.FeatureRow;
import io.streamprop.learn.state.ModelState;
import io.streamprop.learn.state.PendingBatch;
import io.streamprop.learn.state.TrainingState;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import io.streamprop.wire.SnapshotCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code input_transform: symlog} is the same learner on inputs put through {@link Symlog} first,
 * bit for bit: in training (statistics, weights, prequential loss), across a snapshot, and in
 * prediction; missing numbers of raw features stay missing.
 */
class InputTransformTest {
  private static final int N = 157; // not a multiple of the batch sizes: a batch is pending

  @Test
  void symlog_isSignedLog1p_keepsZeroSignAndMissing() {
    assertThat(Symlog.of(0f)).isEqualTo(0f);
    assertThat(Float.floatToRawIntBits(Symlog.of(-0f))).isEqualTo(Float.floatToRawIntBits(-0f));
    assertThat(Symlog.of((float) (Math.E - 1))).isEqualTo(1f);
    assertThat(Symlog.of((float) -(Math.E * Math.E - 1))).isEqualTo(-2f);
    assertThat(Symlog.of(1e-6f)).isEqualTo((float) StrictMath.log1p(1e-6f)); // ≈ x near zero
    assertThat(Symlog.of(Float.MAX_VALUE)).isEqualTo((float) StrictMath.log1p(Float.MAX_VALUE));
    assertThat(Symlog.of(Float.NaN)).isNaN();
  }

  /**
   * The fast path (the table of whole numbers, {@code Math.log} away from float rounding
   * boundaries) equals the definition bit for bit: on whole numbers, and on random bit patterns
   * (every exponent, subnormals, infinities, NaN). Checked once over all 2^32 floats too.
   */
  @Test
  void symlog_fastPathEqualsTheDefinition_bitForBit() {
    for (int i = -5000; i < 5000; i++) {
      assertThat(Float.floatToRawIntBits(Symlog.of(i)))
          .as("symlog(%d)", i)
          .isEqualTo(Float.floatToRawIntBits(Symlog.compute(i)));
    }
    SplittableRandom random = new SplittableRandom(3);
    for (int i = 0; i < 2_000_000; i++) {
      float x =
          i % 2 == 0
              ? Float.intBitsToFloat(random.nextInt())
              : (float) (random.nextGaussian() * Math.pow(10, random.nextInt(-8, 9)));
      float fast = Symlog.of(x);
      float definition = Symlog.compute(x);
      if (!(Float.isNaN(fast) && Float.isNaN(definition))) {
        assertThat(Float.floatToRawIntBits(fast))
            .as("symlog(%s)", x)
            .isEqualTo(Float.floatToRawIntBits(definition));
      }
    }
  }

  private static ModelSpec spec(String rest, String transform) {
    return SpecJson.parse(
        ("{'inputs': 3, 'hidden': [6], 'learner': 'single', 'input_transform': '"
                + transform
                + "', "
                + rest
                + "}")
            .replace('\'', '"'));
  }

  /** Heavy-tailed rows: a count, a signed amount over six decades, a small number. */
  private static float[][] rows(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[][] rows = new float[N][];
    for (int i = 0; i < N; i++) {
      rows[i] =
          new float[] {
            (float) Math.floor(Math.exp(8 * random.nextDouble())),
            (float) ((random.nextBoolean() ? 1 : -1) * Math.pow(10, 6 * random.nextDouble())),
            (float) random.nextGaussian()
          };
    }
    return rows;
  }

  /**
   * A symlog learner's state as the none learner of transformed inputs has it: under the none spec,
   * and with its pending rows (kept as they came) transformed in their first {@code numeric}
   * columns of {@code width}.
   */
  private static ModelState asTransformed(ModelState s, ModelSpec none, int width, int numeric) {
    TrainingState t = s.training();
    PendingBatch p = t.pending();
    float[] features = p.features().clone();
    for (int row = 0; row + width <= features.length; row += width) {
      Symlog.apply(features, row, features, row, numeric);
    }
    PendingBatch pending =
        new PendingBatch(p.rows(), features, p.labels(), p.weights(), p.ids(), p.offsets());
    TrainingState training =
        new TrainingState(
            t.optimizer(), pending, t.rngState(), t.prequentialLoss(), t.classCounts());
    return new ModelState(
        none,
        s.counters(),
        s.layers(),
        s.inputNormalizer(),
        s.targetNormalizer(),
        training,
        s.carried(),
        s.embeddings());
  }

  private static float[] symlog(float[] row, int count) {
    float[] out = row.clone();
    Symlog.apply(row, 0, out, 0, count);
    return out;
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "'classes': 2, 'batch_size': 4",
        "'classes': 2, 'batch_size': 3, 'standardize': false",
        "'task': 'regression', 'targets': 1, 'batch_size': 5"
      })
  void symlogLearner_equalsTheLearnerOfTransformedInputs_bitForBit(String rest) {
    ModelSpec symlogSpec = spec(rest, "symlog");
    ModelSpec noneSpec = spec(rest, "none");
    boolean regression = symlogSpec.task() == ModelSpec.Task.REGRESSION;
    float[][] x = rows(11);
    OnlineLearner symlog = OnlineLearner.create(symlogSpec);
    OnlineLearner none = OnlineLearner.create(noneSpec);
    for (int i = 0; i < N; i++) {
      float[] label = {regression ? x[i][2] * 3 + 1 : i % 2};
      symlog.learn(x[i], label);
      none.learn(symlog(x[i], 3), label);
    }
    assertThat(symlog.state().training().pending().features())
        .as("the pending mini-batch keeps the inputs as they came")
        .contains(x[N - 1]);
    assertSameState(asTransformed(symlog.state(), noneSpec, 3, 3), none.state());
    assertThat(symlog.state().training().prequentialLoss())
        .isEqualTo(none.state().training().prequentialLoss());

    // A resumed learner goes on the same.
    ModelState saved = SnapshotCodec.decode(SnapshotCodec.encode(symlog.state(), 0));
    assertThat(saved.spec().inputTransform()).isEqualTo(ModelSpec.InputTransform.SYMLOG);
    float[][] more = rows(12);
    OnlineLearner resumed = OnlineLearner.restore(saved);
    for (int i = 0; i < N; i++) {
      float[] label = {regression ? more[i][2] : i % 2};
      resumed.learn(more[i], label);
      none.learn(symlog(more[i], 3), label);
    }
    assertSameState(asTransformed(resumed.state(), noneSpec, 3, 3), none.state());

    float[] batch = new float[3 * 4];
    float[] transformed = new float[batch.length];
    for (int r = 0; r < 4; r++) {
      System.arraycopy(x[r], 0, batch, 3 * r, 3);
      System.arraycopy(symlog(x[r], 3), 0, transformed, 3 * r, 3);
    }
    assertThat(resumed.predictor().predict(batch, 4))
        .containsExactly(none.predictor().predict(transformed, 4));
    assertThat(Predictor.of(resumed.state()).predict(batch, 4))
        .containsExactly(Predictor.of(none.state()).predict(transformed, 4));
  }

  @ParameterizedTest
  @ValueSource(strings = {"true", "false"})
  void rawFeatures_symlogOnTheNumericColumnsOnly_missingStaysMissing(String standardize) {
    String rest = "'classes': 3, 'hidden': [8], 'batch_size': 4, 'standardize': " + standardize;
    ModelSpec symlogSpec =
        RawExamples.spec(rest + ", 'learner': 'single', 'input_transform': 'symlog'");
    ModelSpec noneSpec = RawExamples.spec(rest + ", 'learner': 'single'");
    int numeric = symlogSpec.features().layout().numericCount();
    assertThat(numeric).isEqualTo(2);
    List<FeatureRow> rows = RawExamples.rows(symlogSpec, N, 5);
    List<FeatureRow> transformed = new ArrayList<>();
    for (FeatureRow row : rows) {
      transformed.add(new FeatureRow(symlog(row.dense(), numeric), row.ids()));
    }
    assertThat(rows).anySatisfy(r -> assertThat(r.dense()[0]).isNaN()); // some amounts missing
    float[][] labels = RawExamples.labels(N, 3, 5);
    OnlineLearner symlog = OnlineLearner.create(symlogSpec);
    OnlineLearner none = OnlineLearner.create(noneSpec);
    RawExamples.learn(symlog, rows, labels, 0, N);
    RawExamples.learn(none, transformed, labels, 0, N);

    int width = symlogSpec.features().layout().denseWidth();
    assertSameState(asTransformed(symlog.state(), noneSpec, width, numeric), none.state());
    FeatureRow[] some = rows.subList(0, 6).toArray(FeatureRow[]::new);
    FeatureRow[] someTransformed = transformed.subList(0, 6).toArray(FeatureRow[]::new);
    assertThat(Predictor.of(symlog.state()).predict(some))
        .containsExactly(Predictor.of(none.state()).predict(someTransformed));
  }
}
