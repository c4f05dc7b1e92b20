package io.streamprop.nn.optim;

import io.streamprop.spec.ModelSpec;

/**
 * SGD with heavy-ball momentum in PyTorch's form ({@code torch.optim.SGD(momentum=μ)}, dampening
 * 0), where the velocity accumulates raw gradients and the learning rate multiplies it at use:
 *
 * <pre>
 *   g = dParam + weight_decay · param      (decay only on tensors whose decay flag is set)
 *   velocity = μ · velocity + g            (velocity starts at 0, so step 1 gives velocity = g)
 *   param -= lr · velocity
 * </pre>
 *
 * <p>With a constant rate this equals Polyak's {@code v = μv - lr·g; p += v}; with a schedule it
 * differs (the new rate scales the whole velocity), as it does in PyTorch. State slot: {@code
 * velocity}. Polyak, "Some methods of speeding up the convergence of iteration methods", USSR
 * Computational Mathematics and Mathematical Physics 4(5), 1964; Sutskever, Martens, Dahl and
 * Hinton, "On the importance of initialization and momentum in deep learning", ICML 2013.
 */
public final class Momentum extends SlottedOptimizer {
  private static final int VELOCITY = 0;
  private final float momentum;
  private final float weightDecay;

  /** Uses {@code momentum} in [0, 1) and {@code weight_decay}. */
  public Momentum(ModelSpec.OptimizerSpec spec, int[] paramSizes) {
    super(paramSizes, "velocity");
    HyperParameters.learningRate(spec);
    this.momentum =
        (float)
            HyperParameters.decayFactor(
                "optimizer.momentum", spec.momentum(), "momentum (optimizer momentum)");
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
      param[i] += negLr * velocity[i];
    }
  }

  /**
   * Lazy momentum: the dense rule on the touched rows only. An untouched row keeps its velocity
   * (not decayed by μ) and its weights (not moved by the velocity it still holds), where the dense
   * rule would keep moving it; its velocity resumes decaying at the next step that touches it.
   */
  @Override
  void updateRows(int index, float[] param, float[] grad, TouchedRows rows, float learningRate) {
    float[] velocity = slot(VELOCITY, index);
    final int width = rows.width();
    float negLr = -learningRate;
    for (int k = 0; k < rows.count(); k++) {
      int start = rows.row(k) * width;
      for (int i = start; i < start + width; i++) {
        velocity[i] = velocity[i] * momentum + grad[i];
        param[i] += negLr * velocity[i];
      }
    }
  }
}
