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
   * <p>The gradient norm is the exact double sum (clipping reads it); the weight norm and update
   * ratio are summed in float lanes for speed (deterministic, within about 10⁻⁵ relative; see
   * {@code docs/engine.md}, Speed).
   *
   * @param gradientNorm L2 norm of ∂loss/∂weight
   * @param weightNorm L2 norm of the weights after the update
   * @param updateRatio ‖Δweight‖ / ‖weight‖ (before the update)
   */
  public record LayerStats(double gradientNorm, double weightNorm, double updateRatio) {}
}
