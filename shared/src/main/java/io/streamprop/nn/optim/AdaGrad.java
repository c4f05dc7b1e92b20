package io.streamprop.nn.optim;

import io.streamprop.spec.ModelSpec;

/**
 * AdaGrad: per-coordinate rates that shrink with the sum of all squared gradients seen, exactly as
 * PyTorch's {@code torch.optim.Adagrad} with {@code lr_decay=0} and {@code
 * initial_accumulator_value=0}:
 *
 * <pre>
 *   g = dParam + weight_decay · param      (decay only on tensors whose decay flag is set)
 *   sum += g²
 *   param -= lr · g / (√sum + ε)
 * </pre>
 *
 * <p>ε sits outside the square root, as in PyTorch (whose default is 1e-10). State slot: {@code
 * sum}. Duchi, Hazan and Singer, "Adaptive Subgradient Methods for Online Learning and Stochastic
 * Optimization", JMLR 12, 2011.
 */
public final class AdaGrad extends SlottedOptimizer {
  private static final int SUM = 0;
  private final float epsilon;
  private final float weightDecay;

  /** Uses {@code epsilon} (> 0) and {@code weight_decay}. */
  public AdaGrad(ModelSpec.OptimizerSpec spec, int[] paramSizes) {
    super(paramSizes, "sum");
    HyperParameters.learningRate(spec);
    this.epsilon = (float) HyperParameters.epsilon(spec);
    this.weightDecay = (float) HyperParameters.weightDecay(spec);
  }

  @Override
  void update(int index, float[] param, float[] grad, boolean decay, float learningRate) {
    float[] sum = slot(SUM, index);
    float wd = decay ? weightDecay : 0f;
    float negLr = -learningRate;
    for (int i = 0; i < param.length; i++) {
      float g = wd != 0f ? grad[i] + wd * param[i] : grad[i];
      sum[i] += g * g;
      float std = (float) Math.sqrt(sum[i]) + epsilon;
      // Same association as torch's addcdiv: param + (value · g) / std.
      param[i] += negLr * g / std;
    }
  }

  /**
   * The dense rule on the touched rows only. AdaGrad forgets nothing, so this is the dense step
   * without weight decay bit for bit: an untouched row's gradient is 0, which leaves its sum and
   * its weights as they are. (PyTorch's {@code Adagrad} on a sparse gradient does the same.)
   */
  @Override
  void updateRows(int index, float[] param, float[] grad, TouchedRows rows, float learningRate) {
    float[] sum = slot(SUM, index);
    final int width = rows.width();
    float negLr = -learningRate;
    for (int k = 0; k < rows.count(); k++) {
      int start = rows.row(k) * width;
      for (int i = start; i < start + width; i++) {
        float g = grad[i];
        sum[i] += g * g;
        float std = (float) Math.sqrt(sum[i]) + epsilon;
        param[i] += negLr * g / std;
      }
    }
  }
}
