package io.streamprop.learn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.streamprop.learn.state.ModelState;
import io.streamprop.learn.state.NormalizerState;
import io.streamprop.spec.ModelSpec;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Regression targets learned in standardized units: the statistics, the mapping back in {@link
 * Predictor}, the prequential figures in the user's units without label leakage, and exact resume.
 */
class TargetStandardizationTest {
  private static final String DIABETES = "{'inputs': 10, 'task': 'regression'}";

  private static void feed(OnlineLearner learner, Datasets.Dataset data, int from, int to) {
    for (int i = from; i < to; i++) {
      learner.learn(data.features()[i], new float[] {data.labels()[i]});
    }
  }

  @Test
  void constantTarget300_learned_predictionsNear300() {
    OnlineLearner learner =
        OnlineLearner.create(OnlineLearnerTest.spec("{'inputs': 3, 'task': 'regression'}"));
    SplittableRandom random = new SplittableRandom(1);
    for (int i = 0; i < 400; i++) {
      float[] x = {(float) random.nextGaussian(), (float) random.nextGaussian(), i % 5};
      learner.learn(x, new float[] {300f});
    }

    float[] predicted = learner.predictor().predict(new float[] {0.3f, -1.2f, 2f}, 1);

    // Constant so far: the target is only centered (m2 == 0), so the network learns 0 exactly.
    assertThat(learner.state().targetNormalizer().m2()).containsExactly(0.0);
    assertThat(learner.state().targetNormalizer().mean()).containsExactly(300.0);
    assertThat(predicted[0]).isCloseTo(300f, within(1f));
  }

  @Test
  void linearTargetOnLargeScale_learnedWell() {
    // y = 1000·x + 500 with x uniform in [0, 1): std of y ≈ 289. Raw-scale learning with the
    // default learning rate cannot get near this in 2000 examples.
    OnlineLearner learner =
        OnlineLearner.create(OnlineLearnerTest.spec("{'inputs': 1, 'task': 'regression'}"));
    SplittableRandom random = new SplittableRandom(2);
    double squaredErrors = 0;
    long scored = 0;
    for (int i = 0; i < 2000; i++) {
      float x = (float) random.nextDouble();
      StepResult result = learner.learn(new float[] {x}, new float[] {1000f * x + 500f});
      if (result != null && i >= 1000) {
        squaredErrors += result.squaredErrorSum();
        scored += result.examples();
      }
    }
    Predictor predictor = learner.predictor();

    // Prequential RMSE over the second half below 3% of the target's standard deviation.
    assertThat(Math.sqrt(squaredErrors / scored)).isLessThan(10.0);
    for (float x : new float[] {0.1f, 0.5f, 0.9f}) {
      assertThat(predictor.predict(new float[] {x}, 1)[0])
          .as("prediction at x = %s", x)
          .isCloseTo(1000f * x + 500f, within(15f));
    }
  }

  @Test
  void firstBatch_scoredWithoutItsOwnLabels() {
    // Constant target 10,000: if the batch's labels were in the statistics that map its outputs
    // back, the first batch would be scored near 10,000 (error ~0). Scored honestly, the model has
    // seen no target yet and predicts its raw outputs, about 0.
    OnlineLearner learner =
        OnlineLearner.create(OnlineLearnerTest.spec("{'inputs': 2, 'task': 'regression'}"));
    StepResult first = null;
    StepResult later = null;
    for (int i = 0; i < 64; i++) {
      StepResult r = learner.learn(new float[] {i % 3, i % 5}, new float[] {10_000f});
      if (r != null) {
        first = first == null ? r : first;
        later = r;
      }
    }

    assertThat(first.squaredErrorSum() / first.examples()).isGreaterThan(0.9e8);
    assertThat(later.squaredErrorSum() / later.examples()).isLessThan(1.0);
  }

