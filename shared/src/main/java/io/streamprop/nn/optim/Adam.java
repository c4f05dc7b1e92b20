package io.streamprop.nn.optim;

import io.streamprop.spec.ModelSpec;

/**
 * Adam with bias-corrected first and second moment estimates and coupled (L2) weight decay, exactly
 * as PyTorch's {@code torch.optim.Adam} (amsgrad off):
 *
 * <pre>
 *   g = dParam + weight_decay · param      (decay only on tensors whose decay flag is set)
 *   m = β1 · m + (1 − β1) · g
 *   v = β2 · v + (1 − β2) · g²
 *   param -= (lr / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + ε)
 * </pre>
 *
 * <p>t is the 1-based step. State slots: {@code m}, {@code v}. PyTorch's defaults: β1 0.9, β2
 * 0.999, ε 1e-8. Kingma and Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015,
 * arXiv:1412.6980.
 */
public final class Adam extends AdamBase {

  /**
   * Uses {@code beta1}, {@code beta2} in [0, 1), {@code epsilon} (> 0) and {@code weight_decay}.
   */
  public Adam(ModelSpec.OptimizerSpec spec, int[] paramSizes) {
    super(spec, paramSizes, false, "Adam");
  }
}
