package io.streamprop.nn.optim;

import io.streamprop.spec.ModelSpec;

/**
 * AdamW: Adam with weight decay decoupled from the gradient, exactly as PyTorch's {@code
 * torch.optim.AdamW} (amsgrad off). The weights shrink first, then take the Adam step on the raw
 * gradient, so the decay is not rescaled by the adaptive denominator:
 *
 * <pre>
 *   param -= lr · weight_decay · param     (only on tensors whose decay flag is set)
 *   m = β1 · m + (1 − β1) · dParam
 *   v = β2 · v + (1 − β2) · dParam²
 *   param -= (lr / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + ε)
 * </pre>
 *
 * <p>t is the 1-based step. State slots: {@code m}, {@code v}. PyTorch's defaults: β1 0.9, β2
 * 0.999, ε 1e-8, weight decay 0.01. Loshchilov and Hutter, "Decoupled Weight Decay Regularization",
 * ICLR 2019, arXiv:1711.05101.
 */
public final class AdamW extends AdamBase {

  /**
   * Uses {@code beta1}, {@code beta2} in [0, 1), {@code epsilon} (> 0) and {@code weight_decay}.
   */
  public AdamW(ModelSpec.OptimizerSpec spec, int[] paramSizes) {
    super(spec, paramSizes, true, "AdamW");
  }
}
