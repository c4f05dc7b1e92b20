package io.streamprop.nn;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamprop.nn.kernel.DenseKernel;
import io.streamprop.nn.kernel.DenseParameters;
import io.streamprop.nn.kernel.Kernels;
import io.streamprop.nn.kernel.NarrowDenseKernel;
import io.streamprop.nn.kernel.NarrowVectorDenseKernel;
import io.streamprop.nn.kernel.ScalarDenseKernel;
import io.streamprop.nn.kernel.VectorDenseKernel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Every fast kernel against the reference loops of {@link Dense}: the same bits in training
 * (forward, dWeight, dBias and dInput, from zero and accumulated, after the weights change), and in
 * prediction the same bits too except where it fuses, where each fused output is exactly the
 * documented chain {@code sum = fma(x[b, i], w[i, o], sum)} from the bias and differs from the
 * reference by no more than the rounding of its products. Every kernel runs on every shape (the
 * selection picks by shape only for speed), the vector kernels also as before their warm-up and
 * switching on half-way, wherever the JVM has the Vector API module (in the scalar-kernels run too,
 * where prediction does not fuse).
 */
class DenseKernelsTest {

  /**
   * A fast kernel under test: its name, how to make it, and whether its prediction fuses (on
   * panels, where {@link Kernels#fusedInference()}).
   */
  record Candidate(String name, Function<DenseParameters, DenseKernel> make, boolean fuses) {}

  /** The fast kernels this JVM can run. */
  static List<Candidate> fastKernels() {
    List<Candidate> kernels = new ArrayList<>();
    kernels.add(new Candidate("scalar", ScalarDenseKernel::new, false));
    kernels.add(new Candidate("narrow", NarrowDenseKernel::new, false));
    if (ModuleLayer.boot().findModule(Kernels.VECTOR_MODULE).isPresent()) {
      kernels.add(new Candidate("vector", p -> new VectorDenseKernel(p, () -> true), true));
      kernels.add(
          new Candidate(
              "vector before its warm-up", p -> new VectorDenseKernel(p, () -> false), true));
      kernels.add(
          new Candidate(
              "vector warmed up during a step", p -> new VectorDenseKernel(p, switchesOn()), true));
      kernels.add(
          new Candidate("narrow vector", p -> new NarrowVectorDenseKernel(p, () -> true), false));
      kernels.add(
          new Candidate(
              "narrow vector before its warm-up",
              p -> new NarrowVectorDenseKernel(p, () -> false),
              false));
      kernels.add(
          new Candidate(
              "narrow vector warmed up during a step",
              p -> new NarrowVectorDenseKernel(p, switchesOn()),
              false));
    }
    return kernels;
  }

  /** False when first asked, then true: a warm-up that ends between a forward and its backward. */
  private static BooleanSupplier switchesOn() {
    int[] asked = {0};
    return () -> ++asked[0] > 1;
  }

  @Property(tries = 100)
  void everyKernel_givesTheReferenceBits(
      @ForAll @IntRange(min = 1, max = 300) int in,
      @ForAll @IntRange(min = 1, max = 70) int out,
      @ForAll @IntRange(min = 1, max = 70) int batch,
      @ForAll long seed) {
    assertSameAsReference(in, out, batch, seed);
  }

  @Example
  void everyKernel_onShapesThatReachEveryBlockStripAndTile_givesTheReferenceBits() {
    // Strips of 16 outputs, then vectors of 8 (on AVX2), then single outputs; tiles of 256 inputs;
    // blocks of four rows and the rows after them; on panels, groups of 64 rows, two strips per
    // pass for single rows, then one.
    int[][] shapes = {
      {5, 9}, {9, 16}, {6, 3}, {32, 7}, {3, 1}, {1, 2}, {7, 33}, {300, 40}, {5, 50}
    };
    for (int[] shape : shapes) {
      for (int batch = 1; batch <= 9; batch++) {
        assertSameAsReference(shape[0], shape[1], batch, 41);
      }
    }
    assertSameAsReference(300, 40, 70, 61);
  }

