package io.streamprop.learn;

/**
 * What one mini-batch step reports. Loss and accuracy are prequential: measured on the batch under
 * the weights from before the update ("test, then train").
 *
 * @param examples examples in the batch
 * @param lossSum sum over the batch of the per-example loss (before the update)
 * @param correct examples whose top class equals the label (classification; 0 for regression)
 * @param squaredErrorSum sum of squared errors over all outputs (regression; 0 for classification)
 * @param skipped true if the update was skipped because loss or gradients were not finite
 * @param learningRate the learning rate used by this step
 * @param layers per-dense-layer diagnostics, input side first
 */
public record StepResult(
    int examples,
    double lossSum,
    int correct,
    double squaredErrorSum,
    boolean skipped,
    double learningRate,
    LayerStats[] layers) {

  /**
   * Diagnostics of one dense layer after the step, for spotting vanishing or exploding gradients.
   *
   * <p>The gradient norm is reported on every step: the exact double sum (clipping reads it). The
   * weight norm and update ratio are measured on a sample of the optimizer steps only: the
   * learner's steps 16, 32, 48, ... (by its step count, which survives restarts, so the sample is
   * deterministic; {@code WeightUpdates.MEASURE_EVERY}). On every other step that updates the
   * weights both are NaN, "not measured this step" ({@link #weightsMeasured()} false), and a
   * consumer keeps the last measured value. A skipped step leaves the weights as they were and
   * always reports them: the exact weight norm and an update ratio of 0. Measured figures are
   * summed in float lanes for speed (deterministic, within about 10⁻⁵ relative; see {@code
   * docs/engine.md}, Speed); a measured weight norm would be NaN only if a weight were, which
   * skipping the steps with non-finite gradients prevents.
   *
   * @param gradientNorm L2 norm of ∂loss/∂weight
   * @param weightNorm L2 norm of the weights after the update; NaN if not measured this step
   * @param updateRatio ‖Δweight‖ / ‖weight‖ (before the update); NaN if not measured this step
   */
  public record LayerStats(double gradientNorm, double weightNorm, double updateRatio) {
    /** Whether this step measured the weight norm and update ratio (else both are NaN). */
    public boolean weightsMeasured() {
      return !Double.isNaN(weightNorm);
    }
  }
}
