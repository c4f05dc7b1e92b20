package io.streamprop.learn.state;

import java.util.Objects;

/**
 * Batch normalization after a hidden dense layer: its learned scale and shift and the running
 * statistics that inference normalizes with. Every array has the layer's width.
 *
 * @param gamma learned scale
 * @param beta learned shift
 * @param runningMean running mean of the layer's pre-activations
 * @param runningVar running (unbiased) variance of the layer's pre-activations
 */
public record BatchNormState(float[] gamma, float[] beta, float[] runningMean, float[] runningVar) {
  public BatchNormState {
    Objects.requireNonNull(gamma, "gamma");
    Objects.requireNonNull(beta, "beta");
    Objects.requireNonNull(runningMean, "runningMean");
    Objects.requireNonNull(runningVar, "runningVar");
  }
}
