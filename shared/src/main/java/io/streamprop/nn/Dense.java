package io.streamprop.nn;

import io.streamprop.nn.kernel.DenseKernel;
import io.streamprop.nn.kernel.DenseParameters;
import io.streamprop.nn.kernel.Kernels;
import java.util.Arrays;
import java.util.function.Function;

/**
 * A fully connected layer {@code output = input · weight + bias}.
 *
 * <p>Shapes: input (batch, inFeatures), weight (inFeatures, outFeatures), bias (outFeatures),
 * output (batch, outFeatures), all row-major flat float arrays; {@code weight[i * outFeatures + o]}
 * connects input i to output o.
 *
 * <p>The math is the {@link Reference} kernel below: forward and backward side by side as plain
 * loops, in the order of terms that defines every bit (each output adds the bias, then input i = 0,
 * 1, ...; each gradient adds the batch rows b = 0, 1, ...). The layer runs it through a {@link
 * DenseKernel} chosen once, at construction, by {@link Kernels#dense}: the fast kernels of {@code
 * io.streamprop.nn.kernel} mirror, block and vectorize these loops without changing any element's
 * order of terms, so they give the same bits in training ({@code DenseKernelsTest} holds each to
 * the reference); only prediction may fuse a multiply and an add ({@link
 * Kernels#fusedInference()}).
 *
 * <p>The layer owns its parameters and their gradients; {@link #backward} accumulates ({@code +=})
 * into the gradients, and {@link #zeroGradients} clears them. A layer made by {@link #forInference}
 * only predicts: it has no gradients.
 */
public final class Dense {
  private final int inFeatures;
  private final int outFeatures;
  private final float[] weight; // (inFeatures, outFeatures)
  private final float[] bias; // (outFeatures)
  private final float[] dWeight; // (inFeatures, outFeatures); null: the layer only predicts
  private final float[] dBias; // (outFeatures); null with dWeight
  private final DenseKernel kernel;
  private boolean squaresCurrent; // the kernel's Σ dWeight² is of dWeight as it is now

  /** A layer that trains (and predicts): zero weights, zero gradients. */
  public Dense(int inFeatures, int outFeatures) {
    this(inFeatures, outFeatures, true, Kernels::dense);
  }

  /**
   * A layer that only predicts: zero weights, no gradients. {@link #backward}, {@link
   * #zeroGradients}, {@link #dWeight} and {@link #dBias} throw {@link IllegalStateException}.
   */
  public static Dense forInference(int inFeatures, int outFeatures) {
    return new Dense(inFeatures, outFeatures, false, Kernels::dense);
  }

  /** A layer on the kernel that {@code kernels} makes, or on the {@link Reference} if null. */
  Dense(
      int inFeatures,
      int outFeatures,
      boolean training,
      Function<DenseParameters, DenseKernel> kernels) {
    if (inFeatures < 1 || outFeatures < 1) {
      throw new IllegalArgumentException(
          "dense layer sizes must be >= 1, got " + inFeatures + " x " + outFeatures);
    }
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.weight = new float[Math.multiplyExact(inFeatures, outFeatures)];
    this.bias = new float[outFeatures];
    this.dWeight = training ? new float[weight.length] : null;
    this.dBias = training ? new float[outFeatures] : null;
    this.kernel =
        kernels == null
            ? new Reference()
            : kernels.apply(
                new DenseParameters(inFeatures, outFeatures, weight, bias, dWeight, dBias));
  }

  /** output (batch, outFeatures) = input (batch, inFeatures) · weight + bias. */
  public void forward(float[] input, float[] output, int batch) {
    kernel.forward(input, output, batch);
  }

  /**
   * Backward pass of the last {@link #forward} (same input, weights unchanged since): adds this
   * batch's terms to dWeight and dBias and writes dInput.
   *
   * @param input the forward input (batch, inFeatures)
   * @param dOutput ∂loss/∂output (batch, outFeatures)
   * @param dInput receives ∂loss/∂input (batch, inFeatures), overwritten; null to skip (first
   *     layer)
   */
  public void backward(float[] input, float[] dOutput, float[] dInput, int batch) {
    requireTraining();
    kernel.backward(input, dOutput, dInput, batch, false);
    squaresCurrent = true;
  }

  /**
   * {@link #zeroGradients()} then {@link #backward} in one pass, with the same bits: each gradient
   * element is written as {@code 0 + term_0 + term_1 + ...}.
   */
  public void backwardFromZero(float[] input, float[] dOutput, float[] dInput, int batch) {
    requireTraining();
    kernel.backward(input, dOutput, dInput, batch, true);
    squaresCurrent = true;
  }

