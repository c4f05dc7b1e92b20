package io.streamprop.nn;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamprop.nn.kernel.Kernels;
import org.junit.jupiter.api.Test;

/** Central-difference checks of Dense and BatchNorm on the objective Σ c ⊙ output. */
class LayerGradientTest {

  @Test
  void dense_backward_matchesCentralDifferences() {
    int batch = 5;
    int in = 4;
    int out = 3;
    Dense dense = new Dense(in, out);
    System.arraycopy(TestData.uniform(in * out, -1, 1, 11), 0, dense.weight(), 0, in * out);
    System.arraycopy(TestData.uniform(out, -1, 1, 12), 0, dense.bias(), 0, out);
    float[] x = TestData.uniform(batch * in, -2, 2, 13);
    float[] c = TestData.uniform(batch * out, -1, 1, 14);
    float[] y = new float[batch * out];
    float[] dInput = new float[batch * in];
    dense.forward(x, y, batch);
    dense.backward(x, c, dInput, batch);

    java.util.function.DoubleSupplier objective =
        () -> {
          float[] o = new float[batch * out];
          dense.forward(x, o, batch); // reads the weight array that the checker perturbs
          return TestData.dot(c, o, batch * out);
        };
    GradientChecker checker = GradientChecker.standard();
    checker.check("dense dWeight", dense.weight(), dense.dWeight().clone(), objective);
    checker.check("dense dBias", dense.bias(), dense.dBias().clone(), objective);
    checker.check("dense dInput", x, dInput, objective);
  }

  @Test
  void dense_backward_accumulatesUntilZeroed() {
    Dense dense = new Dense(2, 2);
    float[] x = {1, 2};
    float[] d = {1, 1};
    dense.backward(x, d, null, 1);
    dense.backward(x, d, null, 1);
    assertThat(dense.dWeight()).containsExactly(2, 2, 4, 4);
    dense.zeroGradients();
    assertThat(dense.dWeight()).containsOnly(0f);
  }

  @Test
  void dense_backwardFromZero_equalsZeroThenBackward_bitForBit() {
    // Wide (mirrored rows) and narrow layers; batches with and without a remainder after blocks.
    for (int[] shape : new int[][] {{5, 9}, {6, 3}}) {
      for (int batch : new int[] {1, 3, 4, 9}) {
        int in = shape[0];
        int out = shape[1];
        Dense a = new Dense(in, out);
        Dense b = new Dense(in, out);
        float[] w = TestData.uniform(in * out, -1, 1, 31);
        System.arraycopy(w, 0, a.weight(), 0, w.length);
        System.arraycopy(w, 0, b.weight(), 0, w.length);
        float[] x = TestData.uniform(batch * in, -2, 2, 32);
        float[] d = TestData.uniform(batch * out, -1, 1, 33);
        // Leave stale gradients behind in both first.
        a.backward(x, d, null, batch);
        b.backward(x, d, null, batch);
        float[] dInputA = new float[batch * in];
        float[] dInputB = new float[batch * in];
        a.zeroGradients();
        a.backward(x, d, dInputA, batch);
        b.backwardFromZero(x, d, dInputB, batch);
        String at = in + "x" + out + " batch " + batch;
        assertThat(b.dWeight()).as("dWeight, %s", at).containsExactly(a.dWeight());
        assertThat(b.dBias()).as("dBias, %s", at).containsExactly(a.dBias());
        assertThat(dInputB).as("dInput, %s", at).containsExactly(dInputA);
        // and it still accumulates afterwards
        a.backward(x, d, null, batch);
        b.backward(x, d, null, batch);
        assertThat(b.dWeight()).as("accumulated dWeight, %s", at).containsExactly(a.dWeight());
      }
    }
  }

  @Test
  void dense_forwardInference_afterWeightsChange_neverReadsStalePanels() {
    // Training changes the weight every step and runs its forward without packing: inference must
    // then read the new weight, not the panels packed before the change.
    int in = 20;
    int out = 33; // two strips of 16 on AVX2, and a single output
    int batch = 5;
    Dense dense = new Dense(in, out);
    float[] x = TestData.uniform(batch * in, -2, 2, 51);
    System.arraycopy(TestData.uniform(in * out, -1, 1, 52), 0, dense.weight(), 0, in * out);
    dense.prepareInference();
    float[] scratch = new float[dense.inferenceScratch(batch)];
    float[] before = new float[batch * out];
    dense.forwardInference(x, before, batch, scratch);

    dense.weight()[0] += 1f; // weight[0, 0]: the first panel's first element
    float[] trained = new float[batch * out];
    dense.forward(x, trained, batch); // the next training step
    float[] after = new float[batch * out];
    dense.forwardInference(x, after, batch, scratch);

    assertThat(after).containsExactly(trained);
    assertThat(after[0]).isNotEqualTo(before[0]);
    dense.prepareInference();
    float[] repacked = new float[batch * out];
    dense.forwardInference(x, repacked, batch, scratch);
    assertThat(repacked)
        .containsExactly(
            expectedForward(
                x, dense.weight(), dense.bias(), batch, in, out, Kernels.fusedOutputs(out)));
  }

