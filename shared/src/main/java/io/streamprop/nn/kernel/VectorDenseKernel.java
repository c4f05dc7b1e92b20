package io.streamprop.nn.kernel;

import java.util.function.BooleanSupplier;

/**
 * The dense layer on the Vector API, for layers with 8 outputs or more: {@link VectorProducts} and
 * {@link VectorWeightGradient} (which also gives Σ dWeight², see {@link #dWeightSquares}) in
 * training, {@link VectorPanels} for prediction once {@link #prepareInference} has packed the
 * weight into panels (training does not pack: its weights change every step). The reference's bits
 * in training; prediction may fuse ({@link Kernels#fusedInference()}).
 *
 * <p>Until {@code compiled} says the vector code is compiled, it runs the loops of the {@link
 * ScalarDenseKernel} it extends, with the same bits (and, for prediction on panels, the fused bits
 * through {@link VectorPanels#forwardFusedScalar}), so a run that straddles the switch is the run
 * it would have been.
 */
public final class VectorDenseKernel extends ScalarDenseKernel {
  private final BooleanSupplier compiledYet;
  private boolean compiled; // latched: once true, never asked again
  private float[] panels; // the weight's full strips as panels, or null (none, or not prepared)
  private double dWeightSquares = Double.NaN; // Σ dWeight² of the last backward, NaN: not taken
  private final double[] partialSums = new double[4]; // scratch of the backward's Σ dWeight²

  /**
   * @param compiled true once the Vector API code is compiled (monotonic); {@code () -> true} runs
   *     the vector code from the first call
   */
  public VectorDenseKernel(DenseParameters p, BooleanSupplier compiled) {
    super(p);
    this.compiledYet = compiled;
  }

  private boolean compiled() {
    if (!compiled) {
      compiled = compiledYet.getAsBoolean();
    }
    return compiled;
  }

  @Override
  public void forward(float[] input, float[] output, int batch) {
    panels = null; // training changes the weights every step: prediction reads them unpacked
    if (!compiled()) {
      super.forward(input, output, batch);
      return;
    }
    VectorProducts.forward(input, batch, in, weight, bias, out, output);
  }

  @Override
  public void backward(
      float[] input, float[] dOutput, float[] dInput, int batch, boolean fromZero) {
    backward(input, dOutput, dInput, 0, batch, fromZero);
  }

  /**
   * From four rows up, dInput's columns [dInputFrom, in) only, on the transpose of those inputs
   * only: for a first layer whose inputs are partly embedding tables', the other columns need no
   * gradient. Below four rows, all columns (per-row dot products).
   */
  @Override
  public void backward(
      float[] input, float[] dOutput, float[] dInput, int dInputFrom, int batch, boolean fromZero) {
    if (!compiled()) {
      dWeightSquares = Double.NaN;
      super.backward(input, dOutput, dInput, batch, fromZero);
      return;
    }
    dWeightSquares =
        VectorWeightGradient.weightGradient(
            input, dOutput, batch, in, out, dWeight, dBias, fromZero, partialSums);
    if (dInput == null) {
      return;
    }
    if (batch >= BLOCK) {
      VectorProducts.inputGradient(
          dOutput, batch, out, transpose(dInputFrom), dInputFrom, in, dInput);
    } else {
      ScalarLoops.inputGradientByDots(dOutput, batch, out, weight, in, dInput);
    }
  }

  /**
   * Taken by the vector backward pass as its rows of dWeight are finished ({@link
   * VectorWeightGradient}); NaN after a backward on the scalar loops (before the warm-up).
   */
  @Override
  public double dWeightSquares() {
    return dWeightSquares;
  }

  @Override
  public void prepareInference() {
    if (!compiled()) {
      super.prepareInference(); // the scalar mirror, until the vector code is compiled
    }
    panels = VectorPanels.packPanels(weight, in, out, panels); // into the last panels if kept
  }

  @Override
  public int inferenceScratch(int batch) {
    return panels == null ? out : Math.max(out, VectorPanels.panelScratch(batch));
  }

  @Override
  public void forwardInference(float[] input, float[] output, int batch, float[] scratch) {
    final float[] p = panels;
    if (compiled()) {
      if (p != null) {
        VectorPanels.forwardPanels(input, batch, in, p, weight, bias, out, output, scratch);
      } else {
        VectorProducts.forward(input, batch, in, weight, bias, out, output);
      }
      return;
    }
    super.forwardInference(input, output, batch, scratch);
    if (p != null && Kernels.fusedInference()) {
      VectorPanels.forwardFusedScalar(input, batch, in, p, bias, out, output);
    }
  }

  @Override
  public long floatsHeld() {
    return super.floatsHeld() + (panels == null ? 0 : panels.length);
  }
}