  /**
   * {@link #backwardFromZero(float[], float[], float[], int)} where only dInput's columns
   * [dInputFrom, inFeatures) are needed: those get the same bits, the columns before may be left as
   * they were (the kernel may skip their products).
   */
  public void backwardFromZero(
      float[] input, float[] dOutput, float[] dInput, int dInputFrom, int batch) {
    requireTraining();
    kernel.backward(input, dOutput, dInput, dInputFrom, batch, true);
    squaresCurrent = true;
  }

  public void zeroGradients() {
    requireTraining();
    squaresCurrent = false;
    Arrays.fill(dWeight, 0f);
    Arrays.fill(dBias, 0f);
  }

  /**
   * The layer's math as plain loops, one element at a time: the definition of every bit that the
   * fast kernels reproduce. The backward pass is the forward pass in reverse.
   */
  private final class Reference implements DenseKernel {

    @Override
    public void forward(float[] input, float[] output, int batch) {
      // input is (batch, inFeatures), output is (batch, outFeatures)
      for (int b = 0; b < batch; b++) {
        for (int o = 0; o < outFeatures; o++) {
          float sum = bias[o];
          for (int i = 0; i < inFeatures; i++) {
            // output[b, o] += input[b, i] · weight[i, o]
            sum += input[b * inFeatures + i] * weight[i * outFeatures + o];
          }
          output[b * outFeatures + o] = sum;
        }
      }
    }

    @Override
    public void backward(
        float[] input, float[] dOutput, float[] dInput, int batch, boolean fromZero) {
      // input and dInput are (batch, inFeatures), dOutput is (batch, outFeatures)
      if (fromZero) {
        zeroGradients();
      }
      for (int b = 0; b < batch; b++) {
        for (int o = 0; o < outFeatures; o++) {
          float g = dOutput[b * outFeatures + o];
          // dBias += dOutput summed over the batch
          dBias[o] += g;
          // dWeight += inputᵀ · dOutput
          for (int i = 0; i < inFeatures; i++) {
            dWeight[i * outFeatures + o] += input[b * inFeatures + i] * g;
          }
        }
        if (dInput != null) {
          // dInput = dOutput · weightᵀ
          for (int i = 0; i < inFeatures; i++) {
            float sum = 0f;
            for (int o = 0; o < outFeatures; o++) {
              sum += dOutput[b * outFeatures + o] * weight[i * outFeatures + o];
            }
            dInput[b * inFeatures + i] = sum;
          }
        }
      }
    }

    @Override
    public void prepareInference() {} // reads the weights as they are

    @Override
    public int inferenceScratch(int batch) {
      return 0;
    }

    @Override
    public void forwardInference(float[] input, float[] output, int batch, float[] scratch) {
      forward(input, output, batch);
    }

    @Override
    public long floatsHeld() {
      return 0;
    }
  }

  /**
   * The weights were set (a model loaded to predict with): the kernel copies them into what {@link
   * #forwardInference} reads (weight panels, mirrors). Until the weights change again, predictions
   * only read.
   */
  public void prepareInference() {
    kernel.prepareInference();
  }

  /** Floats of scratch that {@link #forwardInference} needs for {@code batch} rows. */
  public int inferenceScratch(int batch) {
    return kernel.inferenceScratch(batch);
  }

  /**
   * {@link #forward} for prediction, from the weights as of the last {@link #prepareInference} or
   * {@link #forward}: reads only, so concurrent callers each with their own scratch are safe. The
   * same bits as forward, except the outputs that {@link Kernels#fusedInference()} fuses.
   *
   * @param scratch at least {@link #inferenceScratch}(batch) floats, overwritten
   */
  public void forwardInference(float[] input, float[] output, int batch, float[] scratch) {
    kernel.forwardInference(input, output, batch, scratch);
  }

  /** Floats this layer holds in arrays: parameters, gradients and its kernel's (memory tests). */
  long floatsHeld() {
    long n = weight.length + bias.length + kernel.floatsHeld();
    return dWeight == null ? n : n + dWeight.length + dBias.length;
  }

  private void requireTraining() {
    if (dWeight == null) {
      throw new IllegalStateException(
          "this " + inFeatures + " x " + outFeatures + " layer only predicts (Dense.forInference)");
    }
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

  /**
   * Σ dWeight² of the gradient the last backward left, where the kernel took it during that pass
   * (see {@link DenseKernel#dWeightSquares}: the bits of the four-way double sum); NaN when it did
   * not, or when the gradients were zeroed since. Valid only until the gradient is next written by
   * anything other than a backward pass (read it right after the backward).
   */
  public double dWeightSquares() {
    requireTraining();
    return squaresCurrent ? kernel.dWeightSquares() : Double.NaN;
  }

  /** ∂loss/∂weight (inFeatures, outFeatures). */
  public float[] dWeight() {
    requireTraining();
    return dWeight;
  }

  /** ∂loss/∂bias (outFeatures). */
  public float[] dBias() {
    requireTraining();
    return dBias;
  }
}
