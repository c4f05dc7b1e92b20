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
 */
public record MemberState(ModelState model, double recentLoss, long bornAt) {
  public MemberState {
    Objects.requireNonNull(model, "model");
  }

  /** The member's base learning rate. */
  public double learningRate() {
    return model.spec().optimizer().learningRate();
  }
}
