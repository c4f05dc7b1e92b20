package io.streamprop.learn.population;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The drift harness's definitions, on hand-made curves (the figures in the docs rest on them). */
class DriftMeasureTest {
  private static final long[] POSITIONS = {100, 200, 300, 400, 500, 600};

  @Test
  void recovery_countsExamplesAfterTheChangeUntilBackWithinToleranceAfterADrop() {
    DriftMeasure.Curve curve =
        new DriftMeasure.Curve(POSITIONS, new double[] {0.80, 0.80, 0.79, 0.50, 0.77, 0.79});
    assertThat(curve.mean(100, 200)).isEqualTo(0.80);
    // 0.79 at 300 is within 2 points but nothing has dropped yet; 0.50 drops; 0.77 is 3 below;
    // 0.79 at 600 is back.
    assertThat(curve.recovery(200, 0.80, 0.02)).isEqualTo(400);
    assertThat(curve.recovery(200, 0.80, 0.04)).isEqualTo(300);
  }

  @Test
  void recovery_isZeroWithoutADrop_andMinusOneWithoutAReturn() {
    DriftMeasure.Curve steady =
        new DriftMeasure.Curve(POSITIONS, new double[] {0.8, 0.8, 0.79, 0.81, 0.8, 0.8});
    assertThat(steady.recovery(200, 0.80, 0.02)).isZero();
    DriftMeasure.Curve lost =
        new DriftMeasure.Curve(POSITIONS, new double[] {0.8, 0.8, 0.3, 0.4, 0.5, 0.6});
    assertThat(lost.recovery(200, 0.80, 0.02)).isEqualTo(-1);
  }

  @Test
  void changes_shiftEveryLabel_andReverseTheColumns() {
    for (int k = 0; k < 26; k++) {
      float shifted = DriftMeasure.Change.LABELS.label(k, 26);
      assertThat(shifted).isNotEqualTo((float) k).isBetween(0f, 25f);
    }
    assertThat(DriftMeasure.Change.FEATURES.features(new float[] {1, 2, 3}))
        .containsExactly(3, 2, 1);
    assertThat(DriftMeasure.Change.LABELS.features(new float[] {1, 2, 3})).containsExactly(1, 2, 3);
    assertThat(DriftMeasure.Change.FEATURES.label(4, 26)).isEqualTo(4f);
  }

  private static io.streamprop.learn.StepResult step(int examples, int correct) {
    return new io.streamprop.learn.StepResult(examples, 0, correct, 0, false, 0, null);
  }

  @Test
  void window_holdsTheLastExamples_whetherStepsHoldOneExampleOrAMiniBatch() {
    DriftMeasure.Window window = new DriftMeasure.Window(16);
    for (int i = 0; i < 15; i++) {
      assertThat(window.add(step(1, 1))).isNaN(); // a warm-up: a step per example
    }
    assertThat(window.add(step(1, 0))).isEqualTo(15 / 16.0);
    // A mini-batch of 8 with 4 right pushes out the oldest 8 single steps (8 right).
    assertThat(window.add(step(8, 4))).isEqualTo((7 + 0 + 4) / 16.0);
    assertThat(window.add(step(8, 8))).isEqualTo((4 + 8) / 16.0);
  }
}
