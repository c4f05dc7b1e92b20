package io.streamprop.nn.optim;

import java.util.List;
import java.util.Objects;

/**
 * An optimizer's complete state, enough to continue bit for bit: the steps taken and its moments,
 * one flat array per slot and parameter tensor, each as long as the tensor.
 *
 * @param steps steps taken (Adam's bias correction counts them)
 * @param slots the optimizer's slots per tensor, in its order: none (SGD), {@code velocity}
 *     (momentum, Nesterov), {@code sum} (AdaGrad), {@code square_avg} (RMSProp), {@code m} and
 *     {@code v} (Adam, AdamW)
 * @param moments {@code moments[p][s]} is slot s of parameter tensor p, in the order of the
 *     parameter tensors the optimizer steps
 */
public record OptimizerState(long steps, List<String> slots, float[][][] moments) {
  public OptimizerState {
    slots = List.copyOf(slots);
    Objects.requireNonNull(moments, "moments");
    for (int p = 0; p < moments.length; p++) {
      if (moments[p] == null || moments[p].length != slots.size()) {
        throw new IllegalArgumentException(
            "tensor "
                + p
                + " has "
                + (moments[p] == null ? "no" : moments[p].length)
                + " moment arrays, expected one per slot "
                + slots);
      }
      for (int s = 0; s < slots.size(); s++) {
        if (moments[p][s] == null) {
          throw new IllegalArgumentException("tensor " + p + " has no " + slots.get(s));
        }
      }
    }
  }

  /** Parameter tensors the state covers. */
  public int tensors() {
    return moments.length;
  }

  /** The array of one slot of one tensor (not a copy). */
  public float[] moment(int tensor, String slot) {
    int s = slots.indexOf(slot);
    if (s < 0) {
      throw new IllegalArgumentException("no slot '" + slot + "'; the slots are " + slots);
    }
    return moments[tensor][s];
  }
}
