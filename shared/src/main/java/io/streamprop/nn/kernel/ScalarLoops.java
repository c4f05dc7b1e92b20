package io.streamprop.nn.kernel;

import java.util.Arrays;

/**
 * Loops that several kernels share, on flat row-major arrays. Each keeps the reference order of
 * terms (see {@link DenseKernel}), so each gives the reference's bits.
 */
final class ScalarLoops {
  private ScalarLoops() {}

  /**
   * output (B, out) = input (B, in) · weight (in, out) + bias as one dot product per output, four
   * batch rows at a time: each weight[i, o] is loaded once for four rows, and the four running sums
   * are independent, so they overlap in the pipeline instead of waiting on one add chain. For
   * layers with few outputs, where a loop over the outputs per input would be all overhead.
   */
  static void forwardByDots(
      float[] input, int batch, int in, float[] weight, float[] bias, int out, float[] output) {
    int b = 0;
    for (; b + 3 < batch; b += 4) {
      final int x0 = b * in;
      final int x1 = x0 + in;
      final int x2 = x1 + in;
      final int x3 = x2 + in;
      for (int o = 0; o < out; o++) {
        float s0 = bias[o];
        float s1 = s0;
        float s2 = s0;
        float s3 = s0;
        for (int i = 0; i < in; i++) {
          final float w = weight[i * out + o];
          s0 += input[x0 + i] * w; // output[b, o] += input[b, i] · weight[i, o]
          s1 += input[x1 + i] * w;
          s2 += input[x2 + i] * w;
          s3 += input[x3 + i] * w;
        }
        output[b * out + o] = s0;
        output[(b + 1) * out + o] = s1;
        output[(b + 2) * out + o] = s2;
        output[(b + 3) * out + o] = s3;
      }
    }
    for (; b < batch; b++) {
      final int xRow = b * in;
      for (int o = 0; o < out; o++) {
        float sum = bias[o];
        for (int i = 0; i < in; i++) {
          sum += input[xRow + i] * weight[i * out + o];
        }
        output[b * out + o] = sum;
      }
    }
  }

  /**
   * dInput[b, i] = 0 + Σ_o dOutput[b, o] · weight[i, o] over o = 0, 1, ..., as scalar dot products
   * on the flat weight, four inputs' sums side by side to hide the add latency: for fewer than four
   * batch rows, where building the transpose would cost more than it saves.
   */
  static void inputGradientByDots(
      float[] dOutput, int batch, int out, float[] weight, int in, float[] dInput) {
    for (int b = 0; b < batch; b++) {
      final int xRow = b * in;
      final int yRow = b * out;
      int i = 0;
      for (; i + 3 < in; i += 4) {
        final int w0 = i * out;
        final int w1 = w0 + out;
        final int w2 = w1 + out;
        final int w3 = w2 + out;
        float s0 = 0f;
        float s1 = 0f;
        float s2 = 0f;
        float s3 = 0f;
        for (int o = 0; o < out; o++) {
          final float go = dOutput[yRow + o];
          s0 += go * weight[w0 + o];
          s1 += go * weight[w1 + o];
          s2 += go * weight[w2 + o];
          s3 += go * weight[w3 + o];
        }
        dInput[xRow + i] = s0;
        dInput[xRow + i + 1] = s1;
        dInput[xRow + i + 2] = s2;
        dInput[xRow + i + 3] = s3;
      }
      for (; i < in; i++) {
        final int w = i * out;
        float sum = 0f;
        for (int o = 0; o < out; o++) {
          sum += dOutput[yRow + o] * weight[w + o];
        }
        dInput[xRow + i] = sum;
      }
    }
  }

  /**
   * dInput (B, in) = dOutput (B, out) · weightᵀ, overwritten, from the transpose (one zero-based
   * row of in per output): for each row, dInput[b, :] = Σ_o dOutput[b, o] · weightᵀ[o, :] over o =
   * 0, 1, ... from 0, up to four outputs per pass over the zero-based accumulator row, so the loop
   * runs over contiguous inputs and HotSpot vectorizes it. Each element is the same sum in the same
   * order as the dot product {@code Σ_o dOutput[b, o] · weight[i, o]}: the same bits.
   *
   * @param acc scratch of at least in floats
   */
  static void inputGradientFromTranspose(
      float[] dOutput, int batch, int out, float[][] weightT, int in, float[] dInput, float[] acc) {
    for (int b = 0; b < batch; b++) {
      final int yRow = b * out;
      Arrays.fill(acc, 0, in, 0f);
      int o = 0;
      for (; o + 3 < out; o += 4) {
        final float g0 = dOutput[yRow + o];
        final float g1 = dOutput[yRow + o + 1];
        final float g2 = dOutput[yRow + o + 2];
        final float g3 = dOutput[yRow + o + 3];
        final float[] w0 = weightT[o];
        final float[] w1 = weightT[o + 1];
        final float[] w2 = weightT[o + 2];
        final float[] w3 = weightT[o + 3];
        for (int i = 0; i < in; i++) {
          acc[i] = acc[i] + g0 * w0[i] + g1 * w1[i] + g2 * w2[i] + g3 * w3[i];
        }
      }
      for (; o < out; o++) {
        final float g = dOutput[yRow + o];
        final float[] w = weightT[o];
        for (int i = 0; i < in; i++) {
          acc[i] += g * w[i];
        }
      }
      System.arraycopy(acc, 0, dInput, b * in, in);
    }
  }

  /**
   * flat (in, out) → cols: one row of in per output. Four outputs at a time, so that each pass
   * writes four rows of cols front to back (and reads four neighbouring floats of each row of
   * flat), rather than one element of every row of cols per row of flat: about three times as fast
   * on a 116 × 64 weight. Data movement only: the same values whatever the order.
   */
  static void transpose(float[] flat, int in, int out, float[][] cols) {
    transpose(flat, 0, in, out, cols);
  }

  /** {@link #transpose(float[], int, int, float[][])} of the inputs [from, in) only. */
  static void transpose(float[] flat, int from, int in, int out, float[][] cols) {
    int o = 0;
    for (; o + 3 < out; o += 4) {
      final float[] c0 = cols[o];
      final float[] c1 = cols[o + 1];
      final float[] c2 = cols[o + 2];
      final float[] c3 = cols[o + 3];
      for (int i = from, at = from * out + o; i < in; i++, at += out) {
        c0[i] = flat[at];
        c1[i] = flat[at + 1];
        c2[i] = flat[at + 2];
        c3[i] = flat[at + 3];
      }
    }
    for (; o < out; o++) {
      final float[] c = cols[o];
      for (int i = from, at = from * out + o; i < in; i++, at += out) {
        c[i] = flat[at];
      }
    }
  }
}
