package io.streamprop.learn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.streamprop.learn.state.LayerState;
import io.streamprop.learn.state.ModelState;
import io.streamprop.learn.state.SameState;
import io.streamprop.nn.optim.OptimizerState;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecDefaults;
import io.streamprop.spec.SpecJson;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OnlineLearnerTest {
  private static final String DROPOUT_BN =
      "{'inputs': 13, 'classes': 3, 'hidden': [16, 8], 'batch_size': 8, 'batch_norm': true,"
          + " 'dropout': 0.2, 'activation': 'gelu'}";
  private static final String PLAIN = "{'inputs': 13, 'classes': 3, 'batch_size': 8}";
  private static final String SGD_DECAY =
      "{'inputs': 13, 'classes': 3, 'batch_size': 5, 'optimizer': {'name': 'adamw',"
          + " 'weight_decay': 0.01}, 'schedule': {'name': 'step', 'warmup_steps': 3,"
          + " 'decay_steps': 4}}";

  static ModelSpec spec(String json) {
    return SpecJson.parse(json.replace('\'', '"'));
  }

  private static void feed(OnlineLearner learner, Datasets.Dataset data, int from, int to) {
    for (int i = from; i < to; i++) {
      learner.learn(data.features()[i], new float[] {data.labels()[i]});
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {PLAIN, DROPOUT_BN, SGD_DECAY})
  void sameSpecAndData_twoLearners_identicalStateBits(String json) {
    Datasets.Dataset wine = Datasets.load("wine");
    OnlineLearner first = OnlineLearner.create(spec(json));
    OnlineLearner second = OnlineLearner.create(spec(json));
    feed(first, wine, 0, wine.rows());
    feed(second, wine, 0, wine.rows());
    assertSameState(first.state(), second.state());
    assertThat(first.steps()).isGreaterThan(10);
  }

  @ParameterizedTest
  @ValueSource(strings = {PLAIN, DROPOUT_BN, SGD_DECAY})
  void resumeFromStateMidBatch_identicalToUninterrupted(String json) {
    Datasets.Dataset wine = Datasets.load("wine");
    OnlineLearner uninterrupted = OnlineLearner.create(spec(json));
    feed(uninterrupted, wine, 0, wine.rows());

    OnlineLearner before = OnlineLearner.create(spec(json));
    int cut = 83; // not a multiple of any batch size above: the pending batch is partly full
    feed(before, wine, 0, cut);
    ModelState saved = before.state();
    assertThat(saved.training().pending().rows()).isPositive();
    feed(before, wine, cut, cut + 7); // must not leak into the saved copy
    OnlineLearner resumed = OnlineLearner.restore(saved);
    feed(resumed, wine, cut, wine.rows());

    assertSameState(uninterrupted.state(), resumed.state());
  }

  @Test
  void state_partsAndShapes_followTheSpec() {
    OnlineLearner learner = OnlineLearner.create(spec(DROPOUT_BN));
    Datasets.Dataset wine = Datasets.load("wine");
    feed(learner, wine, 0, 11);
    ModelState state = learner.state();

    assertThat(state.layers()).hasSize(3);
    assertThat(state.layers().get(0).dense().weight()).hasSize(13 * 16);
    assertThat(state.layers().get(0).dense().bias()).hasSize(16);
    assertThat(state.layers().get(1).batchNorm().runningVar()).hasSize(8);
    assertThat(state.layers().get(2).batchNorm()).isNull(); // the output layer
    assertThat(state.layers().get(2).dense().weight()).hasSize(8 * 3);
    OptimizerState optimizer = state.training().optimizer();
    assertThat(optimizer.slots()).containsExactly("m", "v");
    assertThat(optimizer.tensors()).isEqualTo(3 * 2 + 2 * 2); // dense w, b; bn gamma, beta
    assertThat(optimizer.moment(2, "m")).hasSize(16); // bn.0 gamma
    assertThat(optimizer.steps()).isEqualTo(1);
    assertThat(state.training().pending().rows()).isEqualTo(3);
    assertThat(state.training().pending().features()).hasSize(3 * 13);
    assertThat(state.training().pending().labels()).hasSize(3);
    assertThat(state.inputNormalizer().count()).isEqualTo(11.0);
    assertThat(state.inputNormalizer().mean()).hasSize(13);
    assertThat(state.targetNormalizer()).isNull();
    assertThat(state.carried().isEmpty()).isTrue();
    assertThat(state.examples()).isEqualTo(11);
    assertThat(state.steps()).isEqualTo(1);
    assertThat(state.version()).isZero();
  }

  @Test
  void state_isADeepCopy() {
    OnlineLearner learner = OnlineLearner.create(spec(PLAIN));
    ModelState state = learner.state();
    float before = state.layers().get(0).dense().weight()[0];
    feed(learner, Datasets.load("wine"), 0, 16);
    assertThat(state.layers().get(0).dense().weight()[0]).isEqualTo(before);
    assertThat(learner.state().layers().get(0).dense().weight()[0]).isNotEqualTo(before);
  }

  /** Every weight, batch-norm array and optimizer moment of a state (not the pending batch). */
  static List<float[]> modelArrays(ModelState state) {
    List<float[]> arrays = new ArrayList<>();
    for (LayerState layer : state.layers()) {
      arrays.add(layer.dense().weight());
      arrays.add(layer.dense().bias());
      if (layer.batchNorm() != null) {
        arrays.add(layer.batchNorm().gamma());
        arrays.add(layer.batchNorm().beta());
        arrays.add(layer.batchNorm().runningMean());
        arrays.add(layer.batchNorm().runningVar());
      }
    }
    for (float[][] tensor : state.training().optimizer().moments()) {
      arrays.addAll(List.of(tensor));
    }
    return arrays;
  }

  /** Weights, batch-norm arrays and optimizer moments unchanged, bit for bit, and finite. */
  static void assertSameModelArrays(ModelState after, ModelState before) {
    List<float[]> expected = modelArrays(before);
    List<float[]> actual = modelArrays(after);
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < expected.size(); i++) {
      assertThat(actual.get(i)).as("array %d", i).containsExactly(expected.get(i));
      for (float v : actual.get(i)) {
        assertThat(Float.isFinite(v)).as("array %d", i).isTrue();
      }
    }
  }

  @Test
  void hugeValues_nonFiniteLoss_stepSkippedCountedWeightsUntouched() {
    ModelSpec spec =
        spec("{'inputs': 2, 'task': 'regression', 'batch_size': 2, 'standardize': false}");
    OnlineLearner learner = OnlineLearner.create(spec);
    learner.learn(new float[] {1, 2}, new float[] {3});
    learner.learn(new float[] {2, 1}, new float[] {1});
    ModelState before = learner.state();
    learner.learn(new float[] {3e38f, -3e38f}, new float[] {3e38f});
    StepResult result = learner.learn(new float[] {-3e38f, 3e38f}, new float[] {-3e38f});

    assertThat(result.skipped()).isTrue();
    assertThat(learner.skippedSteps()).isEqualTo(1);
    assertThat(learner.steps()).isEqualTo(1);
    assertSameModelArrays(learner.state(), before);
    // a loss that is not finite is left out of the prequential loss
    assertThat(learner.prequentialLoss()).isEqualTo(before.training().prequentialLoss()).isFinite();
    // The model keeps learning from ordinary data afterwards.
    learner.learn(new float[] {1, 2}, new float[] {3});
    assertThat(learner.learn(new float[] {2, 1}, new float[] {1}).skipped()).isFalse();
    assertThat(learner.steps()).isEqualTo(2);
  }

  @ParameterizedTest
  @ValueSource(strings = {"adam", "adagrad", "rmsprop"})
  void enormousFiniteGradient_clippingOff_stepSkippedOptimizerStateStaysFinite(String optimizer) {
    ModelSpec spec =
        spec(
            "{'inputs': 3, 'classes': 2, 'batch_size': 1, 'standardize': false, 'clip_norm': 0,"
                + " 'optimizer': {'name': '"
                + optimizer
                + "'}}");
    OnlineLearner learner = OnlineLearner.create(spec);
    learner.learn(new float[] {1, 2, 3}, new float[] {0});
    ModelState before = learner.state();

    // A finite loss and finite gradients around 10²⁵, whose squares overflow a float.
    StepResult result = learner.learn(new float[] {1e25f, -1e25f, 1}, new float[] {1});

    assertThat(result.skipped()).isTrue();
    assertThat(learner.skippedSteps()).isEqualTo(1);
    ModelState after = learner.state();
    assertSameModelArrays(after, before);
    // Ordinary examples still move every weight afterwards (an overflowed moment would freeze
    // them: +∞ in the denominator).
    for (int i = 0; i < 20; i++) {
      learner.learn(new float[] {1, 2, 3}, new float[] {i % 2});
    }
    assertThat(learner.state().layers().get(0).dense().weight())
        .isNotEqualTo(after.layers().get(0).dense().weight());
  }

  @Test
  void nonFiniteFeature_rejectedWithIndex_modelUnchanged() {
    OnlineLearner learner = OnlineLearner.create(spec(PLAIN));
    float[] features = new float[13];
    features[4] = Float.NaN;
    assertThatThrownBy(() -> learner.learn(features, new float[] {0}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("features[4]");
    assertThatThrownBy(() -> learner.learn(new float[13], new float[] {3}))
        .hasMessageContaining("class index in [0, 2], got 3.0");
    assertThatThrownBy(() -> learner.learn(new float[12], new float[] {0}))
        .hasMessageContaining("expected 13 values, got 12");
    assertThat(learner.examples()).isZero();
    assertThat(learner.state().inputNormalizer().count()).isZero();
  }

  @Test
  void stepResult_reportsPrequentialScoreAndLayerStats() {
    OnlineLearner learner = OnlineLearner.create(spec(PLAIN));
    Datasets.Dataset wine = Datasets.load("wine");
    StepResult first = null;
    StepResult last = null;
    // The weights are measured on step 16 (mini-batches of 8): the first measured step.
    for (int i = 0; i < 8 * WeightUpdates.MEASURE_EVERY; i++) {
      StepResult r = learner.learn(wine.features()[i], new float[] {wine.labels()[i]});
      if (r != null) {
        first = first == null ? r : first;
        last = r;
      }
    }
    assertThat(first.examples()).isEqualTo(8);
    assertThat(first.lossSum()).isPositive();
    assertThat(first.correct()).isBetween(0, 8);
    assertThat(first.learningRate()).isEqualTo(SpecDefaults.LEARNING_RATE);
    assertThat(first.layers()).hasSize(SpecDefaults.HIDDEN.size() + 1);
    for (StepResult.LayerStats layer : first.layers()) {
      assertThat(layer.gradientNorm()).isPositive();
      assertThat(layer.weightsMeasured()).isFalse();
    }
    // Adam moves every weight by about the learning rate while the gradients' signs hold (m/√v
    // near ±1), so the ratio is at most about lr / rms(weights): 0.01·√(13/2) = 0.025 on the
    // He-initialized hidden layer and 0.01·√(3·64) = 0.14 on the output layer (variance
    // 1/(3·64)); an update as large as the weights themselves (ratio near 1) would be a bug.
    assertThat(learner.steps()).isEqualTo(WeightUpdates.MEASURE_EVERY);
    for (StepResult.LayerStats layer : last.layers()) {
      assertThat(layer.gradientNorm()).isPositive();
      assertThat(layer.weightNorm()).isPositive();
      assertThat(layer.updateRatio()).isPositive().isLessThan(0.25);
    }
  }

  @Test
  void prequentialLoss_exponentialAverageOfTheStepsLosses_keptInTheState() {
    OnlineLearner learner = OnlineLearner.create(spec(PLAIN)); // mini-batches of 8
    Datasets.Dataset wine = Datasets.load("wine");
    assertThat(learner.prequentialLoss()).isNaN();
    assertThat(learner.state().training().prequentialLoss()).isNaN();
    double weight = 1 - Math.exp(-8 / 1000.0);
    double expected = Double.NaN;
    for (int i = 0; i < 83; i++) {
      StepResult step = learner.learn(wine.features()[i], new float[] {wine.labels()[i]});
      if (step != null) {
        double mean = step.lossSum() / step.examples();
        expected = Double.isNaN(expected) ? mean : expected + weight * (mean - expected);
      }
    }

    assertThat(learner.prequentialLoss()).isCloseTo(expected, within(1e-12));
    assertThat(learner.state().training().prequentialLoss()).isEqualTo(learner.prequentialLoss());
    assertThat(OnlineLearner.restore(learner.state()).prequentialLoss())
        .isEqualTo(learner.prequentialLoss());
  }

  @ParameterizedTest
  @ValueSource(strings = {PLAIN, SGD_DECAY})
  void resumedLearner_sameStepResultsAsUninterrupted(String json) {
    // Both measure the weights on the same steps (by the step count, which the state carries) and
    // report the same figures, bit for bit.
    Datasets.Dataset wine = Datasets.load("wine");
    OnlineLearner uninterrupted = OnlineLearner.create(spec(json));
    feed(uninterrupted, wine, 0, 40);
    OnlineLearner resumed = OnlineLearner.restore(uninterrupted.state());
    int compared = 0;
    int measured = 0;
    for (int i = 40; i < wine.rows(); i++) {
      float[] label = {wine.labels()[i]};
      StepResult a = uninterrupted.learn(wine.features()[i], label);
      StepResult b = resumed.learn(wine.features()[i], label);
      assertThat(b == null).isEqualTo(a == null);
      if (a != null) {
        assertThat(b.lossSum()).isEqualTo(a.lossSum());
        assertThat(b.layers()).containsExactly(a.layers());
        compared++;
        measured += a.layers()[0].weightsMeasured() ? 1 : 0;
      }
    }
    assertThat(compared).isGreaterThan(5);
    assertThat(measured).isPositive();
  }

  @Test
  void batchNormWithBatchOne_rejectedUpFront() {
    assertThatThrownBy(
            () ->
                OnlineLearner.create(
                    spec("{'inputs': 3, 'classes': 2, 'batch_size': 1, 'batch_norm': true}")))
        .hasMessageContaining("batch_size >= 2");
  }

  static void assertSameState(ModelState expected, ModelState actual) {
    SameState.assertSameState(actual, expected);
  }
}