  @Test
  void dense_forwardInference_onPanels_groupsAndTiles_inTheDefinedOrder() {
    // 70 rows: a group of 64 rows, a block of four and two single rows; 300 inputs: two tiles.
    int in = 300;
    int out = 40;
    int batch = 70;
    Dense dense = new Dense(in, out);
    System.arraycopy(TestData.uniform(in * out, -1, 1, 61), 0, dense.weight(), 0, in * out);
    System.arraycopy(TestData.uniform(out, -1, 1, 62), 0, dense.bias(), 0, out);
    dense.prepareInference();
    float[] x = TestData.uniform(batch * in, -3, 3, 63);
    float[] y = new float[batch * out];

    dense.forwardInference(x, y, batch, new float[dense.inferenceScratch(batch)]);

    assertThat(y)
        .containsExactly(
            expectedForward(
                x, dense.weight(), dense.bias(), batch, in, out, Kernels.fusedOutputs(out)));
  }

  /**
   * The defined order of a dense layer's outputs: bias[o], then x[b, i]·w[i, o] for i = 0, 1, ...;
   * the first {@code fused} outputs as fused multiply-adds (inference on panels, see
   * Kernels.fusedInference), the rest as a multiply and an add.
   */
  private static float[] expectedForward(
      float[] x, float[] w, float[] bias, int batch, int in, int out, int fused) {
    float[] y = new float[batch * out];
    for (int b = 0; b < batch; b++) {
      for (int o = 0; o < out; o++) {
        float sum = bias[o];
        for (int i = 0; i < in; i++) {
          sum =
              o < fused
                  ? Math.fma(x[b * in + i], w[i * out + o], sum)
                  : sum + x[b * in + i] * w[i * out + o];
        }
        y[b * out + o] = sum;
      }
    }
    return y;
  }

