package io.streamprop.nn.optim;

/**
 * Updates a model's parameters from their gradients, one mini-batch step at a time.
 *
 * <p>Call order: construct with the parameter shapes (one flat float array per parameter tensor),
 * then call {@link #step} once per mini-batch after the backward pass has filled the gradients.
 * Implementations keep their per-parameter state (moments, accumulators) in flat arrays of the same
 * length as the parameters, so that the state can be saved and restored exactly.
 */
public interface Optimizer {

  /**
   * Applies one update in place.
   *
   * @param params parameter tensors, updated in place
   * @param grads ∂loss/∂param for each tensor (same lengths); may be modified (e.g. weight decay)
   * @param decay whether weight decay applies to each tensor (weights yes; biases and batch-norm
   *     parameters no)
   * @param learningRate this step's learning rate (the schedule already applied)
   */
  void step(float[][] params, float[][] grads, boolean[] decay, float learningRate);

  /** Steps taken so far (Adam's bias correction uses it). */
  long steps();

  /** A copy of the optimizer's state (steps and moments), for snapshots; see {@link #restore}. */
  OptimizerState state();

  /**
   * Restores what {@link #state} returned; arrays are copied. The state of another optimizer or of
   * other parameter shapes is refused, and this optimizer is left untouched.
   */
  void restore(OptimizerState state);
}
