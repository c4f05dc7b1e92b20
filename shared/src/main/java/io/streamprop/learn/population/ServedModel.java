package io.streamprop.learn.population;

import io.streamprop.learn.state.ModelState;
import java.util.List;
import java.util.Locale;

/**
 * What a population serves: an ordinary single-learner state (a scorer predicts with it exactly as
 * with any model), the leader's or a member's weight average ({@link Averages}), and why it is the
 * one served.
 *
 * @param model the served state: the leading member's, or a member's with its averaged dense layers
 * @param member the index of the served member (of the member whose average is served)
 * @param averageLoss the served average's recent loss; NaN when the member itself is served
 * @param standings every member's standing, in member order
 */
public record ServedModel(
    ModelState model, int member, double averageLoss, List<Standing> standings) {
  public ServedModel {
    standings = List.copyOf(standings);
  }

  /** The leading member itself is served. */
  public ServedModel(ModelState model, int member, List<Standing> standings) {
    this(model, member, Double.NaN, standings);
  }

  /** True when a member's weight average is served, not the member itself. */
  public boolean average() {
    return !Double.isNaN(averageLoss);
  }

  /**
   * One line: the served network's recent loss against the best of the others, for example {@code
   * "member 2 (lr 0.01, hidden [64]): recent loss 0.412, next best 0.437 (member 1)"}, or for an
   * average {@code "average of member 2 (lr 0.01, hidden [64]): recent loss 0.398, next best 0.412
   * (member 2)"}.
   */
  public String reason() {
    Standing lead = standings.get(member);
    Standing next = null;
    for (Standing s : standings) {
      boolean other = average() || s.member() != member;
      if (other && (next == null || less(s.recentLoss(), next.recentLoss()))) {
        next = s;
      }
    }
    String head =
        String.format(
            Locale.ROOT,
            "%smember %d (lr %s, hidden %s): recent loss %.6g",
            average() ? "average of " : "",
            member,
            lead.learningRate(),
            lead.hidden(),
            average() ? averageLoss : lead.recentLoss());
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
