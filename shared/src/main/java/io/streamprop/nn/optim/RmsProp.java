package io.streamprop.nn.optim;

import io.streamprop.spec.ModelSpec;

/**
 * RMSProp: divides by a running root-mean-square of recent gradients, exactly as PyTorch's {@code
 * torch.optim.RMSprop} (not centered, no momentum) with {@code alpha} = the spec's {@code rho}:
 *
 * <pre>
 *   g = dParam + weight_decay · param      (decay only on tensors whose decay flag is set)
 *   square_avg = ρ · square_avg + (1 − ρ) · g²      (starts at 0)
 *   param -= lr · g / (√square_avg + ε)
 * </pre>
 *
 * <p>ε sits outside the square root, as in PyTorch (TensorFlow puts it inside). State slot: {@code
 * square_avg}. Tieleman and Hinton, "Lecture 6.5 — RMSProp: divide the gradient by a running
 * average of its recent magnitude", COURSERA: Neural Networks for Machine Learning, 2012.
 */
public final class RmsProp extends SlottedOptimizer {
  private static final int SQUARE_AVG = 0;
  private final float rho;
  private final float oneMinusRho;
  private final float epsilon;
  private final float weightDecay;

  /** Uses {@code rho} in [0, 1), {@code epsilon} (> 0) and {@code weight_decay}. */
  public RmsProp(ModelSpec.OptimizerSpec spec, int[] paramSizes) {
    super(paramSizes, "square_avg");
    HyperParameters.learningRate(spec);
    double r =
        HyperParameters.decayFactor(
            "optimizer.rho", spec.rho(), "rho (RMSProp squared-gradient decay)");
    this.rho = (float) r;
    // 1 − ρ is formed in double and rounded once, as PyTorch does with its Python float.
    this.oneMinusRho = (float) (1 - r);
    this.epsilon = (float) HyperParameters.epsilon(spec);
    this.weightDecay = (float) HyperParameters.weightDecay(spec);
  }

  @Override
  void update(int index, float[] param, float[] grad, boolean decay, float learningRate) {
    float[] squareAvg = slot(SQUARE_AVG, index);
    float wd = decay ? weightDecay : 0f;
    float negLr = -learningRate;
    for (int i = 0; i < param.length; i++) {
      float g = wd != 0f ? grad[i] + wd * param[i] : grad[i];
      squareAvg[i] = squareAvg[i] * rho + oneMinusRho * g * g;
      float avg = (float) Math.sqrt(squareAvg[i]) + epsilon;
      param[i] += negLr * g / avg;
    }
  }

  /**
   * Lazy RMSProp: the dense rule on the touched rows only. An untouched row keeps its square_avg
   * (not decayed by ρ) and its weights; the dense rule would shrink the average and leave the
   * weights alone, so the two differ only in the memory of rows that come back after a pause.
   */
  @Override
  void updateRows(int index, float[] param, float[] grad, TouchedRows rows, float learningRate) {
    float[] squareAvg = slot(SQUARE_AVG, index);
    final int width = rows.width();
    float negLr = -learningRate;
    for (int k = 0; k < rows.count(); k++) {
      int start = rows.row(k) * width;
      for (int i = start; i < start + width; i++) {
        float g = grad[i];
        squareAvg[i] = squareAvg[i] * rho + oneMinusRho * g * g;
        float avg = (float) Math.sqrt(squareAvg[i]) + epsilon;
        param[i] += negLr * g / avg;
      }
    }
  }
}
