package io.streamprop.learn.population;

import io.streamprop.learn.state.ModelState;
import java.util.Objects;

/**
 * One member of a population: an ordinary single learner's state and the population's bookkeeping
 * about it.
 *
 * @param model the member's complete state (its spec is a single learner's: its own learning rate
 *     and widths)
 * @param recentLoss its prequential loss per example, exponentially weighted over the plan's loss
 *     window; NaN before its first scored mini-batch, +∞ once a mini-batch scored a loss that was
 *     not finite (the member is then never served and is replaced at the next rung)
 * @param bornAt the population's example count when the member started (0) or was re-seeded
 * @param average the average of its weights that races beside it, or null when the plan averages no
 *     weights ({@link PopulationPlan#averageWindowExamples()})
 */
public record MemberState(ModelState model, double recentLoss, long bornAt, AverageState average) {
  public MemberState {
    Objects.requireNonNull(model, "model");
    if (average != null) {
      average.requireShape(model);
    }
  }

  /** A member without an average of its weights. */
  public MemberState(ModelState model, double recentLoss, long bornAt) {
    this(model, recentLoss, bornAt, null);
  }

  /** The member's base learning rate. */
  public double learningRate() {
    return model.spec().optimizer().learningRate();
  }

  /**
   * A recent loss with a mini-batch's mean loss x folded in: +∞ once x is not finite (never served
   * again; a member is replaced at the next rung), x first, then exponentially weighted.
   */
  static double fold(double recent, double x, double weight) {
    if (!Double.isFinite(x) || recent == Double.POSITIVE_INFINITY) {
      return Double.POSITIVE_INFINITY;
    }
    return Double.isNaN(recent) ? x : recent + weight * (x - recent);
  }
}
