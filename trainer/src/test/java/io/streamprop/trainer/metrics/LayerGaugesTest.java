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
    return gauge(registry, name, 0);
  }

  private static double gauge(SimpleMeterRegistry registry, String name, int layer) {
    return registry
        .find(name)
        .tag("model", "m")
        .tag("layer", Integer.toString(layer))
        .gauge()
        .value();
  }

  /** A measured step of a network of {@code depth} dense layers, layer i's figures i + x. */
  private static StepResult deep(int depth, double x) {
    StepResult.LayerStats[] layers = new StepResult.LayerStats[depth];
    for (int i = 0; i < depth; i++) {
      layers[i] = new StepResult.LayerStats(i + x, i + x, i + x);
    }
    return new StepResult(8, 4.0, 6, 0, false, 0.01, layers);
  }

  @Test
  void servedNetworkChangesDepth_gaugesFollowIt_layersItLacksHaveNoFigures() {
    // A population's served member may be a linear one (one layer) and then a network again.
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ModelMeters meters = new TrainerMetrics(registry).model("m");

    meters.step(deep(3, 0.5), true);
    meters.step(deep(1, 0.25), true);
    assertThat(gauge(registry, "streamprop.update.ratio", 0)).isEqualTo(0.25);
    assertThat(gauge(registry, "streamprop.update.ratio", 1)).isNaN();
    assertThat(gauge(registry, "streamprop.gradient.norm", 2)).isNaN();

    meters.step(deep(3, 0.125), true);
    for (int layer = 0; layer < 3; layer++) {
      assertThat(gauge(registry, "streamprop.update.ratio", layer)).isEqualTo(layer + 0.125);
      assertThat(gauge(registry, "streamprop.weight.norm", layer)).isEqualTo(layer + 0.125);
      assertThat(gauge(registry, "streamprop.gradient.norm", layer)).isEqualTo(layer + 0.125);
    }
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
