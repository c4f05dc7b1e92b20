package io.streamprop.nn.optim;

import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecException;

/**
 * Range checks shared by the optimizers and schedules. Each check is written so that NaN fails it
 * ({@code !(x >= 0)} rather than {@code x < 0}), and each failure names the spec field and quotes
 * the bad value.
 */
final class HyperParameters {
  private HyperParameters() {}

  /** {@code value > 0} and finite. */
  static double positive(String field, double value, String what) {
    if (!(value > 0) || Double.isInfinite(value)) {
      throw new SpecException(field, what + " must be a finite number > 0, got " + value);
    }
    return value;
  }

  /** {@code value >= 0} and finite. */
  static double nonNegative(String field, double value, String what) {
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new SpecException(field, what + " must be a finite number >= 0, got " + value);
    }
    return value;
  }

  /** {@code 0 <= value < 1}: a decay factor of a running average. */
  static double decayFactor(String field, double value, String what) {
    if (!(value >= 0 && value < 1)) {
      throw new SpecException(field, what + " must be in [0, 1), got " + value);
    }
    return value;
  }

  /** {@code 0 < value < 1}: a decay factor that must actually remember something. */
  static double openUnit(String field, double value, String what) {
    if (!(value > 0 && value < 1)) {
      throw new SpecException(field, what + " must be in (0, 1), got " + value);
    }
    return value;
  }

  /**
   * The spec's base learning rate: finite and {@code > 0} (a model that never learns is a mistake).
   */
  static double learningRate(ModelSpec.OptimizerSpec spec) {
    return positive("optimizer.learning_rate", spec.learningRate(), "the learning rate");
  }

  /** The spec's weight decay: finite and {@code >= 0}. */
  static double weightDecay(ModelSpec.OptimizerSpec spec) {
    return nonNegative("optimizer.weight_decay", spec.weightDecay(), "weight decay");
  }

  /** The spec's epsilon: finite and {@code > 0}, so that a zero gradient never divides 0 by 0. */
  static double epsilon(ModelSpec.OptimizerSpec spec) {
    return positive("optimizer.epsilon", spec.epsilon(), "epsilon");
  }
}
