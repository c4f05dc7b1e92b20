package io.streamprop.learn.population;

import io.streamprop.learn.state.ModelState;
import java.util.List;
import java.util.Locale;

/**
 * What a population serves: the leader's ordinary single-learner state (a scorer predicts with it
 * exactly as with any model) and why it is the one served.
 *
 * @param model the leading member's complete state
 * @param member the leading member's index
 * @param standings every member's standing, in member order
 */
public record ServedModel(ModelState model, int member, List<Standing> standings) {
  public ServedModel {
    standings = List.copyOf(standings);
  }

  /**
   * One line: the leader's recent loss against the best of the others, for example {@code "member 2
   * (lr 0.01, hidden [64]): recent loss 0.412, next best 0.437 (member 1)"}.
   */
  public String reason() {
    Standing lead = standings.get(member);
    Standing next = null;
    for (Standing s : standings) {
      if (s.member() != member && (next == null || less(s.recentLoss(), next.recentLoss()))) {
        next = s;
      }
    }
    String head =
        String.format(
            Locale.ROOT,
            "member %d (lr %s, hidden %s): recent loss %.6g",
            member,
            lead.learningRate(),
            lead.hidden(),
            lead.recentLoss());
    return next == null
        ? head
        : head
            + String.format(
                Locale.ROOT, ", next best %.6g (member %d)", next.recentLoss(), next.member());
  }

  /** a < b with NaN last. */
  static boolean less(double a, double b) {
    return !Double.isNaN(a) && (Double.isNaN(b) || a < b);
  }
}
