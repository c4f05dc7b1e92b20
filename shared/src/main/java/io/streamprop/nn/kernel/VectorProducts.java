package io.streamprop.nn.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Register-blocked products of a dense layer on the JDK's Vector API ({@code
 * jdk.incubator.vector}): the forward pass and dInput, on flat row-major arrays (the weight
 * gradient is {@link VectorWeightGradient}'s).
 *
 * <p>Why: HotSpot's auto-vectorizer only vectorizes an innermost loop, so the scalar kernels keep
 * their running sums in memory (an accumulator row loaded and stored once per pass) and reach 12–25
 * GFLOP/s here. These kernels keep a block of sums (four batch rows × two vectors of outputs) in
 * registers for a whole pass over the inputs, so each weight vector is loaded once for four rows
 * and no sum goes through memory: 2–3× the scalar kernels on the benchmark shapes.
 *
 * <p>The reference's bits on any vector width: every lane does what the reference loop does for its
 * element, a multiplication then an addition (never a fused multiply-add), and every sum adds its
 * terms in the reference order (see {@link DenseKernel}). The loops only choose which elements are
 * computed together, never the order of one element's terms.
 *
 * <p>Load this class only where {@link Kernels#vectorAvailable()}: it links against the incubator
 * module.
 */
final class VectorProducts {
  static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
  static final int LANES = SPECIES.length();

  /**
   * Inputs per tile of the forward pass: the tile of weights for one strip of outputs (TILE × 2
   * vectors) stays in the L1 cache while every block of batch rows passes over it.
   */
  static final int TILE = 256;

  private VectorProducts() {}

  /**
   * output (B, out) = input (B, in) · weight (in, out) + bias (out), all flat and row-major.
   *
   * <p>Outputs in strips of two vectors, inputs in tiles of {@value #TILE}, batch rows in blocks of
   * four; a tile after the first continues the sums stored by the one before (a float stored and
   * loaded back is the same float, so tiling changes no bit). Outputs that do not fill a vector,
   * and rows that do not fill a block, are computed one at a time in the same order.
   */
  static void forward(
      float[] input, int batch, int in, float[] weight, float[] bias, int out, float[] output) {
    final int strip = 2 * LANES;
    int o = 0;
    for (; o + strip <= out; o += strip) {
      for (int i0 = 0; i0 < in; i0 += TILE) {
        final int i1 = Math.min(in, i0 + TILE);
        int b = 0;
        for (; b + 4 <= batch; b += 4) {
          forwardBlock4(input, b, in, weight, bias, out, output, o, i0, i1);
        }
        for (; b < batch; b++) {
          forwardBlock1(input, b, in, weight, bias, out, output, o, i0, i1);
        }
      }
    }
    forwardRest(input, batch, in, weight, bias, out, output, o);
  }

  /**
   * Outputs o.. of {@link #forward} that do not fill a strip: one vector, then single outputs, one
   * batch row at a time.
   */
  static void forwardRest(
      float[] input,
      int batch,
      int in,
      float[] weight,
      float[] bias,
      int out,
      float[] output,
      int o) {
    for (; o + LANES <= out; o += LANES) {
      for (int b = 0; b < batch; b++) {
        forwardVector1(input, b, in, weight, bias, out, output, o);
      }
    }
    for (; o < out; o++) {
      for (int b = 0; b < batch; b++) {
        final int xRow = b * in;
        float sum = bias[o];
        for (int i = 0; i < in; i++) {
          sum += input[xRow + i] * weight[i * out + o];
        }
        output[b * out + o] = sum;
      }
    }
  }

  /**
   * The forward pass of a layer with fewer outputs than a vector has lanes (a classifier's logits),
   * on a copy of the weight padded to one vector per input: {@code weightPadded} (in, LANES) and
   * {@code biasPadded} (LANES) hold zeros past {@code out}. One vector holds a row's outputs, four
   * rows per block, so each padded weight row is loaded once for four rows. Lanes past {@code out}
   * compute 0 + x·0 and are never stored where a result stays: a row is stored as a whole vector
   * (its tail spills into the next row, which is stored after it) while the vector fits below
   * batch·out, else lane by lane.
   */
  static void forwardNarrow(
      float[] input,
      int batch,
      int in,
      float[] weightPadded,
      float[] biasPadded,
      int out,
      float[] output) {
    final FloatVector bias = FloatVector.fromArray(SPECIES, biasPadded, 0);
    final int end = batch * out;
    int b = 0;
    for (; b + 4 <= batch; b += 4) {
      final int x0 = b * in;
      final int x1 = x0 + in;
      final int x2 = x1 + in;
      final int x3 = x2 + in;
      FloatVector a0 = bias;
      FloatVector a1 = bias;
      FloatVector a2 = bias;
      FloatVector a3 = bias;
      for (int i = 0; i < in; i++) {
        final FloatVector w = FloatVector.fromArray(SPECIES, weightPadded, i * LANES);
        a0 = a0.add(w.mul(input[x0 + i]));
        a1 = a1.add(w.mul(input[x1 + i]));
        a2 = a2.add(w.mul(input[x2 + i]));
        a3 = a3.add(w.mul(input[x3 + i]));
      }
      storeRow(a0, output, b * out, out, end);
      storeRow(a1, output, (b + 1) * out, out, end);
      storeRow(a2, output, (b + 2) * out, out, end);
      storeRow(a3, output, (b + 3) * out, out, end);
    }
    for (; b < batch; b++) {
      final int x = b * in;
      FloatVector a = bias;
      for (int i = 0; i < in; i++) {
        a = a.add(FloatVector.fromArray(SPECIES, weightPadded, i * LANES).mul(input[x + i]));
      }
      storeRow(a, output, b * out, out, end);
    }
  }

  /** Stores the first {@code out} lanes of v at output[at...], writing nothing at or past end. */
  private static void storeRow(FloatVector v, float[] output, int at, int out, int end) {
    if (at + LANES <= end) {
      v.intoArray(output, at);
    } else {
      for (int k = 0; k < out; k++) {
        output[at + k] = v.lane(k);
      }
    }
  }

  /** Rows b..b+3, outputs o..o+2·LANES, inputs i0..i1 (continuing the sums if i0 > 0). */
  private static void forwardBlock4(
      float[] input,
      int b,
      int in,
      float[] weight,
      float[] bias,
      int out,
      float[] output,
      int o,
      int i0,
      int i1) {
    final int y0 = b * out + o;
    final int y1 = y0 + out;
    final int y2 = y1 + out;
    final int y3 = y2 + out;
    FloatVector a0;
    FloatVector a1;
    FloatVector a2;
    FloatVector a3;
    FloatVector c0;
    FloatVector c1;
    FloatVector c2;
    FloatVector c3;
    if (i0 == 0) {
      a0 = FloatVector.fromArray(SPECIES, bias, o);
      c0 = FloatVector.fromArray(SPECIES, bias, o + LANES);
      a1 = a0;
      a2 = a0;
      a3 = a0;
      c1 = c0;
      c2 = c0;
      c3 = c0;
    } else {
      a0 = FloatVector.fromArray(SPECIES, output, y0);
      c0 = FloatVector.fromArray(SPECIES, output, y0 + LANES);
      a1 = FloatVector.fromArray(SPECIES, output, y1);
      c1 = FloatVector.fromArray(SPECIES, output, y1 + LANES);
      a2 = FloatVector.fromArray(SPECIES, output, y2);
      c2 = FloatVector.fromArray(SPECIES, output, y2 + LANES);
      a3 = FloatVector.fromArray(SPECIES, output, y3);
      c3 = FloatVector.fromArray(SPECIES, output, y3 + LANES);
    }
    final int x0 = b * in;
    final int x1 = x0 + in;
    final int x2 = x1 + in;
    final int x3 = x2 + in;
    for (int i = i0; i < i1; i++) {
      final int w = i * out + o;
      final FloatVector wa = FloatVector.fromArray(SPECIES, weight, w);
      final FloatVector wc = FloatVector.fromArray(SPECIES, weight, w + LANES);
      final float s0 = input[x0 + i];
      final float s1 = input[x1 + i];
      final float s2 = input[x2 + i];
      final float s3 = input[x3 + i];
      a0 = a0.add(wa.mul(s0));
      c0 = c0.add(wc.mul(s0));
      a1 = a1.add(wa.mul(s1));
      c1 = c1.add(wc.mul(s1));
      a2 = a2.add(wa.mul(s2));
      c2 = c2.add(wc.mul(s2));
      a3 = a3.add(wa.mul(s3));
      c3 = c3.add(wc.mul(s3));
    }
    a0.intoArray(output, y0);
    c0.intoArray(output, y0 + LANES);
    a1.intoArray(output, y1);
    c1.intoArray(output, y1 + LANES);
    a2.intoArray(output, y2);
    c2.intoArray(output, y2 + LANES);
    a3.intoArray(output, y3);
    c3.intoArray(output, y3 + LANES);
  }

  /** Row b, outputs o..o+2·LANES, inputs i0..i1 (continuing the sums if i0 > 0). */
  private static void forwardBlock1(
      float[] input,
      int b,
      int in,
      float[] weight,
      float[] bias,
      int out,
      float[] output,
      int o,
      int i0,
      int i1) {
    final int y = b * out + o;
    FloatVector a;
    FloatVector c;
    if (i0 == 0) {
      a = FloatVector.fromArray(SPECIES, bias, o);
      c = FloatVector.fromArray(SPECIES, bias, o + LANES);
    } else {
      a = FloatVector.fromArray(SPECIES, output, y);
      c = FloatVector.fromArray(SPECIES, output, y + LANES);
    }
    final int x = b * in;
    for (int i = i0; i < i1; i++) {
      final int w = i * out + o;
      final float s = input[x + i];
      a = a.add(FloatVector.fromArray(SPECIES, weight, w).mul(s));
      c = c.add(FloatVector.fromArray(SPECIES, weight, w + LANES).mul(s));
    }
    a.intoArray(output, y);
    c.intoArray(output, y + LANES);
  }

  /** Row b, outputs o..o+LANES, all inputs. */
  private static void forwardVector1(
      float[] input, int b, int in, float[] weight, float[] bias, int out, float[] output, int o) {
    FloatVector a = FloatVector.fromArray(SPECIES, bias, o);
    final int x = b * in;
    for (int i = 0; i < in; i++) {
      a = a.add(FloatVector.fromArray(SPECIES, weight, i * out + o).mul(input[x + i]));
    }
    a.intoArray(output, b * out + o);
  }

  /**
   * dInput (B, in) = dOutput (B, out) · weightᵀ, overwritten, from the transposed weight (one row
   * of in per output): dInput[b, i] = 0 + dOutput[b, 0]·weightᵀ[0, i] + dOutput[b, 1]·weightᵀ[1, i]
   * + .... Four rows × one vector of inputs per register block; inputs that do not fill a vector
   * one at a time, in the same order.
   */
  static void inputGradient(
      float[] dOutput, int batch, int out, float[][] weightT, int in, float[] dInput) {
    inputGradient(dOutput, batch, out, weightT, 0, in, dInput);
  }

  /**
   * {@link #inputGradient(float[], int, int, float[][], int, float[])} of the inputs [from, in)
   * only, vectors from {@code from} on; dInput's other columns are left as they are.
   */
  static void inputGradient(
      float[] dOutput, int batch, int out, float[][] weightT, int from, int in, float[] dInput) {
    int i = from;
    for (; i + LANES <= in; i += LANES) {
      int b = 0;
      for (; b + 4 <= batch; b += 4) {
        final int g0 = b * out;
        final int g1 = g0 + out;
        final int g2 = g1 + out;
        final int g3 = g2 + out;
        FloatVector s0 = FloatVector.zero(SPECIES);
        FloatVector s1 = s0;
        FloatVector s2 = s0;
        FloatVector s3 = s0;
        for (int o = 0; o < out; o++) {
          final FloatVector w = FloatVector.fromArray(SPECIES, weightT[o], i);
          s0 = s0.add(w.mul(dOutput[g0 + o]));
          s1 = s1.add(w.mul(dOutput[g1 + o]));
          s2 = s2.add(w.mul(dOutput[g2 + o]));
          s3 = s3.add(w.mul(dOutput[g3 + o]));
        }
        s0.intoArray(dInput, b * in + i);
        s1.intoArray(dInput, (b + 1) * in + i);
        s2.intoArray(dInput, (b + 2) * in + i);
        s3.intoArray(dInput, (b + 3) * in + i);
      }
      for (; b < batch; b++) {
        final int g = b * out;
        FloatVector s = FloatVector.zero(SPECIES);
        for (int o = 0; o < out; o++) {
          s = s.add(FloatVector.fromArray(SPECIES, weightT[o], i).mul(dOutput[g + o]));
        }
        s.intoArray(dInput, b * in + i);
      }
    }
    for (; i < in; i++) {
      for (int b = 0; b < batch; b++) {
        float s = 0f;
        for (int o = 0; o < out; o++) {
          s += dOutput[b * out + o] * weightT[o][i];
        }
        dInput[b * in + i] = s;
      }
    }
  }
}