  @Test
  void dense_kernels_sumInTheDefinedOrder_bitForBit() {
    // Every kernel (wide rows, narrow transposed, blocks of four rows and the rest) must give the
    // bits of the plain loops below: outputs add bias, then i = 0, 1, ...; gradients add rows
    // b = 0, 1, ... onto what they held; dInput adds o = 0, 1, ... from 0.
    // The vector kernels work in strips of 16 outputs, then vectors of 8 (on
    // AVX2), then single outputs, and in tiles of 256 inputs; on panels, rows outside a block of
    // four take two strips per pass, then one: {7, 33}, {300, 40} and {5, 50} reach every part.
    for (int[] shape :
        new int[][] {
          {5, 9}, {9, 16}, {6, 3}, {32, 7}, {3, 1}, {1, 2}, {7, 33}, {300, 40}, {5, 50}
        }) {
      int in = shape[0];
      int out = shape[1];
      for (int batch = 1; batch <= 9; batch++) {
        String at = in + "x" + out + " batch " + batch;
        Dense dense = new Dense(in, out);
        float[] w = TestData.uniform(in * out, -1, 1, 41 + batch);
        float[] bias = TestData.uniform(out, -1, 1, 42 + batch);
        System.arraycopy(w, 0, dense.weight(), 0, w.length);
        System.arraycopy(bias, 0, dense.bias(), 0, out);
        float[] x = TestData.uniform(batch * in, -3, 3, 43 + batch);
        float[] g = TestData.uniform(batch * out, -2, 2, 44 + batch);

        float[] y = new float[batch * out];
        dense.forward(x, y, batch);
        float[] yInference = new float[batch * out];
        dense.forwardInference(x, yInference, batch, new float[dense.inferenceScratch(batch)]);
        dense.prepareInference(); // the vector kernels' panels from here on (if this JVM has them)
        float[] scratch = new float[dense.inferenceScratch(batch)];
        float[] yPacked = new float[batch * out];
        dense.forwardInference(x, yPacked, batch, scratch);
        float[] yExpected = expectedForward(x, w, bias, batch, in, out, 0);
        float[] yExpectedPacked =
            expectedForward(x, w, bias, batch, in, out, Kernels.fusedOutputs(out));
        assertThat(y).as("forward, %s", at).containsExactly(yExpected);
        assertThat(yInference).as("forwardInference, %s", at).containsExactly(yExpected);
        assertThat(yPacked)
            .as("forwardInference on panels, %s", at)
            .containsExactly(yExpectedPacked);

        float[] dInput = new float[batch * in];
        dense.backwardFromZero(x, g, dInput, batch);
        float[] dWeightExpected = new float[in * out];
        float[] dBiasExpected = new float[out];
        float[] dInputExpected = new float[batch * in];
        for (int b = 0; b < batch; b++) {
          for (int o = 0; o < out; o++) {
            dBiasExpected[o] += g[b * out + o];
            for (int i = 0; i < in; i++) {
              dWeightExpected[i * out + o] += x[b * in + i] * g[b * out + o];
            }
          }
          for (int i = 0; i < in; i++) {
            float sum = 0f;
            for (int o = 0; o < out; o++) {
              sum += g[b * out + o] * w[i * out + o];
            }
            dInputExpected[b * in + i] = sum;
          }
        }
        assertThat(dense.dWeight()).as("dWeight, %s", at).containsExactly(dWeightExpected);
        assertThat(dense.dBias()).as("dBias, %s", at).containsExactly(dBiasExpected);
        assertThat(dInput).as("dInput, %s", at).containsExactly(dInputExpected);

        // A second batch accumulates onto the first's gradients, row by row.
        dense.backward(x, g, null, batch);
        for (int b = 0; b < batch; b++) {
          for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
              dWeightExpected[i * out + o] += x[b * in + i] * g[b * out + o];
            }
          }
        }
        assertThat(dense.dWeight())
            .as("accumulated dWeight, %s", at)
            .containsExactly(dWeightExpected);

        // New weights (as after an optimizer step) reach every mirror by the next forward.
        for (int k = 0; k < w.length; k++) {
          w[k] = -0.5f * w[k] + 0.25f;
        }
        System.arraycopy(w, 0, dense.weight(), 0, w.length);
        dense.forward(x, y, batch);
        assertThat(y)
            .as("forward after new weights, %s", at)
            .containsExactly(expectedForward(x, w, bias, batch, in, out, 0));
        dense.backwardFromZero(x, g, dInput, batch);
        for (int b = 0; b < batch; b++) {
          for (int i = 0; i < in; i++) {
            float sum = 0f;
            for (int o = 0; o < out; o++) {
              sum += g[b * out + o] * w[i * out + o];
            }
            dInputExpected[b * in + i] = sum;
          }
        }
        assertThat(dInput).as("dInput after new weights, %s", at).containsExactly(dInputExpected);
      }
    }
  }

  @Test
  void batchNorm_backward_matchesCentralDifferences() {
    int batch = 6;
    int features = 3;
    BatchNorm bn = new BatchNorm(features, batch);
    System.arraycopy(TestData.uniform(features, 0.5, 1.5, 21), 0, bn.gamma(), 0, features);
    System.arraycopy(TestData.uniform(features, -0.5, 0.5, 22), 0, bn.beta(), 0, features);
    float[] z = TestData.uniform(batch * features, -2, 3, 23);
    float[] c = TestData.uniform(batch * features, -1, 1, 24);
    float[] u = new float[batch * features];
    bn.forwardTraining(z, u, batch);
    float[] dz = c.clone();
    bn.backward(dz, batch);

    java.util.function.DoubleSupplier objective =
        () -> {
          float[] o = new float[batch * features];
          bn.forwardTraining(z, o, batch);
          return TestData.dot(c, o, batch * features);
        };
    GradientChecker checker = GradientChecker.standard();
    checker.check("bn dInput", z, dz, objective);
    checker.check("bn dGamma", bn.gamma(), bn.dGamma().clone(), objective);
    checker.check("bn dBeta", bn.beta(), bn.dBeta().clone(), objective);
  }

  @Test
  void batchNorm_runningStatistics_moveOnlyOnCommit() {
    BatchNorm bn = new BatchNorm(1, 4);
    float[] z = {1, 2, 3, 4};
    bn.forwardTraining(z, new float[4], 4);
    assertThat(bn.runningMean()).containsExactly(0f);
    bn.commitRunningStatistics();
    // mean 2.5; unbiased variance 5/3; momentum 0.1
    assertThat(bn.runningMean()[0]).isEqualTo(0.25f);
    assertThat(bn.runningVar()[0])
        .isCloseTo(0.9f + 0.1f * 5f / 3f, org.assertj.core.api.Assertions.within(1e-6f));
  }

  @Test
  void dropout_keepsExpectedFractionAndScalesInverted() {
    int n = 20000;
    Dropout dropout = new Dropout(0.25, n, 1);
    float[] x = new float[n];
    java.util.Arrays.fill(x, 1f);
    float[] y = new float[n];
    dropout.forwardTraining(x, y, n, new SplitMix64(3));
    int kept = 0;
    for (float v : y) {
      if (v != 0f) {
        assertThat(v).isEqualTo(1f / 0.75f);
        kept++;
      }
    }
    assertThat(kept / (double) n).isBetween(0.74, 0.76);
    float[] d = x.clone();
    dropout.backward(d, n);
    assertThat(d).containsExactly(y);
  }
}
