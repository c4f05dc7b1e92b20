package io.streamprop.learn.population;

import io.streamprop.learn.OnlineLearner;
import io.streamprop.spec.ModelSpec;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Successive halving's rung at the end of a population's warm-up (Jamieson and Talwalkar 2016):
 * which members run on. The leader and the best other members of its widths and input transform by
 * recent loss, as many as a budget of single steps of the spec's shape holds ({@link
 * PopulationPlan#cost}; the leader runs on even beyond it). One width after the warm-up keeps the
 * cost of a step constant as replacements copy the leader.
 */
final class WarmupHalving {
  private WarmupHalving() {}

  /** Member indices by recent loss, best first (NaN last); a stable sort, ties in member order. */
  static Integer[] bestFirst(double[] recentLoss) {
    Integer[] order = new Integer[recentLoss.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(
        order,
        Comparator.comparingDouble((Integer i) -> Double.isNaN(recentLoss[i]) ? 1 : 0)
            .thenComparingDouble(i -> recentLoss[i]));
    return order;
  }

  /**
   * The member whose shape the population keeps: the leader, or when the leader is one of the
   * warm-up's linear members ({@link PopulationPlan#linearRateFactors}), the best member by recent
   * loss that has hidden layers (the leader when none has).
   */
  static int shapeLeader(OnlineLearner[] learners, double[] recentLoss, int leader) {
    if (!learners[leader].spec().hidden().isEmpty()) {
      return leader;
    }
    for (int i : bestFirst(recentLoss)) {
      if (!learners[i].spec().hidden().isEmpty()) {
        return i;
      }
    }
    return leader;
  }

  /** The members that run on under a budget of this many single steps of {@code spec}'s shape. */
  static boolean[] kept(
      OnlineLearner[] learners, double[] recentLoss, int leader, int budget, ModelSpec spec) {
    List<Integer> hidden = learners[leader].spec().hidden();
    ModelSpec.InputTransform transform = learners[leader].spec().inputTransform();
    double cost = PopulationPlan.cost(learners[leader].spec(), spec);
    int k = (int) Math.max(1, Math.floor(budget / cost + 1e-9)); // 1e-9: 2 × 2.0 fits in 4
    boolean[] kept = new boolean[learners.length];
    kept[leader] = true;
    int count = 1;
    for (int i : bestFirst(recentLoss)) {
      ModelSpec member = learners[i].spec();
      if (count < k
          && !kept[i]
          && member.hidden().equals(hidden)
          && member.inputTransform() == transform) {
        kept[i] = true;
        count++;
      }
    }
    return kept;
  }
}
