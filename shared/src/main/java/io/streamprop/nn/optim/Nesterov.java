package io.streamprop.nn.optim;

import io.streamprop.spec.ModelSpec;

/**
 * SGD with Nesterov momentum in PyTorch's form ({@code torch.optim.SGD(momentum=μ, nesterov=True)},
 * dampening 0): the step looks ahead along the updated velocity.
 *
 * <pre>
 *   g = dParam + weight_decay · param      (decay only on tensors whose decay flag is set)
 *   velocity = μ · velocity + g            (velocity starts at 0)
 *   param -= lr · (g + μ · velocity)
 * </pre>
 *
 * <p>State slot: {@code velocity}. Nesterov, "A method for solving the convex programming problem
 * with convergence rate O(1/k²)", Soviet Mathematics Doklady 27, 1983; in the form of Sutskever,
 * Martens, Dahl and Hinton, "On the importance of initialization and momentum in deep learning",
 * ICML 2013.
 */
public final class Nesterov extends SlottedOptimizer {
  private static final int VELOCITY = 0;
  private final float momentum;
  private final float weightDecay;

  /** Uses {@code momentum} in (0, 1) (0 would be plain SGD) and {@code weight_decay}. */
  public Nesterov(ModelSpec.OptimizerSpec spec, int[] paramSizes) {
    super(paramSizes, "velocity");
    HyperParameters.learningRate(spec);
    this.momentum =
        (float)
            HyperParameters.openUnit(
                "optimizer.momentum", spec.momentum(), "momentum (Nesterov momentum)");
    this.weightDecay = (float) HyperParameters.weightDecay(spec);
  }

  @Override
  void update(int index, float[] param, float[] grad, boolean decay, float learningRate) {
    float[] velocity = slot(VELOCITY, index);
    float wd = decay ? weightDecay : 0f;
    float negLr = -learningRate;
    for (int i = 0; i < param.length; i++) {
      float g = wd != 0f ? grad[i] + wd * param[i] : grad[i];
      velocity[i] = velocity[i] * momentum + g;
      float lookAhead = g + momentum * velocity[i];
      param[i] += negLr * lookAhead;
    }
  }

  /**
   * Lazy Nesterov momentum: the dense rule on the touched rows only; an untouched row keeps its
   * velocity and its weights (see {@link Momentum}'s lazy rule).
   */
  @Override
  void updateRows(int index, float[] param, float[] grad, TouchedRows rows, float learningRate) {
    float[] velocity = slot(VELOCITY, index);
    final int width = rows.width();
    float negLr = -learningRate;
    for (int k = 0; k < rows.count(); k++) {
      int start = rows.row(k) * width;
      for (int i = start; i < start + width; i++) {
        float g = grad[i];
        velocity[i] = velocity[i] * momentum + g;
        float lookAhead = g + momentum * velocity[i];
        param[i] += negLr * lookAhead;
      }
    }
  }
}
