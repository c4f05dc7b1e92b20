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

  /**
   * One step in which some tensors are embedding tables whose gradient is zero outside the rows a
   * mini-batch touched: those tensors are updated lazily, only in their touched rows, and every
   * other tensor exactly as by {@link #step(float[][], float[][], boolean[], float)} (the same
   * bits). Lazy means that an untouched row's weights and its state (moments, sums, velocity) keep
   * their bits, as in PyTorch's {@code torch.optim.SparseAdam}; the step counter, and with it
   * Adam's bias correction, advances once per step for all tensors. See {@code docs/optimizers.md}
   * ("Embedding tables: lazy row updates") for each optimizer's rule.
   *
   * @param rows per tensor: null for a dense tensor; for a table, its touched rows, whose {@code
   *     rows() · width()} must be the tensor's length
   * @param decay must be false for every table: weight decay does not apply to embedding tables
   * @throws IllegalArgumentException on a shape mismatch or a table with its decay flag set; the
   *     optimizer is left untouched
   */
  void step(
      float[][] params, float[][] grads, boolean[] decay, TouchedRows[] rows, float learningRate);

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
