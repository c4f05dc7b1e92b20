package io.streamprop.nn.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamprop.spec.ModelSpec.OptimizerName;
import io.streamprop.spec.ModelSpec.OptimizerSpec;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The lazy step for embedding tables ({@link Optimizer#step(float[][], float[][], boolean[],
 * TouchedRows[], float)}): untouched rows and their state keep their bits, the dense tensors of the
 * same step are updated exactly as by the dense step, the bias correction counts every step, the
 * state resumes exactly, and a table with weight decay is refused.
 */
class SparseOptimizerTest {
  private static final int ROWS = 6;
  private static final int DIM = 3;
  private static final int STEPS = 9;

  /** Rows step s touches: two of rows 0..4 (a changing pair, often a row back after a pause). */
  private static int[] touchedAt(int s) {
    return new int[] {s % 5, (s * 3 + 1) % 5};
  }

  /**
   * A dense tensor (4, weight decay on) and a table (6 x 3), with the gradients of step s: random
   * in the dense tensor and in the table's touched rows, zero elsewhere.
   */
  private static final class Problem {
    final float[][] params = {new float[4], new float[ROWS * DIM]};
    final float[][] grads = {new float[4], new float[ROWS * DIM]};
    final boolean[] decay = {true, false};
    final TouchedRows rows = new TouchedRows(ROWS, DIM);
    final TouchedRows[] sparse = {null, rows};

    Problem() {
      SplittableRandom random = new SplittableRandom(3);
      for (float[] p : params) {
        for (int i = 0; i < p.length; i++) {
          p[i] = (float) random.nextDouble(-1, 1);
        }
      }
    }

    /** Sets the gradients and the touched rows of step s. */
    void gradients(int s) {
      SplittableRandom random = new SplittableRandom(100 + s);
      for (int i = 0; i < 4; i++) {
        grads[0][i] = (float) random.nextDouble(-1, 1);
      }
      java.util.Arrays.fill(grads[1], 0f);
      rows.clear();
      int[] touched = touchedAt(s);
      rows.addAll(touched, 0, touched.length);
      for (int r : touched) {
        for (int d = 0; d < DIM; d++) {
          grads[1][r * DIM + d] += (float) random.nextDouble(-1, 1);
        }
      }
    }
  }

  private static OptimizerSpec spec(OptimizerName name) {
    return TestSpecs.optimizer(name).learningRate(0.05).weightDecay(0.1).build();
  }

  private static int[] sizes() {
    return new int[] {4, ROWS * DIM};
  }

  @ParameterizedTest
  @EnumSource(OptimizerName.class)
  void untouchedRows_keepWeightsAndEveryStateSlotBitForBit_touchedRowsMove(OptimizerName name) {
    Problem p = new Problem();
    Optimizer optimizer = Optimizers.create(spec(name), sizes());
    for (int s = 0; s < STEPS; s++) {
      p.gradients(s);
      float[] before = p.params[1].clone();
      OptimizerState stateBefore = optimizer.state();
      optimizer.step(p.params, p.grads, p.decay, p.sparse, 0.05f);
      OptimizerState stateAfter = optimizer.state();
      for (int r = 0; r < ROWS; r++) {
        for (int d = 0; d < DIM; d++) {
          int i = r * DIM + d;
          if (p.rows.contains(r)) {
            assertThat(p.params[1][i]).as("step %d, touched row %d", s, r).isNotEqualTo(before[i]);
            continue;
          }
          assertThat(Float.floatToRawIntBits(p.params[1][i]))
              .as("step %d, untouched row %d weight", s, r)
              .isEqualTo(Float.floatToRawIntBits(before[i]));
          for (String slot : stateAfter.slots()) {
            assertThat(Float.floatToRawIntBits(stateAfter.moment(1, slot)[i]))
                .as("step %d, untouched row %d %s", s, r, slot)
                .isEqualTo(Float.floatToRawIntBits(stateBefore.moment(1, slot)[i]));
          }
        }
      }
    }
    assertThat(optimizer.steps()).isEqualTo(STEPS);
  }

