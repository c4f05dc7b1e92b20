package io.streamprop.nn.optim;

import io.streamprop.spec.ModelSpec;

/** Builds the {@link Optimizer} a spec names; see {@code docs/optimizers.md} for the formulas. */
public final class Optimizers {
  private Optimizers() {}

  /**
   * A fresh optimizer (zero state, zero steps) for parameter tensors of the given lengths.
   *
   * @param spec the optimizer and its hyper-parameters
   * @param paramSizes the length of each flat parameter tensor, in the order {@link Optimizer#step}
   *     will receive them
   * @throws io.streamprop.spec.SpecException when a hyper-parameter is out of range; the message
   *     names the field and the value
   */
  public static Optimizer create(ModelSpec.OptimizerSpec spec, int[] paramSizes) {
    if (spec == null || spec.name() == null) {
      throw new IllegalArgumentException("optimizer spec and its name must not be null");
    }
    return switch (spec.name()) {
      case SGD -> new Sgd(spec, paramSizes);
      case MOMENTUM -> new Momentum(spec, paramSizes);
      case NESTEROV -> new Nesterov(spec, paramSizes);
      case ADAGRAD -> new AdaGrad(spec, paramSizes);
      case RMSPROP -> new RmsProp(spec, paramSizes);
      case ADAM -> new Adam(spec, paramSizes);
      case ADAMW -> new AdamW(spec, paramSizes);
    };
  }

  /**
   * Checks the hyper-parameters the named optimizer uses, for validating a spec before any model
   * exists.
   *
   * @throws io.streamprop.spec.SpecException naming the field and the bad value
   */
  public static void validate(ModelSpec.OptimizerSpec spec) {
    create(spec, new int[0]);
  }
}
