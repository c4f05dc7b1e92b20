package io.streamprop.nn.optim;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamprop.spec.ModelSpec.OptimizerName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An optimizer's state never stays subnormal for long ({@link SlottedOptimizer}): before every
 * {@value SlottedOptimizer#FLUSH_EVERY}th step the state below {@link Float#MIN_NORMAL} becomes 0,
 * in dense tensors and in the table rows the step touches, and Adam's weights move as without the
 * flush.
 */
class SubnormalMomentsTest {
  private static final float TINY = 1e-19f; // its square, times 1 − β2, is subnormal
  private static final int ROWS = 3;
  private static final int DIM = 2;

  private static int subnormals(float[] x) {
    int n = 0;
    for (float f : x) {
      if (f != 0 && Math.abs(f) < Float.MIN_NORMAL) {
        n++;
      }
    }
    return n;
  }

  @Test
  void denseMoments_flushedBeforeEverySixteenthStep_weightsAsWithoutTheFlush() {
    Optimizer adam =
        Optimizers.create(TestSpecs.optimizer(OptimizerName.ADAM).build(), new int[] {2});
    float[][] params = {{0.5f, -0.25f}};
    float[][] grads = {{TINY, -TINY}};
    float[] reference = params[0].clone();
    float[] m = new float[2];
    float[] v = new float[2];
    for (int t = 1; t <= 2 * SlottedOptimizer.FLUSH_EVERY; t++) {
      grads[0][0] = t == 1 ? TINY : 0f; // then nothing: the moments only decay
      grads[0][1] = -TINY;
      adam.step(params, grads, new boolean[] {false}, 1e-3f);
      // The rule without the flush, spelled out as AdamBase's class comment writes it.
      double bc1 = 1 - Math.pow(0.9, t);
      float bc2 = (float) Math.sqrt(1 - Math.pow(0.999, t));
      float negStep = (float) -((double) 1e-3f / bc1);
      for (int i = 0; i < 2; i++) {
        float g = grads[0][i];
        m[i] = m[i] * 0.9f + (float) (1 - 0.9) * g;
        v[i] = v[i] * 0.999f + (float) (1 - 0.999) * g * g;
        reference[i] += negStep * m[i] / ((float) Math.sqrt(v[i]) / bc2 + 1e-8f);
      }
      // Column 0's v decays (subnormal) until the flush before step 16 zeroes it for good; column
      // 1's gradient keeps adding a subnormal g² after every flush.
      float[] v0 = adam.state().moment(0, "v");
      assertThat(subnormals(v0))
          .as("v, t=%d", t)
          .isEqualTo(t < SlottedOptimizer.FLUSH_EVERY ? 2 : 1);
      if (t >= SlottedOptimizer.FLUSH_EVERY) {
        assertThat(v0[0]).as("column 0's v, t=%d", t).isZero();
      }
      assertThat(params[0]).as("weights, t=%d", t).isEqualTo(reference);
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = OptimizerName.class,
      names = {"ADAM", "ADAMW", "RMSPROP", "MOMENTUM", "NESTEROV", "ADAGRAD"})
  void everyOptimizersState_subnormalAfterTinyGradients_zeroFromTheSixteenthStep(
      OptimizerName name) {
    Optimizer optimizer = Optimizers.create(TestSpecs.optimizer(name).build(), new int[] {2});
    float[][] params = {{0.5f, -0.25f}};
    for (int t = 1; t <= SlottedOptimizer.FLUSH_EVERY; t++) {
      // One step of tiny gradients (g² underflows below 2^-126; 1e-39 is itself subnormal), then 0.
      float[][] grads = {t == 1 ? new float[] {TINY, 1e-39f} : new float[2]};
      optimizer.step(params, grads, new boolean[] {false}, 1e-3f);
      OptimizerState state = optimizer.state();
      int subnormal = 0;
      for (String slot : state.slots()) {
        subnormal += subnormals(state.moment(0, slot));
      }
      if (t < SlottedOptimizer.FLUSH_EVERY) {
        assertThat(subnormal).as("%s's state after step %d", name, t).isPositive();
      } else {
        assertThat(subnormal).as("%s's state after step %d", name, t).isZero();
      }
    }
  }

  @Test
  void tableMoments_flushedInTheTouchedRowsOnly() {
    Optimizer adam =
        Optimizers.create(TestSpecs.optimizer(OptimizerName.ADAM).build(), new int[] {ROWS * DIM});
    float[][] params = {new float[ROWS * DIM]};
    float[][] grads = {new float[ROWS * DIM]};
    TouchedRows rows = new TouchedRows(ROWS, DIM);
    for (int t = 1; t <= SlottedOptimizer.FLUSH_EVERY; t++) {
      java.util.Arrays.fill(grads[0], 0f);
      rows.clear();
      // Step 1 touches rows 0 and 1 with tiny gradients; later steps touch row 0 only.
      int[] touched = t == 1 ? new int[] {0, 1} : new int[] {0};
      rows.addAll(touched, 0, touched.length);
      for (int r : touched) {
        grads[0][r * DIM] = TINY;
        grads[0][r * DIM + 1] = t == 1 ? TINY : 0f;
      }
      adam.step(params, grads, new boolean[] {false}, new TouchedRows[] {rows}, 1e-3f);
    }
    float[] v = adam.state().moment(0, "v");
    assertThat(subnormals(java.util.Arrays.copyOfRange(v, 0, DIM)))
        .as("row 0, touched by the flushing step: only this step's own g² is left")
        .isEqualTo(1);
    assertThat(v[1]).as("row 0's column whose gradient stopped").isZero();
    assertThat(subnormals(java.util.Arrays.copyOfRange(v, DIM, 2 * DIM)))
        .as("row 1, untouched since step 1, keeps its moments (lazy)")
        .isEqualTo(2);
  }
}
