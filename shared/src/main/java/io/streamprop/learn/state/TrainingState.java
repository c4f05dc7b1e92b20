package io.streamprop.learn.state;

import io.streamprop.nn.optim.OptimizerState;
import java.util.Objects;

/**
 * What resuming training needs beyond the network and its normalizers; prediction ignores it.
 *
 * @param optimizer the optimizer's steps and moments, one per slot and parameter tensor in the
 *     network's order (per dense layer: weight, bias, then batch-norm gamma and beta)
 * @param pending the partly filled mini-batch
 * @param rngState the state of the random generator ({@code SplitMix64}) that drew the initial
 *     weights and draws the dropout masks
 */
public record TrainingState(OptimizerState optimizer, PendingBatch pending, long rngState) {
  public TrainingState {
    Objects.requireNonNull(optimizer, "optimizer");
    Objects.requireNonNull(pending, "pending");
  }
}
