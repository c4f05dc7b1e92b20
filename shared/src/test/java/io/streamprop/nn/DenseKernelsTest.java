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
    for (Candidate kernel : fastKernels()) {
      assertSameAsReference(kernel, in, out, batch, seed);
    }
  }

  @Example
  void everyKernel_onShapesThatReachEveryBlockStripAndTile_givesTheReferenceBits() {
    // Strips of 16 outputs, then vectors of 8 (on AVX2), then single outputs; tiles of 256 inputs;
    // blocks of four rows and the rows after them; on panels, groups of 64 rows, two strips per
    // pass for single rows, then one.
    int[][] shapes = {
      {5, 9}, {9, 16}, {6, 3}, {32, 7}, {3, 1}, {1, 2}, {7, 33}, {300, 40}, {5, 50}
    };
    for (Candidate kernel : fastKernels()) {
      for (int[] shape : shapes) {
        for (int batch = 1; batch <= 9; batch++) {
          assertSameAsReference(kernel, shape[0], shape[1], batch, 41);
        }
      }
      assertSameAsReference(kernel, 300, 40, 70, 61);
    }
  }

  private static void assertSameAsReference(
      Candidate kernel, int in, int out, int batch, long seed) {
    String at = kernel.name() + ", " + in + " x " + out + ", batch " + batch + ", seed " + seed;
    Dense reference = new Dense(in, out, true, null);
    Dense fast = new Dense(in, out, true, kernel.make());
    float[] w = TestData.uniform(in * out, -1, 1, seed);
    float[] bias = TestData.uniform(out, -1, 1, seed + 1);
    float[] x = TestData.uniform(batch * in, -3, 3, seed + 2);
    float[] g = TestData.uniform(batch * out, -2, 2, seed + 3);
    for (Dense d : new Dense[] {reference, fast}) {
      System.arraycopy(w, 0, d.weight(), 0, w.length);
      System.arraycopy(bias, 0, d.bias(), 0, out);
      d.backward(x, g, null, batch); // stale gradients for backwardFromZero to replace
    }

    for (int step = 0; step < 2; step++) {
      String atStep = at + (step == 0 ? "" : ", after new weights");
      float[] yReference = new float[batch * out];
      float[] y = new float[batch * out];
      reference.forward(x, yReference, batch);
      fast.forward(x, y, batch);
      assertThat(y).as("forward, %s", atStep).containsExactly(yReference);

      float[] dInputReference = new float[batch * in];
      float[] dInput = new float[batch * in];
      reference.backwardFromZero(x, g, dInputReference, batch);
      fast.backwardFromZero(x, g, dInput, batch);
      assertThat(fast.dWeight()).as("dWeight, %s", atStep).containsExactly(reference.dWeight());
      assertThat(fast.dBias()).as("dBias, %s", atStep).containsExactly(reference.dBias());
      assertThat(dInput).as("dInput, %s", atStep).containsExactly(dInputReference);

      reference.backward(x, g, null, batch); // a second batch accumulates onto the first
      fast.backward(x, g, null, batch);
      assertThat(fast.dWeight())
          .as("accumulated dWeight, %s", atStep)
          .containsExactly(reference.dWeight());
      assertThat(fast.dBias())
          .as("accumulated dBias, %s", atStep)
          .containsExactly(reference.dBias());

      float[] yInference = new float[batch * out];
      fast.forwardInference(x, yInference, batch, new float[fast.inferenceScratch(batch)]);
      assertThat(yInference).as("forwardInference after forward, %s", atStep).containsExactly(y);

      // An optimizer step: every mirror must follow by the next forward.
      for (Dense d : new Dense[] {reference, fast}) {
        float[] weight = d.weight();
        for (int k = 0; k < weight.length; k++) {
          weight[k] = -0.5f * weight[k] + 0.25f;
        }
        d.bias()[0] += 1f;
      }
    }

    fast.prepareInference();
    reference.prepareInference();
    float[] yReference = new float[batch * out];
    reference.forwardInference(x, yReference, batch, new float[0]);
    float[] y = new float[batch * out];
    fast.forwardInference(x, y, batch, new float[fast.inferenceScratch(batch)]);
    int fused = kernel.fuses() ? Kernels.fusedOutputs(out) : 0;
    for (int b = 0; b < batch; b++) {
      for (int o = 0; o < out; o++) {
        float actual = y[b * out + o];
        String element = "prediction [" + b + ", " + o + "], " + at;
        if (o >= fused) {
          assertThat(actual).as(element).isEqualTo(yReference[b * out + o]);
          continue;
        }
        float sum = fast.bias()[o];
        double magnitude = Math.abs(sum);
        for (int i = 0; i < in; i++) {
          float product = x[b * in + i] * fast.weight()[i * out + o];
          sum = Math.fma(x[b * in + i], fast.weight()[i * out + o], sum);
          magnitude += Math.abs(product);
        }
        assertThat(actual).as("fused " + element).isEqualTo(sum);
        // Both the reference's chain and the fused one are within (in + 1) roundings of the exact
        // sum, each rounding at most 2⁻²⁴ of the running magnitude.
        double bound = (in + 2) * (double) Math.ulp(1f) * magnitude;
        assertThat((double) Math.abs(actual - yReference[b * out + o]))
            .as("fused " + element + " against the reference")
            .isLessThanOrEqualTo(bound);
      }
    }
  }
}