  @ParameterizedTest
  @EnumSource(OptimizerName.class)
  void denseTensorOfASparseStep_sameBitsAsTheDenseStep(OptimizerName name) {
    Problem lazy = new Problem();
    Problem dense = new Problem();
    Optimizer a = Optimizers.create(spec(name), sizes());
    Optimizer b = Optimizers.create(spec(name), sizes());
    for (int s = 0; s < STEPS; s++) {
      lazy.gradients(s);
      dense.gradients(s);
      a.step(lazy.params, lazy.grads, lazy.decay, lazy.sparse, 0.05f);
      b.step(dense.params, dense.grads, dense.decay, 0.05f);
      assertThat(lazy.params[0]).as("step %d", s).isEqualTo(dense.params[0]);
    }
  }

  /**
   * SGD and AdaGrad forget nothing between steps, so on a gradient that is zero outside the touched
   * rows the lazy step is the dense step, bit for bit; momentum, Nesterov and RMSProp are too when
   * every row is touched.
   */
  @ParameterizedTest
  @EnumSource(
      value = OptimizerName.class,
      names = {"SGD", "ADAGRAD", "MOMENTUM", "NESTEROV", "RMSPROP"})
  void lazyTable_sameBitsAsDense_whereTheRuleAllows(OptimizerName name) {
    // (Adam's table rule is SparseAdam's, checked against PyTorch in EmbeddingGoldenTest.)
    boolean everyStep = name == OptimizerName.SGD || name == OptimizerName.ADAGRAD;
    Problem lazy = new Problem();
    Problem dense = new Problem();
    Optimizer a = Optimizers.create(spec(name), sizes());
    Optimizer b = Optimizers.create(spec(name), sizes());
    for (int s = 0; s < STEPS; s++) {
      lazy.gradients(s);
      dense.gradients(s);
      if (!everyStep) {
        int[] all = {0, 1, 2, 3, 4, 5};
        lazy.rows.addAll(all, 0, all.length); // touched, with gradient 0 in the new rows
      }
      a.step(lazy.params, lazy.grads, lazy.decay, lazy.sparse, 0.05f);
      b.step(dense.params, dense.grads, dense.decay, 0.05f);
      assertThat(lazy.params[1]).as("step %d", s).isEqualTo(dense.params[1]);
    }
    for (String slot : a.state().slots()) {
      assertThat(a.state().moment(1, slot)).as(slot).isEqualTo(b.state().moment(1, slot));
    }
  }

  /**
   * A row touched at steps 1 and 3 only: at step 3 its moments continue from step 1 (not decayed at
   * step 2) and the bias correction is that of step 3, in SparseAdam's arithmetic.
   */
  @ParameterizedTest
  @EnumSource(
      value = OptimizerName.class,
      names = {"ADAM", "ADAMW"})
  void adamRowComingBack_momentsFromItsLastStep_biasCorrectionOfTheGlobalStep(OptimizerName name) {
    float lr = 0.01f;
    Optimizer optimizer =
        Optimizers.create(
            TestSpecs.optimizer(name).learningRate(lr).weightDecay(0.1).build(), new int[] {2});
    // Gradients of order 1e-6 and weights from 0: ε (1e-8) weighs against √v, and every bit of the
    // update shows in the weight.
    float[][] params = {{0f, 0f}};
    TouchedRows rows = new TouchedRows(2, 1);
    TouchedRows[] sparse = {rows};
    boolean[] decay = {false};
    float[] g1 = {3e-6f, 0f};
    float[] g2 = {0f, -2e-6f};
    float[] g3 = {-7e-6f, 0f};
    rows.addAll(new int[] {0}, 0, 1);
    optimizer.step(params, new float[][] {g1}, decay, sparse, lr);
    rows.clear();
    rows.addAll(new int[] {1}, 0, 1);
    optimizer.step(params, new float[][] {g2}, decay, sparse, lr);
    rows.clear();
    rows.addAll(new int[] {0}, 0, 1);
    optimizer.step(params, new float[][] {g3}, decay, sparse, lr);

    // Row 0 by hand: step 1, then step 3 from step 1's moments.
    float oneMinusBeta1 = (float) (1 - 0.9);
    float oneMinusBeta2 = (float) (1 - 0.999);
    float eps = (float) 1e-8;
    float m = 0f + oneMinusBeta1 * (3e-6f - 0f);
    float v = 0f + oneMinusBeta2 * (3e-6f * 3e-6f - 0f);
    float p = 0f + sparseStepSize(lr, 1) * (m / ((float) Math.sqrt(v) + eps));
    m = m + oneMinusBeta1 * (-7e-6f - m);
    v = v + oneMinusBeta2 * (-7e-6f * -7e-6f - v);
    p += sparseStepSize(lr, 3) * (m / ((float) Math.sqrt(v) + eps));
    assertThat(params[0][0]).isEqualTo(p);
    assertThat(optimizer.state().moment(0, "m")[0]).isEqualTo(m);
    assertThat(optimizer.state().moment(0, "v")[0]).isEqualTo(v);
  }

