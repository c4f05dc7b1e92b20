package io.streamprop.nn.kernel;

/**
 * The products of one dense layer {@code output = input · weight + bias} and its backward pass,
 * over flat row-major float arrays: input (batch, inFeatures), output and dOutput (batch,
 * outFeatures). An instance serves one layer: it is made for the layer's {@link DenseParameters}
 * and may keep private copies of the weight (mirrors, transposes, panels) laid out for speed.
 *
 * <p>Every implementation gives the bits of the reference loops in {@link io.streamprop.nn.Dense}
 * in training: each output adds bias[o], then input[b, i]·weight[i, o] for i = 0, 1, ...; each
 * gradient element adds the rows b = 0, 1, ... onto what it held; each dInput[b, i] adds the
 * outputs o = 0, 1, ... from 0; always a multiplication then an addition, never a fused
 * multiply-add. Only {@link #forwardInference} may fuse (see {@link Kernels#fusedInference()}).
 *
 * <p>Call order: {@link #forward}, then {@link #backward} of the same input, with the weights
 * unchanged in between; the optimizer may change the weights before the next forward, which reads
 * them as they are then. {@link #forwardInference} reads the weights as of the last {@link
 * #prepareInference} or {@link #forward}, whichever came last: set the weights, call
 * prepareInference, and from then on concurrent predictions, each with its own scratch, only read.
 */
public interface DenseKernel {

  /** output (batch, out) = input (batch, in) · weight (in, out) + bias (out). */
  void forward(float[] input, float[] output, int batch);

  /**
   * The backward pass of the last {@link #forward}: dBias += Σ_b dOutput[b, :], dWeight += inputᵀ ·
   * dOutput and, unless {@code dInput} is null (the first layer), dInput = dOutput · weightᵀ
   * (overwritten). With {@code fromZero} the gradients are set to this batch's instead of added to
   * (each element {@code 0 + term_0 + term_1 + ...}: the bits of clearing, then adding).
   */
  void backward(float[] input, float[] dOutput, float[] dInput, int batch, boolean fromZero);

  /**
   * {@link #backward(float[], float[], float[], int, boolean)} where only dInput's columns [{@code
   * dInputFrom}, in) are wanted (a first layer whose inputs before that column have no producer to
   * backpropagate to): those are overwritten with the same bits; the columns before may be written
   * too or left as they were. By default, all of them are written.
   */
  default void backward(
      float[] input, float[] dOutput, float[] dInput, int dInputFrom, int batch, boolean fromZero) {
    backward(input, dOutput, dInput, batch, fromZero);
  }

  /**
   * Σ dWeight² over the whole weight gradient as the last {@link #backward} left it, with the bits
   * of the learner's four-way double sum (element k's square {@code (double) g·g} added to partial
   * sum k mod 4, the last n mod 4 elements to partial sum 0, each partial sum from 0 in ascending
   * k, then (s0 + s1) + (s2 + s3)); or NaN when this kernel does not take it during its backward
   * pass, and the caller sums the gradient itself. By default NaN.
   */
  default double dWeightSquares() {
    return Double.NaN;
  }

  /**
   * The weights were set (a model loaded for prediction): copy them into whatever {@link
   * #forwardInference} reads.
   */
  void prepareInference();

  /** Floats of scratch that {@link #forwardInference} needs for {@code batch} rows. */
  int inferenceScratch(int batch);

  /**
   * {@link #forward} for prediction: reads only the weights and its own mirrors of them, so
   * concurrent callers each with their own {@code scratch} are safe. The same bits as forward,
   * except the outputs that {@link Kernels#fusedInference()} computes with fused multiply-adds.
   *
   * @param scratch at least {@link #inferenceScratch}(batch) floats, overwritten
   */
  void forwardInference(float[] input, float[] output, int batch, float[] scratch);

  /** Floats this kernel holds besides the layer's parameters and gradients (memory tests). */
  long floatsHeld();
}
