package io.streamprop.scorer.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import org.junit.jupiter.api.Test;

class ServingStatsTest {

  private static ModelSpec spec(ModelSpec.Task task, int outputs, ModelSpec.Loss loss) {
    String json =
        task == ModelSpec.Task.CLASSIFICATION
            ? "{\"inputs\": 2, \"classes\": " + outputs
            : "{\"inputs\": 2, \"task\": \"regression\", \"targets\": " + outputs;
    return SpecJson.parse(json + ", \"loss\": \"" + loss.name().toLowerCase() + "\"}");
  }

  @Test
  void classification_lossAccuracyAndPriorBaseline() {
    ServingStats stats =
        new ServingStats(
            spec(ModelSpec.Task.CLASSIFICATION, 2, ModelSpec.Loss.SOFTMAX_CROSS_ENTROPY), 1e12);

    stats.add(new float[] {0.25f, 0.75f}, 0, new float[] {1});
    stats.add(new float[] {0.9f, 0.1f}, 0, new float[] {1});

    assertThat(stats.servedLoss.value())
        .isCloseTo((-Math.log(0.75f) - Math.log(0.1f)) / 2, within(1e-6));
    assertThat(stats.servedQuality.value()).isCloseTo(0.5, within(1e-9));
    // Baseline: prior (0+1)/(0+2) for the first, (1+1)/(1+2) for the second; majority class 0
    // (tie) for the first, class 1 for the second.
    assertThat(stats.baselineLoss.value())
        .isCloseTo((-Math.log(0.5) - Math.log(2.0 / 3)) / 2, within(1e-6));
    assertThat(stats.baselineQuality.value()).isCloseTo(0.5, within(1e-9));
  }

  @Test
  void classification_zeroProbability_lossIsClampedNotInfinite() {
    ServingStats stats =
        new ServingStats(
            spec(ModelSpec.Task.CLASSIFICATION, 2, ModelSpec.Loss.SOFTMAX_CROSS_ENTROPY), 10);

    stats.add(new float[] {1f, 0f}, 0, new float[] {1});

    assertThat(stats.servedLoss.value())
        .isCloseTo(-Math.log(ServingStats.MIN_PROBABILITY), within(1e-9));
  }

  @Test
  void regression_mseAndRunningMeanBaseline() {
    ServingStats stats =
        new ServingStats(spec(ModelSpec.Task.REGRESSION, 1, ModelSpec.Loss.MSE), 1e12);

    stats.add(new float[] {1f}, 0, new float[] {2});
    stats.add(new float[] {5f}, 0, new float[] {4});

    assertThat(stats.servedLoss.value()).isCloseTo(1.0, within(1e-9));
    assertThat(stats.servedQuality.value()).isCloseTo(1.0, within(1e-9));
    // Baseline predicts 0 (nothing seen), then 2: errors 2 and 2.
    assertThat(stats.baselineQuality.value()).isCloseTo(4.0, within(1e-6));
  }

  @Test
  void regression_huberLoss_linearBeyondDelta() {
    ServingStats stats =
        new ServingStats(spec(ModelSpec.Task.REGRESSION, 1, ModelSpec.Loss.HUBER), 1e12);

    stats.add(new float[] {0f}, 0, new float[] {3});

    assertThat(stats.servedLoss.value()).isCloseTo(1.0 * (3 - 0.5), within(1e-9));
    assertThat(stats.servedQuality.value()).isCloseTo(9.0, within(1e-9));
  }
}