  /** −lr · √(1 − β2ᵗ) / (1 − β1ᵗ), rounded once to float. */
  private static float sparseStepSize(float lr, int t) {
    return (float) -(lr * Math.sqrt(1 - Math.pow(0.999, t)) / (1 - Math.pow(0.9, t)));
  }

  @ParameterizedTest
  @EnumSource(OptimizerName.class)
  void stateSavedMidRun_restored_lazyStepsContinueBitIdentically(OptimizerName name) {
    Problem original = new Problem();
    Optimizer a = Optimizers.create(spec(name), sizes());
    for (int s = 0; s < 4; s++) {
      original.gradients(s);
      a.step(original.params, original.grads, original.decay, original.sparse, 0.05f);
    }
    Optimizer b = Optimizers.create(spec(name), sizes());
    b.restore(a.state());
    Problem resumed = new Problem();
    for (int t = 0; t < 2; t++) {
      resumed.params[t] = original.params[t].clone();
    }
    for (int s = 4; s < STEPS; s++) {
      original.gradients(s);
      resumed.gradients(s);
      a.step(original.params, original.grads, original.decay, original.sparse, 0.05f);
      b.step(resumed.params, resumed.grads, resumed.decay, resumed.sparse, 0.05f);
    }
    assertThat(b.steps()).isEqualTo(a.steps()).isEqualTo(STEPS);
    for (int t = 0; t < 2; t++) {
      assertThat(resumed.params[t]).as("tensor %d", t).isEqualTo(original.params[t]);
      for (String slot : a.state().slots()) {
        assertThat(b.state().moment(t, slot))
            .as("%d.%s", t, slot)
            .isEqualTo(a.state().moment(t, slot));
      }
    }
  }

  @Test
  void tableWithWeightDecay_refusedNamingTheTensor_nothingUpdated() {
    Problem p = new Problem();
    p.gradients(0);
    Optimizer optimizer = Optimizers.create(spec(OptimizerName.ADAM), sizes());
    float[] before = p.params[0].clone();
    boolean[] decay = {true, true};
    assertThatThrownBy(() -> optimizer.step(p.params, p.grads, decay, p.sparse, 0.05f))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tensor 1 is an embedding table")
        .hasMessageContaining("decay flag must be false");
    assertThat(optimizer.steps()).isZero();
    assertThat(p.params[0]).isEqualTo(before);
  }

  @Test
  void touchedRowsOfAnotherShape_orOneEntryShort_refused() {
    Problem p = new Problem();
    Optimizer optimizer = Optimizers.create(spec(OptimizerName.SGD), sizes());
    TouchedRows[] wrongShape = {null, new TouchedRows(ROWS, DIM + 1)};
    assertThatThrownBy(() -> optimizer.step(p.params, p.grads, p.decay, wrongShape, 0.05f))
        .hasMessageContaining(
            "tensor 1: touched rows of a 6 x 4 table, but the tensor has length 18");
    assertThatThrownBy(
            () -> optimizer.step(p.params, p.grads, p.decay, new TouchedRows[] {p.rows}, 0.05f))
        .hasMessageContaining("touched rows (or null) for each of 2 parameter tensors, got 1");
    assertThat(optimizer.steps()).isZero();
  }
}