  /**
   * The step's figures equal what a predictor of the model before the step gives on the batch (in
   * the user's units), with the input statistics that include the batch: inputs are standardized
   * with the batch, targets mapped back without it.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "{'inputs': 10, 'task': 'regression'}",
        "{'inputs': 10, 'task': 'regression', 'loss': 'huber', 'huber_delta': 20}",
        "{'inputs': 10, 'task': 'regression', 'batch_norm': true, 'dropout': 0.2}"
      })
  void stepFigures_areThePredictorsLossInTheUsersUnits(String json) {
    ModelSpec spec = OnlineLearnerTest.spec(json);
    Datasets.Dataset diabetes = Datasets.load("diabetes");
    OnlineLearner learner = OnlineLearner.create(spec);
    feed(learner, diabetes, 0, 80);
    ModelState before = learner.state(); // 80 = 10 steps of 8, nothing pending
    feed(learner, diabetes, 80, 87);
    StepResult step = learner.learn(diabetes.features()[87], new float[] {diabetes.labels()[87]});
    ModelState scoredBy = // the weights and target statistics from before the batch, the input
        new ModelState( // statistics with the batch
            spec,
            before.counters(),
            before.layers(),
            learner.state().inputNormalizer(),
            before.targetNormalizer(),
            before.training(),
            before.carried());
    float[] x = new float[8 * 10];
    for (int r = 0; r < 8; r++) {
      System.arraycopy(diabetes.features()[80 + r], 0, x, r * 10, 10);
    }

    float[] predicted = Predictor.of(scoredBy).predict(x, 8);

    double squaredErrors = 0;
    double loss = 0;
    for (int r = 0; r < 8; r++) {
      double error = predicted[r] - diabetes.labels()[80 + r];
      squaredErrors += error * error;
      double abs = Math.abs(error);
      double delta = spec.huberDelta();
      loss +=
          spec.loss() == ModelSpec.Loss.HUBER
              ? (abs <= delta ? 0.5 * error * error : delta * (abs - 0.5 * delta))
              : error * error;
    }
    assertThat(step.squaredErrorSum()).isCloseTo(squaredErrors, within(squaredErrors * 1e-6));
    assertThat(step.lossSum()).isCloseTo(loss, within(loss * 1e-6));
    assertThat(squaredErrors / 8).as("mean squared error in the target's units").isGreaterThan(100);
  }

  @Test
  void state_holdsTargetStatistics_onlyForStandardizedRegression() {
    Datasets.Dataset diabetes = Datasets.load("diabetes");
    OnlineLearner learner = OnlineLearner.create(OnlineLearnerTest.spec(DIABETES));
    feed(learner, diabetes, 0, 20); // 2 steps of 8, 4 pending

    ModelState state = learner.state();

    // Updated at step time: the 4 pending labels are not in them yet.
    assertThat(state.targetNormalizer().count()).isEqualTo(16.0);
    double mean = 0;
    for (int i = 0; i < 16; i++) {
      mean += diabetes.labels()[i];
    }
    assertThat(state.targetNormalizer().mean()[0]).isCloseTo(mean / 16, within(1e-9));
    assertThat(state.targetNormalizer().m2()).hasSize(1);
    assertThat(
            OnlineLearner.create(
                    OnlineLearnerTest.spec(
                        "{'inputs': 10, 'task': 'regression', 'standardize': false}"))
                .state()
                .targetNormalizer())
        .isNull();
    assertThat(
            OnlineLearner.create(OnlineLearnerTest.spec("{'inputs': 4, 'classes': 3}"))
                .state()
                .targetNormalizer())
        .isNull();
  }

  @Test
  void multipleTargets_eachStandardizedOnItsOwnScale() {
    OnlineLearner learner =
        OnlineLearner.create(
            OnlineLearnerTest.spec("{'inputs': 2, 'task': 'regression', 'targets': 2}"));
    SplittableRandom random = new SplittableRandom(3);
    for (int i = 0; i < 3000; i++) {
      float a = (float) random.nextDouble();
      float b = (float) random.nextDouble();
      learner.learn(new float[] {a, b}, new float[] {0.01f * (a - b), 5000f * (a + b) - 2000f});
    }

    float[] predicted = learner.predictor().predict(new float[] {0.8f, 0.2f}, 1);

    assertThat(predicted[0]).isCloseTo(0.006f, within(0.001f));
    assertThat(predicted[1]).isCloseTo(3000f, within(100f));
  }

  @Test
  void resumeFromStateMidBatch_regression_identicalToUninterrupted() {
    Datasets.Dataset diabetes = Datasets.load("diabetes");
    for (String json :
        new String[] {
          DIABETES, "{'inputs': 10, 'task': 'regression', 'loss': 'huber', 'batch_norm': true}"
        }) {
      OnlineLearner uninterrupted = OnlineLearner.create(OnlineLearnerTest.spec(json));
      feed(uninterrupted, diabetes, 0, diabetes.rows());
      OnlineLearner twin = OnlineLearner.create(OnlineLearnerTest.spec(json));
      feed(twin, diabetes, 0, diabetes.rows());

      OnlineLearner before = OnlineLearner.create(OnlineLearnerTest.spec(json));
      int cut = 203; // mid-batch: 25 steps of 8 and 3 pending
      feed(before, diabetes, 0, cut);
      ModelState saved = before.state();
      assertThat(saved.training().pending().rows()).isEqualTo(3);
      feed(before, diabetes, cut, cut + 9); // must not leak into the saved copy
      OnlineLearner resumed = OnlineLearner.restore(saved);
      feed(resumed, diabetes, cut, diabetes.rows());

      OnlineLearnerTest.assertSameState(uninterrupted.state(), twin.state());
      OnlineLearnerTest.assertSameState(uninterrupted.state(), resumed.state());
      assertThat(resumed.state().targetNormalizer()).isNotNull();
    }
  }

  @Test
  void stateWithoutTargetStatistics_keepsLearningInRawUnits() {
    // A regression state as a release without target standardization wrote it: no target.*.
    Datasets.Dataset diabetes = Datasets.load("diabetes");
    OnlineLearner learner = OnlineLearner.create(OnlineLearnerTest.spec(DIABETES));
    feed(learner, diabetes, 0, 40);
    ModelState state = learner.state();
    ModelState legacy =
        new ModelState(
            state.spec(),
            state.counters(),
            state.layers(),
            state.inputNormalizer(),
            null,
            state.training(),
            state.carried());

    OnlineLearner resumed = OnlineLearner.restore(legacy);
    float[] raw = Predictor.of(legacy).predict(diabetes.features()[50], 1);
    float[] mapped = Predictor.of(state).predict(diabetes.features()[50], 1);
    feed(resumed, diabetes, 40, 80);

    assertThat(resumed.state().targetNormalizer()).isNull();
    // Same weights: the legacy predictor returns the network's output, the new one maps it back.
    double std = Math.sqrt(state.targetNormalizer().m2()[0] / 40 + Normalizer.EPS);
    assertThat(mapped[0])
        .isCloseTo(
            (float) (raw[0] * (float) std + (float) state.targetNormalizer().mean()[0]),
            within(1e-3f));
  }

  @Test
  void targetStatisticsOnAClassificationState_refused() {
    ModelState state =
        OnlineLearner.create(OnlineLearnerTest.spec("{'inputs': 4, 'classes': 3}")).state();
    ModelState bad =
        new ModelState(
            state.spec(),
            state.counters(),
            state.layers(),
            state.inputNormalizer(),
            new NormalizerState(1, new double[3], new double[3]),
            state.training(),
            state.carried());

    assertThatThrownBy(() -> OnlineLearner.restore(bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("model state has target statistics");
    assertThatThrownBy(() -> Predictor.of(bad))
        .hasMessageContaining("model state has target statistics");
  }
}
