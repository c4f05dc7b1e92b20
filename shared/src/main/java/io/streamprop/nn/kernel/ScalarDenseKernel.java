package io.streamprop.nn.kernel;

import java.util.Arrays;

/**
 * The dense layer's loops in plain Java, arranged so that HotSpot's auto-vectorizer (superword)
 * turns their inner loops into SIMD code, for layers with 8 outputs or more.
 *
 * <p>Why the row mirror: HotSpot 17 vectorizes {@code y[o] += x * w[o]} only when both arrays are
 * indexed from the same base; with a row offset ({@code w[i*out + o]}) it falls back to scalar
 * code, three to four times slower. So this kernel mirrors the flat weight into one array per input
 * row at each {@link #forward} (a memory copy), accumulates the weight gradient in per-row arrays
 * and copies it back, and works on output rows in a zero-based scratch row. From four batch rows
 * up, dInput comes from a transposed copy of the weight, where the loop runs over contiguous
 * inputs. Every element still sums its terms in the reference order, so neither vectorization nor
 * the copies change a bit. The mirror is the layer's own (prediction reads it); the gradient rows,
 * the scratch rows and the transpose are the thread's ({@link KernelScratch}), filled in the call
 * that reads them.
 *
 * <p>The {@link VectorDenseKernel} extends this class: it runs these loops until the Vector API
 * code is compiled, and shares the transpose.
 */
public class ScalarDenseKernel implements DenseKernel {
  /** Batch rows that share one pass over the weight gradient. */
  static final int BLOCK = 4;

  final int in;
  final int out;
  final float[] weight; // (in, out)
  final float[] bias; // (out)
  final float[] dWeight; // (in, out), null: the layer only predicts
  final float[] dBias; // (out)

  private float[][] weightRows; // in rows of (out): the weight as of the last forward or prepare
  private boolean rowsCurrent; // false until the first forward or prepare copies the weight

  public ScalarDenseKernel(DenseParameters p) {
    this.in = p.inFeatures();
    this.out = p.outFeatures();
    this.weight = p.weight();
    this.bias = p.bias();
    this.dWeight = p.dWeight();
    this.dBias = p.dBias();
    // The mirror is made by the first forward or prepare on the scalar loops: a layer on the
    // vector kernels never needs it.
  }

  @Override
  public void forward(float[] input, float[] output, int batch) {
    copyRows();
    float[] acc = KernelScratch.get().floats(KernelScratch.ROW, out);
    for (int b = 0; b < batch; b++) {
      forwardRow(input, b, output, acc);
    }
  }

  @Override
  public void prepareInference() {
    copyRows();
  }

  @Override
  public int inferenceScratch(int batch) {
    return out;
  }

  @Override
  public void forwardInference(float[] input, float[] output, int batch, float[] scratch) {
    if (!rowsCurrent) {
      // Neither prepared nor run forward: the weights as they are, without the mirror.
      ScalarLoops.forwardByDots(input, batch, in, weight, bias, out, output);
      return;
    }
    for (int b = 0; b < batch; b++) {
      forwardRow(input, b, output, scratch);
    }
  }

  private void copyRows() {
    if (weightRows == null) {
      weightRows = new float[in][out];
    }
    for (int i = 0; i < in; i++) {
      System.arraycopy(weight, i * out, weightRows[i], 0, out);
    }
    rowsCurrent = true;
  }

