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
 * @param prequentialLoss the prequential (test-then-train) loss per example, exponentially weighted
 *     over about the last 1,000 examples ({@code OnlineLearner.prequentialLoss()}); NaN before the
 *     first scored mini-batch, and in states written before the learner kept it
 * @param classCounts the running class prior of a spec with {@code "balanced"} class weights; null
 *     for every other spec
 */
public record TrainingState(
    OptimizerState optimizer,
    PendingBatch pending,
    long rngState,
    double prequentialLoss,
    ClassCounts classCounts) {
  public TrainingState {
    Objects.requireNonNull(optimizer, "optimizer");
    Objects.requireNonNull(pending, "pending");
  }

  /** A training state without class counts. */
  public TrainingState(
      OptimizerState optimizer, PendingBatch pending, long rngState, double prequentialLoss) {
    this(optimizer, pending, rngState, prequentialLoss, null);
  }
}
