package io.streamprop.nn.kernel;

import java.util.function.BooleanSupplier;

/**
 * The {@link NarrowDenseKernel} with the Vector API: the forward pass on a copy of the weight
 * padded to one vector per input (one vector holds a row's outputs, four rows per block), and
 * dInput from the transpose on {@link VectorProducts#inputGradient}. The reference's bits. Until
 * {@code compiled} says the vector code is compiled, the loops of the NarrowDenseKernel.
 *
 * <p>The training forward pads into the thread's scratch ({@link KernelScratch}), at every call:
 * the weights change at every step. Prediction reads a padded copy of the layer's own, made by
 * {@link #prepareInference} and dropped by the next training forward (until prepared again it
 * predicts on the flat weight, with the same bits). Only the first {@code out} lanes of a padded
 * row are ever stored ({@link VectorProducts#forwardNarrow}), so what the scratch holds past them
 * does not matter.
 */
public final class NarrowVectorDenseKernel extends NarrowDenseKernel {
  private final BooleanSupplier compiledYet;
  private boolean compiled; // latched: once true, never asked again
  private final boolean fits; // out <= LANES: the padded forward serves
  // (in, LANES) and (LANES): weight and bias padded with zeros past out as of the last
  // prepareInference; null when not prepared since the last training forward, or out > LANES
  private float[] weightPadded;
  private float[] biasPadded;

  /**
   * @param compiled true once the Vector API code is compiled (monotonic); {@code () -> true} runs
   *     the vector code from the first call
   */
  public NarrowVectorDenseKernel(DenseParameters p, BooleanSupplier compiled) {
    super(p);
    this.compiledYet = compiled;
    this.fits = out <= VectorProducts.LANES;
  }

  private boolean compiled() {
    if (!compiled) {
      compiled = compiledYet.getAsBoolean();
    }
    return compiled;
  }

  @Override
  public void forward(float[] input, float[] output, int batch) {
    weightPadded = null; // training changes the weights every step: prediction reads them flat
    biasPadded = null;
    if (fits && compiled()) {
      KernelScratch scratch = KernelScratch.get();
      float[] w = scratch.floats(KernelScratch.PADDED_WEIGHT, in * VectorProducts.LANES);
      float[] b = scratch.floats(KernelScratch.PADDED_BIAS, VectorProducts.LANES);
      pad(w, b);
      VectorProducts.forwardNarrow(input, batch, in, w, b, out, output);
    } else {
      super.forward(input, output, batch);
    }
  }

  @Override
  public void prepareInference() {
    if (fits) {
      if (weightPadded == null) { // else prepared before and not trained since: pad in place
        weightPadded = new float[in * VectorProducts.LANES];
        biasPadded = new float[VectorProducts.LANES];
      }
      pad(weightPadded, biasPadded);
    }
    super.prepareInference();
  }

  @Override
  public void forwardInference(float[] input, float[] output, int batch, float[] scratch) {
    final float[] w = weightPadded;
    final float[] b = biasPadded;
    if (w != null && compiled()) {
      VectorProducts.forwardNarrow(input, batch, in, w, b, out, output);
    } else {
      super.forwardInference(input, output, batch, scratch);
    }
  }

  @Override
  void inputGradient(float[] dOutput, int batch, float[][] weightT, float[] dInput, float[] acc) {
    if (compiled()) {
      VectorProducts.inputGradient(dOutput, batch, out, weightT, in, dInput);
    } else {
      super.inputGradient(dOutput, batch, weightT, dInput, acc);
    }
  }

  /** Copies weight (in, out) and bias into the first out lanes of each padded row. */
  private void pad(float[] w, float[] b) {
    final int lanes = VectorProducts.LANES;
    for (int i = 0; i < in; i++) {
      System.arraycopy(weight, i * out, w, i * lanes, out);
    }
    System.arraycopy(bias, 0, b, 0, out);
  }

  @Override
  public long floatsHeld() {
    long n = super.floatsHeld();
    final float[] w = weightPadded;
    return w == null ? n : n + w.length + VectorProducts.LANES;
  }
}
