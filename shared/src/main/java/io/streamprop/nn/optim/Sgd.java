package io.streamprop.nn.optim;

import io.streamprop.spec.ModelSpec;

/**
 * Plain stochastic gradient descent with coupled (L2) weight decay, exactly as PyTorch's {@code
 * torch.optim.SGD} with {@code momentum=0}:
 *
 * <pre>
 *   g = dParam + weight_decay · param      (decay only on tensors whose decay flag is set)
 *   param -= lr · g
 * </pre>
 *
 * <p>No state. Robbins and Monro, "A Stochastic Approximation Method", Annals of Mathematical
 * Statistics 22(3), 1951.
 */
public final class Sgd extends SlottedOptimizer {
  private final float weightDecay;

  /** Uses {@code weight_decay} (learning rate checked; the schedule supplies each step's rate). */
  public Sgd(ModelSpec.OptimizerSpec spec, int[] paramSizes) {
    super(paramSizes);
    HyperParameters.learningRate(spec);
    this.weightDecay = (float) HyperParameters.weightDecay(spec);
  }

  @Override
  void update(int index, float[] param, float[] grad, boolean decay, float learningRate) {
    float wd = decay ? weightDecay : 0f;
    float negLr = -learningRate;
    if (wd != 0f) {
      for (int i = 0; i < param.length; i++) {
        float g = grad[i] + wd * param[i];
        param[i] += negLr * g;
      }
    } else {
      for (int i = 0; i < param.length; i++) {
        param[i] += negLr * grad[i];
      }
    }
  }

  /**
   * Sparse SGD: {@code param[r, :] -= lr · dParam[r, :]} on the touched rows r. The gradient is
   * zero elsewhere, so this is the dense step without weight decay, bit for bit (PyTorch's {@code
   * SGD} on a sparse gradient).
   */
  @Override
  void updateRows(int index, float[] param, float[] grad, TouchedRows rows, float learningRate) {
    final int width = rows.width();
    float negLr = -learningRate;
    for (int k = 0; k < rows.count(); k++) {
      int start = rows.row(k) * width;
      for (int i = start; i < start + width; i++) {
        param[i] += negLr * grad[i];
      }
    }
  }
}
