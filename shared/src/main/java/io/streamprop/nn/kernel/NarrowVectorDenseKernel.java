package io.streamprop.nn.kernel;

import java.util.function.BooleanSupplier;

/**
 * The {@link NarrowDenseKernel} with the Vector API: the forward pass on a copy of the weight
 * padded to one vector per input (one vector holds a row's outputs, four rows per block), and
 * dInput from the transpose on {@link VectorProducts#inputGradient}. The reference's bits. Until
 * {@code compiled} says the vector code is compiled, the loops of the NarrowDenseKernel.
 */
public final class NarrowVectorDenseKernel extends NarrowDenseKernel {
  private final BooleanSupplier compiledYet;
  private boolean compiled; // latched: once true, never asked again
  // (in, LANES) and (LANES): weight and bias padded with zeros past out; null when out > LANES
  private final float[] weightPadded;
  private final float[] biasPadded;

  /**
   * @param compiled true once the Vector API code is compiled (monotonic); {@code () -> true} runs
   *     the vector code from the first call
   */
  public NarrowVectorDenseKernel(DenseParameters p, BooleanSupplier compiled) {
    super(p);
    this.compiledYet = compiled;
    boolean fits = out <= VectorProducts.LANES;
    this.weightPadded = fits ? new float[in * VectorProducts.LANES] : null;
    this.biasPadded = fits ? new float[VectorProducts.LANES] : null;
  }

  private boolean compiled() {
    if (!compiled) {
      compiled = compiledYet.getAsBoolean();
    }
    return compiled;
  }

  @Override
  public void forward(float[] input, float[] output, int batch) {
    pad();
    if (weightPadded != null && compiled()) {
      weightsChanged();
      VectorProducts.forwardNarrow(input, batch, in, weightPadded, biasPadded, out, output);
    } else {
      super.forward(input, output, batch);
    }
  }

  @Override
  public void prepareInference() {
    pad();
    super.prepareInference();
  }

  @Override
  public void forwardInference(float[] input, float[] output, int batch, float[] scratch) {
    if (weightPadded != null && compiled()) {
      VectorProducts.forwardNarrow(input, batch, in, weightPadded, biasPadded, out, output);
    } else {
      super.forwardInference(input, output, batch, scratch);
    }
  }

  @Override
  void inputGradient(float[] dOutput, int batch, float[][] weightT, float[] dInput) {
    if (compiled()) {
      VectorProducts.inputGradient(dOutput, batch, out, weightT, in, dInput);
    } else {
      super.inputGradient(dOutput, batch, weightT, dInput);
    }
  }

  /** Copies weight (in, out) and bias into the padded arrays. */
  private void pad() {
    if (weightPadded == null) {
      return; // vectors narrower than the layer: the scalar loops serve
    }
    final int lanes = VectorProducts.LANES;
    for (int i = 0; i < in; i++) {
      System.arraycopy(weight, i * out, weightPadded, i * lanes, out);
    }
    System.arraycopy(bias, 0, biasPadded, 0, out);
  }

  @Override
  public long floatsHeld() {
    long n = super.floatsHeld();
    return weightPadded == null ? n : n + weightPadded.length + biasPadded.length;
  }
}
