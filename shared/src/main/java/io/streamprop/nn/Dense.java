package io.streamprop.nn;

/**
 * A fully connected layer {@code output = input · weight + bias}.
 *
 * <p>Shapes: input (B, inFeatures), weight (inFeatures, outFeatures), bias (outFeatures), output
 * (B, outFeatures), all row-major flat float arrays. The weight layout (in, out) makes the inner
 * loop of the forward pass and of the weight gradient run over contiguous {@code out} indices,
 * which HotSpot's superword pass turns into SIMD; every output element still sums its terms in the
 * same fixed order (i = 0, 1, ...), so vectorization never changes a result.
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

  /** output (B, out) = input (B, in) · weight (in, out) + bias (out). Reads only the parameters. */
  public void forward(float[] input, float[] output, int batch) {
    final int in = inFeatures;
    final int out = outFeatures;
    for (int b = 0; b < batch; b++) {
      final int yRow = b * out;
      final int xRow = b * in;
      System.arraycopy(bias, 0, output, yRow, out);
      for (int i = 0; i < in; i++) {
        final float x = input[xRow + i];
        final int wRow = i * out;
        for (int o = 0; o < out; o++) {
          output[yRow + o] += x * weight[wRow + o];
        }
      }
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
    for (int b = 0; b < batch; b++) {
      final int yRow = b * out;
      final int xRow = b * in;
      // dBias += Σ_b dOutput[b, :]
      for (int o = 0; o < out; o++) {
        dBias[o] += dOutput[yRow + o];
      }
      // dWeight += inputᵀ · dOutput: dWeight[i, :] += input[b, i] * dOutput[b, :]
      for (int i = 0; i < in; i++) {
        final float x = input[xRow + i];
        final int wRow = i * out;
        for (int o = 0; o < out; o++) {
          dWeight[wRow + o] += x * dOutput[yRow + o];
        }
      }
      if (dInput != null) {
        // dInput = dOutput · weightᵀ: dInput[b, i] = Σ_o dOutput[b, o] * weight[i, o]
        for (int i = 0; i < in; i++) {
          final int wRow = i * out;
          float sum = 0f;
          for (int o = 0; o < out; o++) {
            sum += dOutput[yRow + o] * weight[wRow + o];
          }
          dInput[xRow + i] = sum;
        }
      }
    }
  }

  public void zeroGradients() {
    java.util.Arrays.fill(dWeight, 0f);
    java.util.Arrays.fill(dBias, 0f);
  }
}
