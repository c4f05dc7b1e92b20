package io.streamprop.learn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamprop.nn.Mlp;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The weight norm and update ratio are measured on the learner's steps K, 2K, ... (K = {@value
 * WeightUpdates#MEASURE_EVERY}) only, and there they are what a measurement around that very step
 * gives; the gradient norms come with every step.
 */
class WeightStatsSamplingTest {
  private static final int K = WeightUpdates.MEASURE_EVERY;

  private static ModelSpec spec(String json) {
    return SpecJson.parse(json.replace('\'', '"'));
  }

  /** Copies of every dense layer's weights, input side first. */
  private static float[][] denseWeights(Mlp mlp) {
    float[][] weights = new float[mlp.layers()][];
    for (int l = 0; l < weights.length; l++) {
      weights[l] = mlp.parameters()[mlp.weightIndex(l)].clone();
    }
    return weights;
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{'inputs': 13, 'classes': 3, 'batch_size': 8}",
        "{'inputs': 13, 'classes': 3, 'hidden': [16, 8], 'batch_size': 1, 'optimizer': 'momentum'}"
      })
  void weightStats_onStepsKAnd2K_equalToAMeasurementAroundThatStep_NaNOnTheOthers(String json) {
    Datasets.Dataset wine = Datasets.load("wine");
    OnlineLearner learner = OnlineLearner.create(spec(json));
    Mlp mlp = learner.mlp();
    int measuredSteps = 0;
    for (int i = 0; learner.steps() < 3L * K + 5; i++) {
      int row = i % wine.rows();
      float[][] before = denseWeights(mlp);
      StepResult step = learner.learn(wine.features()[row], new float[] {wine.labels()[row]});
      if (step == null) {
        continue;
      }
      assertThat(step.skipped()).isFalse();
      long t = learner.steps();
      for (int l = 0; l < mlp.layers(); l++) {
        StepResult.LayerStats stats = step.layers()[l];
        assertThat(stats.gradientNorm()).as("step %d layer %d", t, l).isFinite().isNotNegative();
        if (t % K != 0) {
          assertThat(stats.weightsMeasured()).as("step %d layer %d", t, l).isFalse();
          assertThat(stats.weightNorm()).as("step %d layer %d", t, l).isNaN();
          assertThat(stats.updateRatio()).as("step %d layer %d", t, l).isNaN();
          continue;
        }
        // What measuring every step gave: the lane sums of these weights against a fresh copy of
        // the weights before this step's update.
        float[] after = mlp.parameters()[mlp.weightIndex(l)];
        float[][] chunks = UpdateSums.chunks(after.length);
        UpdateSums.copy(before[l], chunks);
        double[] sums = new double[3];
        new UpdateSums().measure(after, chunks, sums);
        assertThat(stats.weightsMeasured()).as("step %d layer %d", t, l).isTrue();
        assertThat(stats.weightNorm()).as("step %d layer %d", t, l).isEqualTo(Math.sqrt(sums[0]));
        assertThat(stats.updateRatio())
            .as("step %d layer %d", t, l)
            .isEqualTo(Math.sqrt(sums[2] / sums[1]));
        // and what they mean, in exact double sums
        double norm = Math.sqrt(UpdateSumsTest.squares(after));
        double ratio =
            Math.sqrt(
                UpdateSumsTest.squaredDistance(after, before[l])
                    / UpdateSumsTest.squares(before[l]));
        assertThat(stats.weightNorm()).isCloseTo(norm, within(1e-5 * norm));
        assertThat(stats.updateRatio()).isPositive().isCloseTo(ratio, within(1e-5 * ratio));
      }
      if (t % K == 0) {
        measuredSteps++;
      }
    }
    assertThat(measuredSteps).isEqualTo(3);
  }

  @Test
  void restoredLearner_measuresOnTheStepCountItResumesWith() {
    Datasets.Dataset wine = Datasets.load("wine");
    OnlineLearner learner = OnlineLearner.create(spec("{'inputs': 13, 'classes': 3}"));
    for (int i = 0; learner.steps() < K - 3; i++) {
      learner.learn(wine.features()[i % wine.rows()], new float[] {wine.labels()[i % wine.rows()]});
    }
    OnlineLearner restored = OnlineLearner.restore(learner.state());
    long measuredAt = -1;
    for (int i = 0; restored.steps() < K + 2; i++) {
      int row = i % wine.rows();
      StepResult step = restored.learn(wine.features()[row], new float[] {wine.labels()[row]});
      if (step != null && step.layers()[0].weightsMeasured()) {
        assertThat(measuredAt).isEqualTo(-1);
        measuredAt = restored.steps();
      }
    }
    assertThat(measuredAt).isEqualTo(K);
  }
}