  /** Runs the reference and every fast kernel side by side through two training steps. */
  private static void assertSameAsReference(int in, int out, int batch, long seed) {
    String shape = in + " x " + out + ", batch " + batch + ", seed " + seed;
    List<Candidate> candidates = fastKernels();
    Dense reference = new Dense(in, out, true, null);
    List<Dense> fast = new ArrayList<>();
    for (Candidate candidate : candidates) {
      fast.add(new Dense(in, out, true, candidate.make()));
    }
    float[] x = TestData.uniform(batch * in, -3, 3, seed + 2);
    float[] g = TestData.uniform(batch * out, -2, 2, seed + 3);
    List<Dense> all = new ArrayList<>(fast);
    all.add(reference);
    for (Dense d : all) {
      System.arraycopy(TestData.uniform(in * out, -1, 1, seed), 0, d.weight(), 0, in * out);
      System.arraycopy(TestData.uniform(out, -1, 1, seed + 1), 0, d.bias(), 0, out);
      d.backward(x, g, null, batch); // stale gradients for backwardFromZero to replace
    }

    for (int step = 0; step < 2; step++) {
      float[] yReference = new float[batch * out];
      float[] dInputReference = new float[batch * in];
      reference.forward(x, yReference, batch);
      reference.backwardFromZero(x, g, dInputReference, batch);
      float[] dWeightFromZero = reference.dWeight().clone();
      float[] dBiasFromZero = reference.dBias().clone();
      reference.backward(x, g, null, batch); // a second batch accumulates onto the first
      for (int k = 0; k < fast.size(); k++) {
        Dense layer = fast.get(k);
        String at = candidates.get(k).name() + ", " + shape + (step == 0 ? "" : ", new weights");
        float[] y = new float[batch * out];
        layer.forward(x, y, batch);
        assertBits("forward", at, y, yReference);
        float[] dInput = new float[batch * in];
        layer.backwardFromZero(x, g, dInput, batch);
        assertBits("dWeight", at, layer.dWeight(), dWeightFromZero);
        assertBits("dBias", at, layer.dBias(), dBiasFromZero);
        assertBits("dInput", at, dInput, dInputReference);
        layer.backward(x, g, null, batch);
        assertBits("accumulated dWeight", at, layer.dWeight(), reference.dWeight());
        assertBits("accumulated dBias", at, layer.dBias(), reference.dBias());
        float[] yInference = new float[batch * out];
        layer.forwardInference(x, yInference, batch, new float[layer.inferenceScratch(batch)]);
        assertBits("forwardInference after forward", at, yInference, yReference);
      }
      // An optimizer step: every mirror must follow by the next forward.
      for (Dense d : all) {
        float[] weight = d.weight();
        for (int i = 0; i < weight.length; i++) {
          weight[i] = -0.5f * weight[i] + 0.25f;
        }
        d.bias()[0] += 1f;
      }
    }

    float[] yReference = new float[batch * out];
    reference.forward(x, yReference, batch);
    for (int k = 0; k < fast.size(); k++) {
      Dense layer = fast.get(k);
      String at = candidates.get(k).name() + ", " + shape;
      layer.prepareInference();
      float[] y = new float[batch * out];
      layer.forwardInference(x, y, batch, new float[layer.inferenceScratch(batch)]);
      int fused = candidates.get(k).fuses() ? Kernels.fusedOutputs(out) : 0;
      assertPrediction(at, x, layer, y, yReference, batch, fused);
    }
  }

  /**
   * Outputs from {@code fused} on: the reference's bits. Outputs before: exactly the chain {@code
   * sum = fma(x[b, i], w[i, o], sum)} from the bias, and within the rounding of the reference's
   * products: both chains are within (in + 1) roundings of the exact sum, each at most 2⁻²⁴ of the
   * magnitude of its terms.
   */
  private static void assertPrediction(
      String at, float[] x, Dense layer, float[] y, float[] yReference, int batch, int fused) {
    int in = layer.inFeatures();
    int out = layer.outFeatures();
    for (int b = 0; b < batch; b++) {
      for (int o = 0; o < out; o++) {
        float actual = y[b * out + o];
        String element = "prediction [" + b + ", " + o + "], " + at;
        if (o >= fused) {
          assertThat(actual).as(element).isEqualTo(yReference[b * out + o]);
          continue;
        }
        float sum = layer.bias()[o];
        double magnitude = Math.abs(sum);
        for (int i = 0; i < in; i++) {
          float w = layer.weight()[i * out + o];
          sum = Math.fma(x[b * in + i], w, sum);
          magnitude += Math.abs(x[b * in + i] * w);
        }
        assertThat(actual).as("fused " + element).isEqualTo(sum);
        double bound = (in + 2) * (double) Math.ulp(1f) * magnitude;
        assertThat((double) Math.abs(actual - yReference[b * out + o]))
            .as("fused " + element + " against the reference")
            .isLessThanOrEqualTo(bound);
      }
    }
  }

  /** The same bits everywhere, or a message that names the array, the element and both values. */
  private static void assertBits(String what, String at, float[] actual, float[] expected) {
    for (int i = 0; i < expected.length; i++) {
      if (Float.floatToIntBits(actual[i]) != Float.floatToIntBits(expected[i])) {
        throw new AssertionError(
            String.format(
                "%s[%d], %s: kernel %s, reference %s",
                what, i, at, Float.toHexString(actual[i]), Float.toHexString(expected[i])));
      }
    }
  }
}
