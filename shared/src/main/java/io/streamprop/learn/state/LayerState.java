package io.streamprop.learn.state;

import java.util.Objects;

/**
 * One dense layer of the network and, for a hidden layer of a spec with {@code batch_norm}, the
 * batch normalization that follows it.
 *
 * @param dense the dense layer's weight and bias
 * @param batchNorm the batch normalization after it, or null (the output layer, or no batch norm)
 */
public record LayerState(DenseState dense, BatchNormState batchNorm) {
  public LayerState {
    Objects.requireNonNull(dense, "dense");
  }
}
