package io.streamprop.learn.population;

import io.streamprop.learn.OnlineLearner;
import io.streamprop.learn.StepResult;
import io.streamprop.learn.WeightAverage;
import io.streamprop.learn.state.ModelState;
import java.util.List;

/**
 * The averaged copies that race beside a population's members ({@link
 * PopulationPlan#averageWindowExamples()}): member i's {@link WeightAverage} and the recent
 * prequential loss of its predictions, folded exactly as the members' are. Not thread-safe; it
 * belongs to one {@link PopulationLearner}.
 *
 * <p>An average follows its member through everything the population does to it: a replacement
 * copies the leader's average with the leader's weights (the copy has the leader's history); a
 * member re-started after a drift alarm, and the leader's own average (a stale average recovers
 * slowly), start again from the member's weights, their recent losses over; and again when the
 * relearning after the alarm ends, from the relearned weights. The population serves an average
 * only while its members learn at the spec's mini-batch size: not in the warm-up, not while they
 * relearn.
 *
 * <p>A spec with embedding tables has no averages: an average holds the dense layers only, and
 * beside tables that go on learning it lost (titanic, the raw diamonds; {@code
 * docs/learning-quality.md}).
 */
final class Averages {
  private final double window;
  private WeightAverage[] averages;
  private double[] recentLoss;

  private Averages(double window, int members) {
    this.window = window;
    this.averages = new WeightAverage[members];
    this.recentLoss = new double[members];
  }

  /** A new average of every member's current weights. */
  static Averages start(OnlineLearner[] learners, double window) {
    Averages a = new Averages(window, learners.length);
    for (int i = 0; i < learners.length; i++) {
      a.restart(i, learners[i]);
    }
    return a;
  }

  /** The averages of the members' states (each has one). */
  static Averages restore(List<MemberState> members, double window) {
    Averages a = new Averages(window, members.size());
    for (int i = 0; i < members.size(); i++) {
      MemberState m = members.get(i);
      if (m.average() == null) {
        throw new IllegalArgumentException(
            "member " + i + " has no average, and the plan averages weights");
      }
      a.averages[i] =
          WeightAverage.restore(
              m.model().spec(), m.average().layers(), m.average().updates(), window);
      a.recentLoss[i] = m.average().recentLoss();
    }
    return a;
  }

  /**
   * Hands each member its average (a learner the population replaced has none until then); no-op
   * when {@code averages} is null.
   */
  static void attach(Averages averages, OnlineLearner[] learners) {
    for (int i = 0; averages != null && i < learners.length; i++) {
      learners[i].average(averages.averages[i]);
    }
  }

  /** Every member's average starts again ({@link #restart(int, OnlineLearner)}); null: no-op. */
  static void restart(Averages averages, OnlineLearner[] learners) {
    for (int i = 0; averages != null && i < learners.length; i++) {
      averages.restart(i, learners[i]);
    }
  }

  /** Member i's average starts again from the learner's weights; its recent loss starts over. */
  void restart(int i, OnlineLearner learner) {
    averages[i] = WeightAverage.start(learner, window);
    recentLoss[i] = Double.NaN;
  }

  /**
   * Member i becomes a copy of member {@code from} (of the learner's shape): so does its average.
   */
  void copy(int from, int i, OnlineLearner learner) {
    averages[i] = averages[from].copy(learner.spec());
    recentLoss[i] = recentLoss[from];
  }

  /** Only the kept members' averages run on, in member order. */
  void keep(boolean[] kept, int count) {
    WeightAverage[] a = new WeightAverage[count];
    double[] loss = new double[count];
    int at = 0;
    for (int i = 0; i < kept.length; i++) {
      if (kept[i]) {
        a[at] = averages[i];
        loss[at] = recentLoss[i];
        at++;
      }
    }
    averages = a;
    recentLoss = loss;
  }

  /** Folds member i's average's score of the step with the member's weight of this mini-batch. */
  void score(int i, StepResult memberStep, double weight) {
    StepResult s = averages[i].scored(memberStep);
    recentLoss[i] = MemberState.fold(recentLoss[i], s.lossSum() / s.examples(), weight);
  }

  /** The member's step with its average's score of the same mini-batch. */
  StepResult scored(int i, StepResult memberStep) {
    return averages[i].scored(memberStep);
  }

  double recentLoss(int i) {
    return recentLoss[i];
  }

  /** The member's state with member i's averaged weights: what the population serves. */
  ModelState served(int i, ModelState member) {
    return state(i).applyTo(member);
  }

  AverageState state(int i) {
    return new AverageState(averages[i].layers(), averages[i].updates(), recentLoss[i]);
  }
}
