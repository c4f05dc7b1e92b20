package io.streamprop.nn.optim;

import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.ModelSpec.ScheduleName;
import io.streamprop.spec.SpecException;
import java.util.Locale;

/**
 * The learning rate of each step: an optional linear warm-up, then constant, step decay or inverse
 * time decay. Immutable and stateless (the rate is a function of the step alone), so it needs no
 * place in a snapshot.
 *
 * <p>With t the 1-based index of the step about to run, W the warm-up steps and e = t − W − 1 the
 * steps already taken after warm-up:
 *
 * <pre>
 *   t ≤ W:               rate = base · t / W                          (base/W, 2·base/W, …, base)
 *   constant:            rate = base
 *   step:                rate = base · decay_rate^⌊e / decay_steps⌋
 *   inverse time:        rate = base / (1 + decay_rate · e / decay_steps)
 * </pre>
 *
 * <p>The first step after warm-up runs at exactly {@code base}, and each step-decay period is
 * {@code decay_steps} steps long. This is PyTorch's {@code LinearLR(start_factor=1/W,
 * total_iters=W-1)} followed by {@code StepLR(step_size=decay_steps, gamma=decay_rate)} in a {@code
 * SequentialLR}, and Keras' {@code InverseTimeDecay} (staircase off) after warm-up.
 */
public final class LearningRateSchedule {
  private final ScheduleName name;
  private final long warmupSteps;
  private final long decaySteps;
  private final double decayRate;

  private LearningRateSchedule(
      ScheduleName name, long warmupSteps, long decaySteps, double decayRate) {
    this.name = name;
    this.warmupSteps = warmupSteps;
    this.decaySteps = decaySteps;
    this.decayRate = decayRate;
  }

  /**
   * The schedule a spec describes. Decay fields are checked only for the schedules that use them:
   * step decay needs {@code decay_steps >= 1} and {@code 0 < decay_rate <= 1}; inverse time needs
   * {@code decay_steps >= 1} and {@code decay_rate >= 0}.
   *
   * @throws io.streamprop.spec.SpecException naming the field and the bad value
   */
  public static LearningRateSchedule of(ModelSpec.ScheduleSpec spec) {
    if (spec == null || spec.name() == null) {
      throw new IllegalArgumentException("schedule spec and its name must not be null");
    }
    if (spec.warmupSteps() < 0) {
      throw new SpecException(
          "schedule.warmup_steps", "warm-up steps must be >= 0, got " + spec.warmupSteps());
    }
    if (spec.name() != ScheduleName.CONSTANT && spec.decaySteps() < 1) {
      throw new SpecException(
          "schedule.decay_steps",
          "decay steps must be >= 1 for the "
              + spec.name().name().toLowerCase(Locale.ROOT)
              + " schedule, got "
              + spec.decaySteps());
    }
    if (spec.name() == ScheduleName.STEP && !(spec.decayRate() > 0 && spec.decayRate() <= 1)) {
      throw new SpecException(
          "schedule.decay_rate",
          "decay rate must be in (0, 1] for the step schedule (the factor per period), got "
              + spec.decayRate());
    }
    if (spec.name() == ScheduleName.INVERSE_TIME) {
      HyperParameters.nonNegative(
          "schedule.decay_rate", spec.decayRate(), "decay rate of the inverse_time schedule");
    }
    return new LearningRateSchedule(
        spec.name(), spec.warmupSteps(), spec.decaySteps(), spec.decayRate());
  }

  /**
   * The learning rate of step {@code step} (1-based: the first step is 1).
   *
   * @param step index of the step about to run, >= 1
   * @param base the optimizer's base learning rate
   */
  public double rate(long step, double base) {
    if (step < 1) {
      throw new IllegalArgumentException("step is 1-based, got " + step);
    }
    if (step <= warmupSteps) {
      return base * step / warmupSteps;
    }
    long afterWarmup = step - warmupSteps - 1;
    return switch (name) {
      case CONSTANT -> base;
      case STEP -> base * Math.pow(decayRate, afterWarmup / decaySteps);
      case INVERSE_TIME -> base / (1 + decayRate * afterWarmup / decaySteps);
    };
  }
}
