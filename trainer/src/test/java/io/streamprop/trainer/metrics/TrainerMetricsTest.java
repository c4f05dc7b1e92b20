package io.streamprop.trainer.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamprop.learn.StepResult;
import org.junit.jupiter.api.Test;

/**
 * Per-model meters stop at the configured number of models; the rest share {@code _other}. The
 * prequential gauges of a new model are means of its first steps.
 */
class TrainerMetricsTest {
  @Test
  void modelsBeyondTheLimit_shareTheOtherMeters_countersSummed() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    TrainerMetrics metrics = new TrainerMetrics(registry, 2);
    metrics.model("a").trained(1);
    metrics.model("b").trained(1);
    metrics.model("c").trained(1);
    metrics.model("d").trained(1);
    metrics.model("a").trained(2);

    assertThat(metrics.model("c")).isSameAs(metrics.model("d"));
    assertThat(registry.find("streamprop.examples.trained").counters()).hasSize(3);
    assertThat(counted(registry, "a")).isEqualTo(2.0);
    assertThat(counted(registry, "b")).isEqualTo(1.0);
    assertThat(counted(registry, TrainerMetrics.OTHER_MODELS)).isEqualTo(2.0);
  }

  @Test
  void prequentialGauges_ofAModelsFirstSteps_arePlainMeans() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ModelMeters meters = new TrainerMetrics(registry, 10).model("m");
    // A population's warm-up steps every example: one wrong, then three right.
    meters.step(step(0, 2.0), true);
    for (int i = 0; i < 3; i++) {
      meters.step(step(1, 0.5), true);
    }

    assertThat(gauge(registry, "streamprop.prequential.accuracy")).isCloseTo(0.75, within(1e-3));
    assertThat(gauge(registry, "streamprop.prequential.loss")).isCloseTo(0.875, within(1e-3));
  }

  private static StepResult step(int correct, double loss) {
    return new StepResult(1, loss, correct, 0, false, 0.01, null);
  }

  private static double gauge(SimpleMeterRegistry registry, String name) {
    return registry.find(name).tag("model", "m").gauge().value();
  }

  private static double counted(SimpleMeterRegistry registry, String model) {
    return registry.find("streamprop.examples.trained").tag("model", model).counter().count();
  }
}
