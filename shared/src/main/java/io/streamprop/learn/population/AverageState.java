package io.streamprop.learn.population;

import io.streamprop.learn.state.DenseState;
import io.streamprop.learn.state.LayerState;
import io.streamprop.learn.state.ModelState;
import java.util.ArrayList;
import java.util.List;

/**
 * A member's averaged weights ({@link io.streamprop.learn.WeightAverage}) and how well they have
 * predicted: what a population with weight averaging keeps per member beside the member's state.
 *
 * @param layers the exponential moving averages of the member's dense weights and biases, input
 *     side first (the member's shapes)
 * @param updates folds of the member's weights since the average started (one per 4 optimizer
 *     steps; its ramp)
 * @param recentLoss the averaged network's prequential loss per example, weighted as the members'
 *     ({@link MemberState#recentLoss()}); NaN before its first scored mini-batch
 */
public record AverageState(List<DenseState> layers, long updates, double recentLoss) {
  public AverageState {
    layers = List.copyOf(layers);
    if (updates < 0) {
      throw new IllegalArgumentException("average updates must be >= 0, got " + updates);
    }
  }

  /**
   * The member's state with these averaged dense weights and biases in place of its own (arrays
   * shared): a plain single network, what a population serves when the average leads.
   *
   * @throws IllegalArgumentException if the layers do not have the member's shapes
   */
  public ModelState applyTo(ModelState member) {
    requireShape(member);
    List<LayerState> averaged = new ArrayList<>(layers.size());
    for (int l = 0; l < layers.size(); l++) {
      averaged.add(new LayerState(layers.get(l), member.layers().get(l).batchNorm()));
    }
    return new ModelState(
        member.spec(),
        member.counters(),
        averaged,
        member.inputNormalizer(),
        member.targetNormalizer(),
        member.training(),
        member.carried(),
        member.embeddings());
  }

  /** Checks that the layers have the member's dense shapes. */
  void requireShape(ModelState member) {
    if (layers.size() != member.layers().size()) {
      throw new IllegalArgumentException(
          "average has " + layers.size() + " layers, its member " + member.layers().size());
    }
    for (int l = 0; l < layers.size(); l++) {
      DenseState own = member.layers().get(l).dense();
      DenseState avg = layers.get(l);
      if (avg.weight().length != own.weight().length || avg.bias().length != own.bias().length) {
        throw new IllegalArgumentException(
            "average layer "
                + l
                + " has "
                + avg.weight().length
                + " weights and "
                + avg.bias().length
                + " biases, its member "
                + own.weight().length
                + " and "
                + own.bias().length);
      }
    }
  }
}
