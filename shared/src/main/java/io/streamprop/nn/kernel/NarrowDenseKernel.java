package io.streamprop.nn.kernel;

import java.util.Arrays;

/**
 * The dense layer's loops for layers with fewer than 8 outputs (a classifier's logits), where rows
 * of two to seven floats leave a vectorized loop over the outputs nothing to do. The forward pass
 * runs one dot product per output on the flat weight, four batch rows side by side. From four batch
 * rows up the backward pass works on the transpose (one zero-based row of inFeatures per output,
 * for the weight and for its gradient), where the loops run over contiguous inputs and HotSpot
 * vectorizes them; below four rows, on the flat arrays. The reference order of terms throughout, so
 * the reference's bits. The transposes and the batch rows are the thread's ({@link KernelScratch}),
 * filled in the call that reads them: the layer holds no work arrays.
 *
 * <p>{@link NarrowVectorDenseKernel} extends this class with the Vector API.
 */
public class NarrowDenseKernel implements DenseKernel {
  static final int BLOCK = ScalarDenseKernel.BLOCK;

  final int in;
  final int out;
  final float[] weight; // (in, out)
  final float[] bias; // (out)
  private final float[] dWeight; // (in, out), null: the layer only predicts
  private final float[] dBias; // (out)

  public NarrowDenseKernel(DenseParameters p) {
    this.in = p.inFeatures();
    this.out = p.outFeatures();
    this.weight = p.weight();
    this.bias = p.bias();
    this.dWeight = p.dWeight();
    this.dBias = p.dBias();
  }

  @Override
  public void forward(float[] input, float[] output, int batch) {
    ScalarLoops.forwardByDots(input, batch, in, weight, bias, out, output);
  }

  @Override
  public void prepareInference() {} // reads the flat weight as it is

  @Override
  public int inferenceScratch(int batch) {
    return 0;
  }

  @Override
  public void forwardInference(float[] input, float[] output, int batch, float[] scratch) {
    ScalarLoops.forwardByDots(input, batch, in, weight, bias, out, output);
  }

  @Override
  public void backward(
      float[] input, float[] dOutput, float[] dInput, int batch, boolean fromZero) {
    if (batch < BLOCK) {
      // At fewer rows the transposes would cost more than they save: the flat arrays.
      if (fromZero) {
        Arrays.fill(dWeight, 0f);
        Arrays.fill(dBias, 0f);
      }
      backwardFlat(input, dOutput, dInput, batch);
      return;
    }
    final KernelScratch scratch = KernelScratch.get();
    // dWeightᵀ while the rows accumulate: out rows of (in); input and dInput rows: BLOCK of (in)
    final float[][] dWeightCols = scratch.rows(KernelScratch.GRADIENT_ROWS, out, in);
    final float[][] inputRows = scratch.rows(KernelScratch.BATCH_ROWS, BLOCK, in);
    if (fromZero) {
      Arrays.fill(dBias, 0f);
    } else {
      ScalarLoops.transpose(dWeight, in, out, dWeightCols);
    }
    for (int b = 0; b < batch; b++) {
      final int yRow = b * out;
      for (int o = 0; o < out; o++) {
        dBias[o] += dOutput[yRow + o];
      }
    }
    // dWeightᵀ[o, :] += dOutput[b, o] · input[b, :] for b = 0, 1, ...; while assign is true the
    // scratch holds stale values that the first row overwrites with 0 + its term.
    boolean assign = fromZero;
    final float[] x0 = inputRows[0];
    final float[] x1 = inputRows[1];
    final float[] x2 = inputRows[2];
    final float[] x3 = inputRows[3];
    int b = 0;
    for (; b + BLOCK <= batch; b += BLOCK) {
      System.arraycopy(input, b * in, x0, 0, in);
      System.arraycopy(input, (b + 1) * in, x1, 0, in);
      System.arraycopy(input, (b + 2) * in, x2, 0, in);
      System.arraycopy(input, (b + 3) * in, x3, 0, in);
      for (int o = 0; o < out; o++) {
        final float g0 = dOutput[b * out + o];
        final float g1 = dOutput[(b + 1) * out + o];
        final float g2 = dOutput[(b + 2) * out + o];
        final float g3 = dOutput[(b + 3) * out + o];
        final float[] dw = dWeightCols[o];
        if (assign) {
          for (int i = 0; i < in; i++) {
            dw[i] = 0f + x0[i] * g0 + x1[i] * g1 + x2[i] * g2 + x3[i] * g3;
          }
        } else {
          for (int i = 0; i < in; i++) {
            dw[i] = dw[i] + x0[i] * g0 + x1[i] * g1 + x2[i] * g2 + x3[i] * g3;
          }
        }
      }
      assign = false;
    }
    for (; b < batch; b++) {
      System.arraycopy(input, b * in, x0, 0, in);
      for (int o = 0; o < out; o++) {
        final float g = dOutput[b * out + o];
        final float[] dw = dWeightCols[o];
        for (int i = 0; i < in; i++) {
          dw[i] += x0[i] * g;
        }
      }
    }
    for (int o = 0; o < out; o++) {
      final float[] dw = dWeightCols[o];
      for (int i = 0; i < in; i++) {
        dWeight[i * out + o] = dw[i];
      }
    }
    if (dInput != null) {
      // weightᵀ: out rows of (in), built here (the weights change between two backward passes)
      final float[][] weightCols = scratch.rows(KernelScratch.TRANSPOSE_ROWS, out, in);
      ScalarLoops.transpose(weight, in, out, weightCols);
      inputGradient(dOutput, batch, weightCols, dInput, inputRows[0]);
    }
  }

  /** dInput = dOutput · weightᵀ from the transpose, overwritten; see ScalarLoops. */
  void inputGradient(float[] dOutput, int batch, float[][] weightT, float[] dInput, float[] acc) {
    ScalarLoops.inputGradientFromTranspose(dOutput, batch, out, weightT, in, dInput, acc);
  }

  /** {@link #backward} below four rows, on the flat arrays: the reference loops, o outer. */
  private void backwardFlat(float[] input, float[] dOutput, float[] dInput, int batch) {
    for (int b = 0; b < batch; b++) {
      final int xRow = b * in;
      final int yRow = b * out;
      for (int o = 0; o < out; o++) {
        dBias[o] += dOutput[yRow + o];
      }
      // o outer, i inner: a loop over o per input would be all overhead.
      for (int o = 0; o < out; o++) {
        final float go = dOutput[yRow + o];
        for (int i = 0; i < in; i++) {
          dWeight[i * out + o] += input[xRow + i] * go;
        }
      }
    }
    if (dInput != null) {
      ScalarLoops.inputGradientByDots(dOutput, batch, out, weight, in, dInput);
    }
  }

  @Override
  public long floatsHeld() {
    return 0;
  }
}
