package io.streamprop.learn.state;

import java.util.Objects;

/**
 * The parameters of one dense layer, {@code z = x · weight + bias}.
 *
 * @param weight (inFeatures, outFeatures), row-major
 * @param bias (outFeatures)
 */
public record DenseState(float[] weight, float[] bias) {
  public DenseState {
    Objects.requireNonNull(weight, "weight");
    Objects.requireNonNull(bias, "bias");
  }
}
