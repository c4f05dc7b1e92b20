package io.streamprop.trainer.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamprop.learn.StepResult;
import org.junit.jupiter.api.Test;

/**
 * The per-layer gauges: the gradient norm follows every step, the weight norm and update ratio keep
 * the last measured value through the steps that did not measure them (NaN in the step).
 */
class LayerGaugesTest {

  private static StepResult step(double gradientNorm, double weightNorm, double updateRatio) {
    return new StepResult(
        8,
        4.0,
        6,
        0,
        false,
        0.01,
        new StepResult.LayerStats[] {
          new StepResult.LayerStats(gradientNorm, weightNorm, updateRatio)
        });
  }

  private static double gauge(SimpleMeterRegistry registry, String name) {
    return registry.find(name).tag("model", "m").tag("layer", "0").gauge().value();
  }

  @Test
  void unmeasuredSteps_keepTheLastWeightNormAndUpdateRatio_gradientNormFollowsEveryStep() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ModelMeters meters = new TrainerMetrics(registry).model("m");

    meters.step(step(0.5, Double.NaN, Double.NaN), true);
    assertThat(gauge(registry, "streamprop.gradient.norm")).isEqualTo(0.5);
    assertThat(gauge(registry, "streamprop.weight.norm")).isNaN(); // nothing measured yet
    assertThat(gauge(registry, "streamprop.update.ratio")).isNaN();

    meters.step(step(0.25, 3.0, 0.02), true);
    meters.step(step(0.125, Double.NaN, Double.NaN), true);
    meters.step(step(0.0625, Double.NaN, Double.NaN), true);
    assertThat(gauge(registry, "streamprop.gradient.norm")).isEqualTo(0.0625);
    assertThat(gauge(registry, "streamprop.weight.norm")).isEqualTo(3.0);
    assertThat(gauge(registry, "streamprop.update.ratio")).isEqualTo(0.02);

    meters.step(step(0.5, 4.0, 0.01), true);
    assertThat(gauge(registry, "streamprop.weight.norm")).isEqualTo(4.0);
    assertThat(gauge(registry, "streamprop.update.ratio")).isEqualTo(0.01);
  }
}
