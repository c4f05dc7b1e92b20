package io.streamprop.trainer.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** Per-model meters stop at the configured number of models; the rest share {@code _other}. */
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

  private static double counted(SimpleMeterRegistry registry, String model) {
    return registry.find("streamprop.examples.trained").tag("model", model).counter().count();
  }
}
