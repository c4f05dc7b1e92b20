package io.streamprop.learn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamprop.learn.state.ModelState;
import io.streamprop.spec.ModelSpec;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * At mini-batch 1 a dense weight gradient is the outer product x·gᵀ, and the learner takes its
 * squared norm as ‖x‖²·‖g‖² (GradientNorms.outerProductSquares) instead of a pass over dWeight,
 * with a fallback to the exact pass whenever the identity cannot also prove every element finite.
 */
class OuterProductNormTest {

  /** The float gradient as Dense stores it at one row: dW[i, o] = 0f + x[i]·g[o]. */
  private static float[] outerProduct(float[] x, float[] g) {
    float[] dw = new float[x.length * g.length];
    for (int i = 0; i < x.length; i++) {
      for (int o = 0; o < g.length; o++) {
        dw[i * g.length + o] = 0f + x[i] * g[o];
      }
    }
    return dw;
  }

  private static float[] gaussian(Random random, int n, double scale) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (random.nextGaussian() * scale);
    }
    return v;
  }

  @Test
  void randomRows_identityWithinOneMillionthOfExactSum() {
    Random random = new Random(11);
    int[][] shapes = {{1, 1}, {3, 7}, {10, 32}, {54, 64}, {64, 32}, {32, 7}, {784, 256}};
    for (int[] shape : shapes) {
      for (double scale : new double[] {1e-12, 1e-3, 1, 1e6, 1e15}) {
        float[] x = gaussian(random, shape[0], scale);
        float[] g = gaussian(random, shape[1], 1 / Math.sqrt(scale));
        double exact = GradientNorms.sumOfSquares(outerProduct(x, g));
        double identity = GradientNorms.outerProductSquares(x, x.length, g, g.length);
        assertThat(identity)
            .as("%d x %d, scale %g", shape[0], shape[1], scale)
            .isCloseTo(exact, within(1e-6 * exact));
        assertThat(GradientNorms.outerProductSquares(x, x.length, g, g.length))
            .as("deterministic")
            .isEqualTo(identity);
      }
    }
  }

  @Test
  void zeroFactor_exactZero() {
    float[] x = {1.5f, -2f, 3e30f};
    float[] g = new float[5];
    assertThat(GradientNorms.outerProductSquares(x, 3, g, 5)).isZero();
    assertThat(GradientNorms.outerProductSquares(g, 5, x, 3)).isZero();
  }

  @Test
  void productThatCouldOverflowFloat_fallsBackToExactPass() {
    // 2e19 · 2e19 = 4e38 > Float.MAX_VALUE: the float element is +∞, and the identity must not hide
    // it behind its finite double value.
    float[] x = {2e19f, 1f};
    float[] g = {2e19f};
    assertThat(Float.isInfinite(outerProduct(x, g)[0])).isTrue();
    assertThat(GradientNorms.outerProductSquares(x, 2, g, 1)).isNaN();
    // Just inside the bound: ‖x‖·‖g‖ ≤ Float.MAX_VALUE / 2, every product is finite.
    float[] y = {1e19f};
    float[] h = {1.5e19f};
    double squares = GradientNorms.outerProductSquares(y, 1, h, 1);
    assertThat(squares)
        .isCloseTo(GradientNorms.sumOfSquares(outerProduct(y, h)), within(1e-6 * squares));
  }

  @Test
  void nonFiniteOrTinyFactors_fallBackToExactPass() {
    float[] ok = {1f, 2f};
    assertThat(GradientNorms.outerProductSquares(new float[] {Float.NaN, 1f}, 2, ok, 2)).isNaN();
    assertThat(GradientNorms.outerProductSquares(ok, 2, new float[] {Float.POSITIVE_INFINITY}, 1))
        .isNaN();
    // 0 · ∞ = NaN in float: a zero factor does not excuse an infinite one.
    assertThat(
            GradientNorms.outerProductSquares(
                new float[] {0f}, 1, new float[] {Float.NEGATIVE_INFINITY}, 1))
        .isNaN();
    // Products in float's subnormal range round with an absolute error: take the exact pass.
    assertThat(GradientNorms.outerProductSquares(new float[] {1e-30f}, 1, new float[] {1e-30f}, 1))
        .isNaN();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{'inputs': 54, 'classes': 7, 'hidden': [64, 32], 'batch_size': 1, 'clip_norm': 0}",
        "{'inputs': 10, 'classes': 2, 'hidden': [32], 'batch_size': 1, 'clip_norm': 0,"
            + " 'loss': 'binary_cross_entropy', 'dropout': 0.3}",
        "{'inputs': 6, 'task': 'regression', 'targets': 2, 'hidden': [9, 5], 'batch_size': 1,"
            + " 'clip_norm': 0, 'activation': 'tanh'}"
      })
  void batchOne_reportedGradientNormsMatchExactSumsOverDWeight(String json) {
    OnlineLearner learner = OnlineLearner.create(OnlineLearnerTest.spec(json));
    ModelSpec spec = learner.spec();
    Random random = new Random(3);
    int labelWidth = spec.task() == ModelSpec.Task.REGRESSION ? spec.outputs() : 1;
    for (int step = 0; step < 50; step++) {
      float[] label = new float[labelWidth];
      label[0] = spec.task() == ModelSpec.Task.REGRESSION ? 1.5f : random.nextInt(spec.outputs());
      StepResult result = learner.learn(gaussian(random, spec.inputs(), 1), label);
      assertThat(result.skipped()).isFalse();
      for (int l = 0; l < learner.mlp().layers(); l++) {
        // clip_norm 0 and the optimizer only reads the gradients: dWeight is this step's.
        double exact = Math.sqrt(GradientNorms.sumOfSquares(learner.mlp().dense(l).dWeight()));
        assertThat(result.layers()[l].gradientNorm())
            .as("step %d, layer %d", step, l)
            .isCloseTo(exact, within(1e-6 * exact + 1e-300));
      }
    }
  }

  /** The global norm over every gradient tensor, exactly as without the identity. */
  private static double exactGlobalNorm(OnlineLearner learner) {
    double total = 0;
    for (float[] grad : learner.mlp().gradients()) {
      total += GradientNorms.sumOfSquares(grad);
    }
    return Math.sqrt(total);
  }

  @Test
  void clipNormEqualToExactNorm_clippingDecidedByExactSums() {
    // With clip_norm equal to the step's exact global norm, "norm > clip_norm" is false: the step
    // must not clip, even where the identity's norm lands a few ulps above it. Just below it, the
    // step must clip.
    // SGD: Adam's first step is about ±lr whatever the gradient's scale, so it would hide a clip.
    String base =
        "{'inputs': 54, 'classes': 7, 'hidden': [64, 32], 'batch_size': 1,"
            + " 'standardize': false, 'optimizer': {'name': 'sgd'}";
    Random random = new Random(5);
    for (int trial = 0; trial < 20; trial++) {
      float[] features = gaussian(random, 54, 1);
      float[] label = {random.nextInt(7)};
      OnlineLearner unclipped =
          OnlineLearner.create(OnlineLearnerTest.spec(base + ", 'clip_norm': 0}"));
      unclipped.learn(features, label);
      double norm = exactGlobalNorm(unclipped);

      OnlineLearner atNorm =
          OnlineLearner.create(OnlineLearnerTest.spec(base + ", 'clip_norm': " + norm + "}"));
      atNorm.learn(features, label);
      // the same model, under a spec that differs only in clip_norm
      OnlineLearnerTest.assertSameState(
          unclipped.state(), atNorm.state().withSpec(unclipped.spec()));

      OnlineLearner below =
          OnlineLearner.create(
              OnlineLearnerTest.spec(base + ", 'clip_norm': " + norm * (1 - 1e-3) + "}"));
      below.learn(features, label);
      assertThat(
              Arrays.equals(
                  below.state().layers().get(0).dense().weight(),
                  unclipped.state().layers().get(0).dense().weight()))
          .as("trial %d: clipped", trial)
          .isFalse();
    }
  }

  @Test
  void batchOne_productOverflowingFloat_stepSkippedWeightsFinite() {
    // Inputs of 1e30 without standardization: the output and dLogits are about 1e30 (finite, and
    // the squared error is summed in double, so the loss is finite too), but dW = x · dLogits is
    // about 1e60, +∞ in float. The identity's bound fails, the exact pass sees the infinity, and
    // the step is skipped.
    OnlineLearner learner =
        OnlineLearner.create(
            OnlineLearnerTest.spec(
                "{'inputs': 3, 'task': 'regression', 'hidden': [], 'batch_size': 1,"
                    + " 'standardize': false}"));
    learner.learn(new float[] {1, 2, 3}, new float[] {1});
    ModelState before = learner.state();
    StepResult result = learner.learn(new float[] {1e30f, -1e30f, 1e30f}, new float[] {0});

    assertThat(result.skipped()).isTrue();
    assertThat(Double.isFinite(result.lossSum())).isTrue();
    assertThat(learner.skippedSteps()).isEqualTo(1);
    OnlineLearnerTest.assertSameModelArrays(learner.state(), before);
    assertThat(learner.learn(new float[] {2, 1, 0}, new float[] {1}).skipped()).isFalse();
  }
}
