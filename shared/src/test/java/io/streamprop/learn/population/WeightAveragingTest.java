package io.streamprop.learn.population;

import static io.streamprop.learn.state.SameState.assertSameState;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamprop.learn.Datasets;
import io.streamprop.learn.Predictor;
import io.streamprop.learn.StepResult;
import io.streamprop.learn.state.ModelState;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class WeightAveragingTest {
  /** PopulationLearnerTest's WARM plan with a 100-example average per member. */
  private static final PopulationPlan AVERAGED =
      new PopulationPlan(
          List.of(0.1, 0.3, 1.0, 3.0), List.of(1, 2), 40, 48, 0.0, 2, 0.01, 10, 40, 0, 100);

  private static final PopulationPlan PLAIN =
      new PopulationPlan(List.of(0.1, 0.3, 1.0, 3.0), List.of(1, 2), 40, 48, 0.0, 2, 0.01, 10, 40);

  private static ModelSpec wine(int batch) {
    return SpecJson.parse(
        "{\"inputs\": 13, \"classes\": 3, \"hidden\": [16], \"batch_size\": " + batch + "}");
  }

  @Test
  void averages_onlyWatch_membersLearnBitForBitAsWithout() {
    Datasets.Dataset data = Datasets.load("wine");
    PopulationLearner with = PopulationLearner.create(wine(8), AVERAGED, null);
    PopulationLearner without = PopulationLearner.create(wine(8), PLAIN, null);
    PopulationLearnerTest.feed(with, data, 0, data.rows());
    PopulationLearnerTest.feed(without, data, 0, data.rows());

    assertThat(with.replacements()).isPositive();
    for (int i = 0; i < with.size(); i++) {
      assertSameState(
          with.state().members().get(i).model(), without.state().members().get(i).model());
      assertThat(with.state().members().get(i).average()).isNotNull();
      assertThat(without.state().members().get(i).average()).isNull();
    }
  }

  @Test
  void servedAverage_isAPlainNetwork_thatScoredTheNextExampleBeforeLearningIt() {
    Datasets.Dataset data = Datasets.load("wine");
    PopulationLearner population = PopulationLearner.create(wine(1), AVERAGED, null);
    int checked = 0;
    int otherThanLeader = 0;
    for (int r = 0; r < data.rows(); r++) {
      int label = (int) data.labels()[r];
      if (r < AVERAGED.warmupExamples()) { // while members step every example, members race
        assertThat(population.averageServed()).as("average served at %d", r).isFalse();
      }
      ServedModel before = population.averageServed() ? population.served() : null;
      if (before != null) {
        assertThat(before.average()).isTrue();
        // The metrics, the standings and the scorer name the member whose average is served.
        assertThat(population.servedMember()).isEqualTo(before.member());
        assertThat(population.standings())
            .filteredOn(Standing::leader)
            .extracting(Standing::member)
            .containsExactly(before.member());
        otherThanLeader += before.member() != population.leader() ? 1 : 0;
        assertThat(before.reason()).startsWith("average of member " + before.member() + " ");
        assertThat(before.averageLoss()).isLessThan(population.recentLoss(population.leader()));
        assertThat(before.model().spec().learner()).isEqualTo(ModelSpec.Learner.SINGLE);
        assertThat(before.model().layers().get(0).dense().weight())
            .isNotEqualTo(
                population.member(before.member()).state().layers().get(0).dense().weight());
      }
      StepResult step = population.learn(data.features()[r], new float[] {label});
      if (before != null) {
        // The population's score of the example is the served average's prediction of it, with
        // the input statistics that include it (as a member scores its mini-batch).
        ModelState member = population.member(before.member()).state();
        ModelState s = before.model();
        Predictor served =
            Predictor.of(
                new ModelState(
                    s.spec(),
                    s.counters(),
                    s.layers(),
                    member.inputNormalizer(),
                    s.targetNormalizer(),
                    s.training(),
                    s.carried(),
                    s.embeddings()));
        float[] p = served.predict(data.features()[r], 1);
        assertThat(step.lossSum()).isCloseTo(-Math.log(p[label]), Offset.offset(1e-4));
        int predicted = 0;
        for (int c = 1; c < p.length; c++) {
          predicted = p[c] > p[predicted] ? c : predicted;
        }
        assertThat(step.correct()).isEqualTo(predicted == label ? 1 : 0);
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(10);
    assertThat(otherThanLeader)
        .as("served averages of a member other than the leader")
        .isPositive();
  }

  @Test
  void sameStreamTwice_bitIdenticalPopulations() {
    Datasets.Dataset data = Datasets.load("wine");
    PopulationLearner a = PopulationLearner.create(wine(8), AVERAGED);
    PopulationLearner b = PopulationLearner.create(wine(8), AVERAGED);
    PopulationLearnerTest.feed(a, data, 0, data.rows());
    PopulationLearnerTest.feed(b, data, 0, data.rows());

    PopulationLearnerTest.assertSamePopulation(a.state(), b.state());
    for (int i = 0; i < a.size(); i++) {
      AverageState x = a.state().members().get(i).average();
      AverageState y = b.state().members().get(i).average();
      assertThat(x.updates()).isEqualTo(y.updates()).isPositive();
      assertThat(x.recentLoss()).isEqualTo(y.recentLoss());
      for (int l = 0; l < x.layers().size(); l++) {
        assertThat(x.layers().get(l).weight()).isEqualTo(y.layers().get(l).weight());
        assertThat(x.layers().get(l).bias()).isEqualTo(y.layers().get(l).bias());
      }
    }
    assertThat(a.state().served()).isEqualTo(b.state().served());
  }

  /**
   * After a drift alarm the averages are not served while the members relearn, and restart from the
   * relearned weights when the relearning ends (a fresh average: no folds, the member's dense
   * weights).
   */
  @Test
  void afterAnAlarm_averagesWaitOutTheRelearning_thenRestartFromTheRelearnedWeights() {
    DriftPlan drift = new DriftPlan(8, 0.1, 3, 1 - 1e-4, 30, 200, 50, 0);
    PopulationLearner population = PopulationLearner.create(wine(8), AVERAGED, drift);
    java.util.SplittableRandom random = new java.util.SplittableRandom(3);
    long alarmAt = -1;
    boolean checked = false;
    for (int i = 0; i < 6000 && !checked; i++) {
      float[] x = new float[13];
      for (int j = 0; j < x.length; j++) {
        x[j] = (float) random.nextGaussian();
      }
      int label = x[0] + x[1] > 0 ? (x[2] > 0 ? 1 : 0) : 2;
      if (i >= 3000) {
        label = (label + 1) % 3; // the labels change meaning
      }
      population.learn(x, new float[] {label});
      if (alarmAt < 0 && population.alarms() > 0) {
        alarmAt = population.examples();
      }
      if (alarmAt >= 0 && population.examples() < alarmAt + drift.relearnExamples()) {
        assertThat(population.averageServed()).as("served while relearning").isFalse();
      }
      if (alarmAt >= 0 && population.examples() == alarmAt + drift.relearnExamples()) {
        assertThat(population.averageServed()).as("a restarted average has no score").isFalse();
        for (int m = 0; m < population.size(); m++) {
          AverageState average = population.state().members().get(m).average();
          ModelState member = population.state().members().get(m).model();
          assertThat(average.updates()).isZero();
          for (int l = 0; l < average.layers().size(); l++) {
            assertThat(average.layers().get(l).weight())
                .isEqualTo(member.layers().get(l).dense().weight());
          }
        }
        checked = true;
      }
    }
    assertThat(alarmAt).as("the change raised an alarm").isPositive();
    assertThat(checked).isTrue();
  }
}
