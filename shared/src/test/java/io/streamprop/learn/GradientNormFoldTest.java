package io.streamprop.learn;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamprop.nn.Dense;
import io.streamprop.nn.kernel.Kernels;
import io.streamprop.spec.ModelSpec;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The Σ dWeight² that the vector kernel takes during its backward pass ({@code
 * Dense.dWeightSquares}) has the bits of the learner's own four-way pass ({@link
 * GradientNorms#sumOfSquares(float[])}) over the gradient the backward left: from zero and
 * accumulated, on shapes whose inputs and elements leave every remainder mod 4, with values spread
 * over sixty binary orders of magnitude so that any other order of additions shows in the bits.
 */
class GradientNormFoldTest {

  /** Whether the layer runs a kernel that folds the sum: the vector kernel, 8 outputs or more. */
  private static boolean folds(int out) {
    return Kernels.vectorAvailable() && out >= 8;
  }

  @Property(tries = 200)
  void backward_foldedSquaresHaveTheBitsOfTheSeparatePass(
      @ForAll @IntRange(min = 1, max = 40) int in,
      @ForAll @IntRange(min = 1, max = 70) int out,
      @ForAll @IntRange(min = 1, max = 9) int batch,
      @ForAll long seed) {
    Random random = new Random(seed);
    Dense dense = new Dense(in, out);
    fill(dense.weight(), random);
    float[] input = spread(random, batch * in);
    float[] output = new float[batch * out];
    float[] dInput = new float[batch * in];
    dense.forward(input, output, batch);
    dense.backwardFromZero(input, spread(random, batch * out), dInput, batch);
    assertFolded(dense, "from zero");
    // A second batch accumulated onto the first: the sum is of the gradient as it now stands.
    float[] other = spread(random, batch * in);
    dense.forward(other, output, batch);
    dense.backward(other, spread(random, batch * out), null, batch);
    assertFolded(dense, "accumulated");
  }

  private static void assertFolded(Dense dense, String what) {
    double folded = dense.dWeightSquares();
    if (!folds(dense.outFeatures())) {
      assertThat(folded).as(what + ": no fold, the caller's pass").isNaN();
      return;
    }
    double pass = GradientNorms.sumOfSquares(dense.dWeight());
    assertThat(Double.doubleToRawLongBits(folded))
        .as(
            "%s, %d x %d: folded %s, pass %s",
            what, dense.inFeatures(), dense.outFeatures(), folded, pass)
        .isEqualTo(Double.doubleToRawLongBits(pass));
  }

  @Test
  void zeroedGradients_foldedSquaresNoLongerApply() {
    Dense dense = new Dense(12, 16);
    Random random = new Random(5);
    fill(dense.weight(), random);
    float[] input = spread(random, 3 * 12);
    dense.forward(input, new float[3 * 16], 3);
    dense.backwardFromZero(input, spread(random, 3 * 16), null, 3);
    dense.zeroGradients();
    assertThat(dense.dWeightSquares()).isNaN();
  }

  @Test
  void learnerSteps_reportedGradientNormsAreTheSeparatePassBitForBit() {
    // Mini-batch 8, clip_norm 0: the optimizer only reads the gradients, so after each step
    // dWeight is that step's, and each layer's reported ‖dW‖ must be the pass's exactly.
    OnlineLearner learner =
        OnlineLearner.create(
            OnlineLearnerTest.spec(
                "{'inputs': 37, 'classes': 5, 'hidden': [64, 30], 'batch_size': 8,"
                    + " 'clip_norm': 0}"));
    ModelSpec spec = learner.spec();
    Random random = new Random(11);
    int steps = 0;
    for (int example = 0; example < 8 * 40; example++) {
      float[] x = new float[spec.inputs()];
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) (random.nextGaussian() * Math.scalb(1.0, random.nextInt(9) - 4));
      }
      StepResult result = learner.learn(x, new float[] {random.nextInt(spec.outputs())});
      if (result == null || result.layers() == null || result.skipped()) {
        continue;
      }
      steps++;
      for (int l = 0; l < learner.mlp().layers(); l++) {
        double pass = Math.sqrt(GradientNorms.sumOfSquares(learner.mlp().dense(l).dWeight()));
        assertThat(Double.doubleToRawLongBits(result.layers()[l].gradientNorm()))
            .as(
                "step %d, layer %d: reported %s, pass %s",
                steps, l, result.layers()[l].gradientNorm(), pass)
            .isEqualTo(Double.doubleToRawLongBits(pass));
      }
    }
    assertThat(steps).isEqualTo(40);
  }

  private static void fill(float[] a, Random random) {
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) (random.nextGaussian() * 0.3);
    }
  }

  /** Gaussians times 2^k, k uniform in [-15, 15]: products span sixty binary orders. */
  private static float[] spread(Random random, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) (random.nextGaussian() * Math.scalb(1.0, random.nextInt(31) - 15));
    }
    return a;
  }
}
