package io.streamprop.nn.kernel;

import java.util.Arrays;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The weight and bias gradients of a dense layer on the Vector API, with the weight gradient's sum
 * of squares Σ dWeight² taken as its rows are finished rather than in a pass of its own.
 *
 * <p>Why: the learner's gradient norm sums squares in double with four partial sums in a fixed
 * order (lane k mod 4 for element k, the last n mod 4 elements in lane 0, then (s0 + s1) + (s2 +
 * s3)), which keeps its bits but makes it a chain of dependent additions, one per four elements. As
 * a separate pass after the backward, nothing else runs beside that chain. Here dWeight is computed
 * four input rows at a time (every strip of outputs of those rows), and as soon as a block of four
 * rows is stored, its 4·out elements, contiguous in the flat array and starting at a multiple of
 * four, join the four partial sums (one vector of four doubles, lane j the partial sum j): the
 * additions of that chain overlap the products of the next block. Each partial sum adds the same
 * squares in the same order as the separate pass, so the result has its bits.
 *
 * <p>The gradients have the reference's bits (see {@link DenseKernel}): dWeight[i, o] = start +
 * input[0, i]·dOutput[0, o] + input[1, i]·dOutput[1, o] + ..., start 0 if {@code fromZero}, else
 * the gradient already there; dBias likewise with the dOutput rows alone. Four inputs × one vector
 * of outputs per register block; the outputs that do not fill a vector one at a time in the same
 * order.
 *
 * <p>Load this class only where {@link Kernels#vectorAvailable()}.
 */
final class VectorWeightGradient {
  private static final VectorSpecies<Float> SPECIES = VectorProducts.SPECIES;
  private static final int LANES = VectorProducts.LANES;
  private static final VectorSpecies<Double> FOUR_DOUBLES = DoubleVector.SPECIES_256;

  /**
   * Whether the processor has vectors of four doubles and 8 or 16 floats (AVX2, AVX-512). Below
   * that (128-bit vectors) a vector of four doubles would run as boxed Java code, so the sum is
   * left to the caller's pass.
   */
  static final boolean FOLDS =
      DoubleVector.SPECIES_PREFERRED.vectorBitSize() >= 256 && (LANES == 8 || LANES == 16);

  private VectorWeightGradient() {}

  /**
   * dWeight (in, out) and dBias (out) from the rows b = 0, 1, ... (see the class comment), and
   * returns Σ dWeight² over the whole gradient as it now stands, with the bits of the four-way
   * double sum; NaN where {@link #FOLDS} is false.
   *
   * @param sums scratch for the four partial sums (at least 4 doubles), overwritten
   */
  static double weightGradient(
      float[] input,
      float[] dOutput,
      int batch,
      int in,
      int out,
      float[] dWeight,
      float[] dBias,
      boolean fromZero,
      double[] sums) {
    biasGradient(dOutput, batch, out, dBias, fromZero);
    Arrays.fill(sums, 0, 4, 0.0);
    int squared = 0; // dWeight[0, squared) are in the sums; a multiple of four
    int i = 0;
    for (; i + 4 <= in; i += 4) {
      rows4(input, dOutput, batch, in, out, dWeight, fromZero, i);
      if (FOLDS) {
        // Rows up to i + 3 are final: their whole vectors join the sums.
        addSquares(dWeight, squared, (i + 4) * out, sums);
        squared += squared(squared, (i + 4) * out);
      }
    }
    for (int r = i; r < in; r++) {
      row1(input, dOutput, batch, in, out, dWeight, fromZero, r);
    }
    return FOLDS ? lastSquares(dWeight, squared, in * out, sums) : Double.NaN;
  }

  /** dBias (out) = start + Σ_b dOutput[b, :], rows in order. */
  private static void biasGradient(
      float[] dOutput, int batch, int out, float[] dBias, boolean fromZero) {
    int o = 0;
    for (; o + LANES <= out; o += LANES) {
      FloatVector db =
          fromZero ? FloatVector.zero(SPECIES) : FloatVector.fromArray(SPECIES, dBias, o);
      for (int b = 0; b < batch; b++) {
        db = db.add(FloatVector.fromArray(SPECIES, dOutput, b * out + o));
      }
      db.intoArray(dBias, o);
    }
    for (; o < out; o++) {
      float db = fromZero ? 0f : dBias[o];
      for (int b = 0; b < batch; b++) {
        db += dOutput[b * out + o];
      }
      dBias[o] = db;
    }
  }

  /** dWeight[i..i+3, :] += input[b, i..i+3]ᵀ · dOutput[b, :] for b = 0, 1, ... in order. */
  private static void rows4(
      float[] input,
      float[] dOutput,
      int batch,
      int in,
      int out,
      float[] dWeight,
      boolean fromZero,
      int i) {
    int o = 0;
    for (; o + LANES <= out; o += LANES) {
      final int w0 = i * out + o;
      final int w1 = w0 + out;
      final int w2 = w1 + out;
      final int w3 = w2 + out;
      FloatVector d0;
      FloatVector d1;
      FloatVector d2;
      FloatVector d3;
      if (fromZero) {
        d0 = FloatVector.zero(SPECIES);
        d1 = d0;
        d2 = d0;
        d3 = d0;
      } else {
        d0 = FloatVector.fromArray(SPECIES, dWeight, w0);
        d1 = FloatVector.fromArray(SPECIES, dWeight, w1);
        d2 = FloatVector.fromArray(SPECIES, dWeight, w2);
        d3 = FloatVector.fromArray(SPECIES, dWeight, w3);
      }
      for (int b = 0; b < batch; b++) {
        final FloatVector g = FloatVector.fromArray(SPECIES, dOutput, b * out + o);
        final int x = b * in + i;
        d0 = d0.add(g.mul(input[x]));
        d1 = d1.add(g.mul(input[x + 1]));
        d2 = d2.add(g.mul(input[x + 2]));
        d3 = d3.add(g.mul(input[x + 3]));
      }
      d0.intoArray(dWeight, w0);
      d1.intoArray(dWeight, w1);
      d2.intoArray(dWeight, w2);
      d3.intoArray(dWeight, w3);
    }
    for (; o < out; o++) {
      for (int r = i; r < i + 4; r++) {
        singleElement(input, dOutput, batch, in, out, dWeight, fromZero, r, o);
      }
    }
  }

  /** dWeight[i, :] += input[b, i] · dOutput[b, :] for b = 0, 1, ... in order. */
  private static void row1(
      float[] input,
      float[] dOutput,
      int batch,
      int in,
      int out,
      float[] dWeight,
      boolean fromZero,
      int i) {
    int o = 0;
    for (; o + LANES <= out; o += LANES) {
      final int w = i * out + o;
      FloatVector d =
          fromZero ? FloatVector.zero(SPECIES) : FloatVector.fromArray(SPECIES, dWeight, w);
      for (int b = 0; b < batch; b++) {
        d = d.add(FloatVector.fromArray(SPECIES, dOutput, b * out + o).mul(input[b * in + i]));
      }
      d.intoArray(dWeight, w);
    }
    for (; o < out; o++) {
      singleElement(input, dOutput, batch, in, out, dWeight, fromZero, i, o);
    }
  }

  /** dWeight[i, o] += input[b, i] · dOutput[b, o] for b = 0, 1, ... in order. */
  private static void singleElement(
      float[] input,
      float[] dOutput,
      int batch,
      int in,
      int out,
      float[] dWeight,
      boolean fromZero,
      int i,
      int o) {
    float d = fromZero ? 0f : dWeight[i * out + o];
    for (int b = 0; b < batch; b++) {
      d += input[b * in + i] * dOutput[b * out + o];
    }
    dWeight[i * out + o] = d;
  }

  /**
   * Adds to {@code partialSums[0..3]} the squares of v[from, from + m·LANES), m = ⌊(to − from) /
   * LANES⌋, for a {@code from} that is a multiple of four; the caller advances by as many elements
   * (the rest waits for the next call, or for {@link #lastSquares}). Element from + 4m + j goes to
   * lane j in order of m. (double) v² is exact, so lane j adds exactly what the scalar partial sum
   * j adds. The floats are loaded in the kernels' one species (a second one would make the JIT
   * compiler's profile of the Vector API's loads polymorphic, and their vectors boxed) and widened
   * four at a time.
   */
  private static void addSquares(float[] v, int from, int to, double[] partialSums) {
    // In a register for the loop only: a vector live across a call would be boxed.
    DoubleVector sums = DoubleVector.fromArray(FOUR_DOUBLES, partialSums, 0);
    for (int k = from; k + LANES <= to; k += LANES) {
      final FloatVector f = FloatVector.fromArray(SPECIES, v, k);
      // Parts of f four lanes at a time, widened to double, squared and added. Written out with
      // constant parts, in this method: the JIT compiler widens only constant parts without boxing,
      // and boxes a vector passed to a method it did not inline.
      final DoubleVector x0 = (DoubleVector) f.convertShape(VectorOperators.F2D, FOUR_DOUBLES, 0);
      sums = sums.add(x0.mul(x0));
      final DoubleVector x1 = (DoubleVector) f.convertShape(VectorOperators.F2D, FOUR_DOUBLES, 1);
      sums = sums.add(x1.mul(x1));
      if (LANES == 16) {
        final DoubleVector x2 = (DoubleVector) f.convertShape(VectorOperators.F2D, FOUR_DOUBLES, 2);
        sums = sums.add(x2.mul(x2));
        final DoubleVector x3 = (DoubleVector) f.convertShape(VectorOperators.F2D, FOUR_DOUBLES, 3);
        sums = sums.add(x3.mul(x3));
      }
    }
    sums.intoArray(partialSums, 0);
  }

  /** The elements {@link #addSquares} takes of v[from, to): whole vectors. */
  private static int squared(int from, int to) {
    return (to - from) / LANES * LANES;
  }

  /**
   * The squares of v[from, n) joined to {@code sums} (from a multiple of four): whole vectors, then
   * groups of four one lane each, the last n mod 4 elements in lane 0; and the lanes combined, (s0
   * + s1) + (s2 + s3).
   */
  private static double lastSquares(float[] v, int from, int n, double[] sums) {
    addSquares(v, from, n, sums);
    int k = from + squared(from, n);
    double s0 = sums[0];
    double s1 = sums[1];
    double s2 = sums[2];
    double s3 = sums[3];
    for (; k + 3 < n; k += 4) {
      s0 += (double) v[k] * v[k];
      s1 += (double) v[k + 1] * v[k + 1];
      s2 += (double) v[k + 2] * v[k + 2];
      s3 += (double) v[k + 3] * v[k + 3];
    }
    for (; k < n; k++) {
      s0 += (double) v[k] * v[k];
    }
    return (s0 + s1) + (s2 + s3);
  }
}