  /**
   * One output row, four inputs per pass over the zero-based accumulator row: {@code acc[o] +
   * x0·w0[o] + x1·w1[o] + ...} evaluates left to right, so every sum keeps the order bias, i = 0,
   * 1, ...: the same bits as one input at a time, with a quarter of the accumulator loads and
   * stores. (Four batch rows per pass, with four accumulator arrays, measured 2× slower: HotSpot 17
   * does not vectorize a loop that stores into several float arrays.)
   */
  private void forwardRow(float[] input, int b, float[] output, float[] acc) {
    final int xRow = b * in;
    System.arraycopy(bias, 0, acc, 0, out);
    int i = 0;
    for (; i + 3 < in; i += 4) {
      final float[] w0 = weightRows[i];
      final float[] w1 = weightRows[i + 1];
      final float[] w2 = weightRows[i + 2];
      final float[] w3 = weightRows[i + 3];
      final float x0 = input[xRow + i];
      final float x1 = input[xRow + i + 1];
      final float x2 = input[xRow + i + 2];
      final float x3 = input[xRow + i + 3];
      for (int o = 0; o < out; o++) {
        acc[o] = acc[o] + x0 * w0[o] + x1 * w1[o] + x2 * w2[o] + x3 * w3[o];
      }
    }
    for (; i < in; i++) {
      final float x = input[xRow + i];
      final float[] w = weightRows[i];
      for (int o = 0; o < out; o++) {
        acc[o] += x * w[o]; // output[b, o] += input[b, i] · weight[i, o]
      }
    }
    System.arraycopy(acc, 0, output, b * out, out);
  }

  /**
   * Blocked by four batch rows: each weight-gradient row is read and written once per four rows,
   * and its loop stores into one array, so it vectorizes. dWeight[i, o] and dBias[o] add rows b =
   * 0, 1, ... one after the other (left-to-right evaluation of {@code dw[o] + x0·g0[o] + x1·g1[o] +
   * ...}); dInput[b, i] is the sum over o = 0, 1, ... from 0, from four rows up on the transpose,
   * below that per row on the mirror.
   */
  @Override
  public void backward(
      float[] input, float[] dOutput, float[] dInput, int batch, boolean fromZero) {
    if (!rowsCurrent) {
      copyRows(); // no forward yet: the weights as they are
    }
    // From BLOCK rows up, dInput comes from the transpose after the loops below; for fewer rows,
    // the per-row dot products of backwardRow cost less than refreshing the transpose.
    final boolean transposed = batch >= BLOCK;
    final float[] rowDInput = transposed ? null : dInput;
    final KernelScratch scratch = KernelScratch.get();
    final float[][] dWeightRows = scratch.rows(KernelScratch.GRADIENT_ROWS, in, out);
    final float[][] blockRows = scratch.rows(KernelScratch.BATCH_ROWS, BLOCK, out);
    if (fromZero) {
      Arrays.fill(dBias, 0f);
    } else {
      for (int i = 0; i < in; i++) {
        System.arraycopy(dWeight, i * out, dWeightRows[i], 0, out);
      }
    }
    // While true, the row scratch holds stale values that the next batch row overwrites with
    // 0 + its terms instead of adding to them.
    boolean assign = fromZero;
    final float[] g0 = blockRows[0];
    final float[] g1 = blockRows[1];
    final float[] g2 = blockRows[2];
    final float[] g3 = blockRows[3];
    int b = 0;
    for (; b + BLOCK <= batch; b += BLOCK) {
      final int x0 = b * in;
      final int x1 = x0 + in;
      final int x2 = x1 + in;
      final int x3 = x2 + in;
      System.arraycopy(dOutput, b * out, g0, 0, out);
      System.arraycopy(dOutput, (b + 1) * out, g1, 0, out);
      System.arraycopy(dOutput, (b + 2) * out, g2, 0, out);
      System.arraycopy(dOutput, (b + 3) * out, g3, 0, out);
      for (int o = 0; o < out; o++) {
        dBias[o] = dBias[o] + g0[o] + g1[o] + g2[o] + g3[o];
      }
      // dWeight[i, :] += input[b, i] · dOutput[b, :] for b, b+1, b+2, b+3 in that order
      for (int i = 0; i < in; i++) {
        final float p0 = input[x0 + i];
        final float p1 = input[x1 + i];
        final float p2 = input[x2 + i];
        final float p3 = input[x3 + i];
        final float[] dw = dWeightRows[i];
        if (assign) {
          for (int o = 0; o < out; o++) {
            dw[o] = 0f + p0 * g0[o] + p1 * g1[o] + p2 * g2[o] + p3 * g3[o];
          }
        } else {
          for (int o = 0; o < out; o++) {
            dw[o] = dw[o] + p0 * g0[o] + p1 * g1[o] + p2 * g2[o] + p3 * g3[o];
          }
        }
      }
      assign = false;
    }
    for (; b < batch; b++) {
      backwardRow(input, dOutput, rowDInput, b, g0, dWeightRows, assign);
      assign = false;
    }
    if (transposed && dInput != null) {
      inputGradient(dOutput, batch, dInput);
    }
    if (assign) {
      Arrays.fill(dWeight, 0f); // no batch rows: the gradient of nothing
      return;
    }
    for (int i = 0; i < in; i++) {
      System.arraycopy(dWeightRows[i], 0, dWeight, i * out, out);
    }
  }

