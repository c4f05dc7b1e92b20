package io.streamprop.nn;

import java.util.Arrays;

/**
 * A fully connected layer {@code output = input · weight + bias}.
 *
 * <p>Shapes: input (B, inFeatures), weight (inFeatures, outFeatures), bias (outFeatures), output
 * (B, outFeatures), all row-major flat float arrays. The weight layout (in, out) makes the inner
 * loops of the forward pass and of the weight gradient run over contiguous {@code out} indices.
 *
 * <p>Why the row copies: HotSpot's superword pass (JDK 17) vectorizes {@code y[o] += x * w[o]} only
 * when both arrays are indexed from the same base; with a row offset ({@code w[i*out + o]}) it
 * falls back to scalar code, three to four times slower. So the layer keeps its weights as one flat
 * array (what the optimizer and the snapshots see) and mirrors them into one array per input row
 * ({@link #syncRows}, a memory copy), accumulates the weight gradient into per-row arrays and
 * copies it back, and works on output rows in a zero-based scratch row. Every output element still
 * sums its terms in the same fixed order (bias, then i = 0, 1, ...), so neither vectorization nor
 * the copies change a single bit.
 *
 * <p>The layer owns its parameters and their gradients; {@link #backward} accumulates ({@code +=})
 * into the gradients, and {@link #zeroGradients} clears them.
 */
public final class Dense {
  private final int inFeatures;
  private final int outFeatures;
  private final float[] weight; // (inFeatures, outFeatures)
  private final float[] bias; // (outFeatures)
  private final float[] dWeight; // (inFeatures, outFeatures)
  private final float[] dBias; // (outFeatures)

  private final float[][] weightRows; // inFeatures rows of (outFeatures): a mirror of weight
  private final float[][] dWeightRows; // inFeatures rows of (outFeatures): scratch for dWeight
  private final float[] row; // (outFeatures) scratch for one output / dOutput row

  /** Below this many outputs the inner loops run over inputs instead (see forwardNarrow). */
  private static final int NARROW = 8;

  public Dense(int inFeatures, int outFeatures) {
    if (inFeatures < 1 || outFeatures < 1) {
      throw new IllegalArgumentException(
          "dense layer sizes must be >= 1, got " + inFeatures + " x " + outFeatures);
    }
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.weight = new float[Math.multiplyExact(inFeatures, outFeatures)];
    this.bias = new float[outFeatures];
    this.dWeight = new float[weight.length];
    this.dBias = new float[outFeatures];
    this.weightRows = new float[inFeatures][outFeatures];
    this.dWeightRows = new float[inFeatures][outFeatures];
    this.row = new float[outFeatures];
  }

  public int inFeatures() {
    return inFeatures;
  }

  public int outFeatures() {
    return outFeatures;
  }

  /** The live weight array (inFeatures, outFeatures); the optimizer updates it in place. */
  public float[] weight() {
    return weight;
  }

  /** The live bias array (outFeatures). */
  public float[] bias() {
    return bias;
  }

  /** ∂loss/∂weight (inFeatures, outFeatures). */
  public float[] dWeight() {
    return dWeight;
  }

  /** ∂loss/∂bias (outFeatures). */
  public float[] dBias() {
    return dBias;
  }

  /** Copies the flat weight into the per-row mirror that the forward and backward passes read. */
  public void syncRows() {
    for (int i = 0; i < inFeatures; i++) {
      System.arraycopy(weight, i * outFeatures, weightRows[i], 0, outFeatures);
    }
  }

  /**
   * output (B, out) = input (B, in) · weight (in, out) + bias (out), with the weights as of the
   * last {@link #syncRows}. Uses the layer's scratch row: one caller at a time.
   */
  public void forward(float[] input, float[] output, int batch) {
    forward(input, output, batch, row);
  }

  /**
   * The same as {@link #forward(float[], float[], int)} with a caller-owned scratch row of length
   * outFeatures: reads only the weights, so concurrent callers with their own rows are safe.
   */
  public void forward(float[] input, float[] output, int batch, float[] scratchRow) {
    final int in = inFeatures;
    final int out = outFeatures;
    final float[] acc = scratchRow;
    if (out < NARROW) {
      forwardNarrow(input, output, batch);
      return;
    }
    for (int b = 0; b < batch; b++) {
      final int xRow = b * in;
      System.arraycopy(bias, 0, acc, 0, out);
      for (int i = 0; i < in; i++) {
        final float x = input[xRow + i];
        final float[] w = weightRows[i];
        for (int o = 0; o < out; o++) {
          acc[o] += x * w[o]; // output[b, o] += input[b, i] * weight[i, o]
        }
      }
      System.arraycopy(acc, 0, output, b * out, out);
    }
  }

  /**
   * Backward pass of {@link #forward}.
   *
   * @param input the forward input (B, in)
   * @param dOutput ∂loss/∂output (B, out)
   * @param dInput receives ∂loss/∂input (B, in), overwritten; null to skip (first layer)
   */
  public void backward(float[] input, float[] dOutput, float[] dInput, int batch) {
    final int in = inFeatures;
    final int out = outFeatures;
    final float[] g = row;
    for (int i = 0; i < in; i++) {
      System.arraycopy(dWeight, i * out, dWeightRows[i], 0, out);
    }
    for (int b = 0; b < batch; b++) {
      final int xRow = b * in;
      System.arraycopy(dOutput, b * out, g, 0, out); // g = dOutput[b, :]
      // dBias += dOutput[b, :]
      for (int o = 0; o < out; o++) {
        dBias[o] += g[o];
      }
      // dWeight += inputᵀ · dOutput: dWeight[i, :] += input[b, i] * dOutput[b, :]
      if (out < NARROW) {
        // Few outputs: a loop over o per input would be all overhead; o outer, i inner instead.
        // Each dWeight element still receives the same additions in the same order (b = 0, 1..).
        for (int o = 0; o < out; o++) {
          final float go = g[o];
          for (int i = 0; i < in; i++) {
            dWeightRows[i][o] += input[xRow + i] * go;
          }
        }
      } else {
        for (int i = 0; i < in; i++) {
          final float x = input[xRow + i];
          final float[] dw = dWeightRows[i];
          for (int o = 0; o < out; o++) {
            dw[o] += x * g[o];
          }
        }
      }
      if (dInput != null) {
        // dInput = dOutput · weightᵀ: dInput[b, i] = Σ_o dOutput[b, o] * weight[i, o]
        for (int i = 0; i < in; i++) {
          final float[] w = weightRows[i];
          float sum = 0f;
          for (int o = 0; o < out; o++) {
            sum += g[o] * w[o];
          }
          dInput[xRow + i] = sum;
        }
      }
    }
    for (int i = 0; i < in; i++) {
      System.arraycopy(dWeightRows[i], 0, dWeight, i * out, out);
    }
  }

  /**
   * The forward pass for layers with few outputs (e.g. the 2 logits of a binary classifier): one
   * dot product per output instead of a two-element inner loop per input. Same bits: each output is
   * bias[o] + input[b, 0]·weight[0, o] + input[b, 1]·weight[1, o] + ..., in that order.
   */
  private void forwardNarrow(float[] input, float[] output, int batch) {
    final int in = inFeatures;
    final int out = outFeatures;
    for (int b = 0; b < batch; b++) {
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

  public void zeroGradients() {
    Arrays.fill(dWeight, 0f);
    Arrays.fill(dBias, 0f);
  }
}