  /** One batch row of {@link #backward} (the rows after the four-row blocks). */
  private void backwardRow(
      float[] input,
      float[] dOutput,
      float[] dInput,
      int b,
      float[] g,
      float[][] dWeightRows,
      boolean assign) {
    final int xRow = b * in;
    System.arraycopy(dOutput, b * out, g, 0, out); // g = dOutput[b, :]
    // dBias += dOutput[b, :]
    for (int o = 0; o < out; o++) {
      dBias[o] += g[o];
    }
    // dWeight += inputᵀ · dOutput: dWeight[i, :] += input[b, i] · dOutput[b, :]
    for (int i = 0; i < in; i++) {
      final float x = input[xRow + i];
      final float[] dw = dWeightRows[i];
      if (assign) {
        for (int o = 0; o < out; o++) {
          dw[o] = 0f + x * g[o]; // the zeroed gradient plus this row's term: the same bits
        }
      } else {
        for (int o = 0; o < out; o++) {
          dw[o] += x * g[o];
        }
      }
    }
    if (dInput != null) {
      // dInput[b, i] = Σ_o dOutput[b, o] · weight[i, o]; four inputs' sums side by side.
      int i = 0;
      for (; i + 3 < in; i += 4) {
        final float[] w0 = weightRows[i];
        final float[] w1 = weightRows[i + 1];
        final float[] w2 = weightRows[i + 2];
        final float[] w3 = weightRows[i + 3];
        float s0 = 0f;
        float s1 = 0f;
        float s2 = 0f;
        float s3 = 0f;
        for (int o = 0; o < out; o++) {
          final float go = g[o];
          s0 += go * w0[o];
          s1 += go * w1[o];
          s2 += go * w2[o];
          s3 += go * w3[o];
        }
        dInput[xRow + i] = s0;
        dInput[xRow + i + 1] = s1;
        dInput[xRow + i + 2] = s2;
        dInput[xRow + i + 3] = s3;
      }
      for (; i < in; i++) {
        final float[] w = weightRows[i];
        float sum = 0f;
        for (int o = 0; o < out; o++) {
          sum += g[o] * w[o];
        }
        dInput[xRow + i] = sum;
      }
    }
  }

  /** dInput = dOutput · weightᵀ on the transpose, overwritten; see ScalarLoops. */
  void inputGradient(float[] dOutput, int batch, float[] dInput) {
    float[] acc = KernelScratch.get().floats(KernelScratch.ROW, in);
    ScalarLoops.inputGradientFromTranspose(dOutput, batch, out, transpose(0), in, dInput, acc);
  }

  /**
   * weightᵀ with the inputs [from, in) in each row (one zero-based row of in per output), in this
   * thread's scratch: built at each call, as the weights change at every training step between two
   * backward passes.
   */
  final float[][] transpose(int from) {
    float[][] weightCols = KernelScratch.get().rows(KernelScratch.TRANSPOSE_ROWS, out, in);
    ScalarLoops.transpose(weight, from, in, out, weightCols);
    return weightCols;
  }

  @Override
  public long floatsHeld() {
    return weightRows == null ? 0 : (long) weightRows.length * out;
  }
}
