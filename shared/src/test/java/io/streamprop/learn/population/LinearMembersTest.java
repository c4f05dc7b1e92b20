package io.streamprop.learn.population;

import static io.streamprop.learn.population.PopulationLearnerTest.WARMUP;
import static io.streamprop.learn.population.PopulationLearnerTest.feed;
import static io.streamprop.learn.population.PopulationLearnerTest.spec;
import static io.streamprop.learn.state.SameState.assertSameState;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamprop.learn.Datasets;
import io.streamprop.spec.ModelSpec;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The linear members of a population's warm-up ({@link PopulationPlan#linearRateFactors}). */
class LinearMembersTest {
  private static final String WINE = "{'inputs': 13, 'classes': 3, 'hidden': [16]}";
  private static final List<Double> LINEAR = List.of(1.0, 3.0, 10.0);

  /** A short warm-up of every member at mini-batch 1, then a budget of 3 single steps. */
  private static PopulationPlan warm(List<Double> linear, int keep) {
    PopulationPlan s = PopulationPlan.standard();
    return new PopulationPlan(
        s.rateFactors(),
        s.widthFactors(),
        40,
        PopulationLearnerTest.RUNG,
        s.pruneMargin(),
        s.perturbation(),
        s.minRateFactor(),
        s.maxRateFactor(),
        WARMUP,
        keep,
        0,
        linear);
  }

  @Test
  void standardPlan_addsLinearMembersAtOneThreeAndTenTimesTheRate_noneToALinearSpec() {
    ModelSpec spec = spec(WINE);
    List<ModelSpec> members = PopulationPlan.standard().memberSpecs(spec);
    double rate = spec.optimizer().learningRate();

    assertThat(members).hasSize(12);
    assertThat(members.subList(0, 9)).allSatisfy(m -> assertThat(m.hidden()).isNotEmpty());
    assertThat(members.subList(9, 12))
        .allSatisfy(m -> assertThat(m.hidden()).isEmpty())
        .allSatisfy(m -> assertThat(m.inputTransform()).isEqualTo(ModelSpec.InputTransform.NONE))
        .allSatisfy(m -> assertThat(m.batchSize()).isEqualTo(1))
        .extracting(m -> m.optimizer().learningRate())
        .containsExactly(rate * 1.0, rate * 3.0, rate * 10.0);
    assertThat(PopulationPlan.standard().memberSpecs(spec("{'inputs': 13, 'classes': 3}")))
        .as("the default spec's [64]")
        .hasSize(12);
    assertThat(
            PopulationPlan.standard()
                .memberSpecs(spec("{'inputs': 13, 'classes': 3, 'hidden': []}")))
        .as("a linear spec has no linear members beside its own")
        .hasSize(9);
    assertThatThrownBy(() -> warm(LINEAR, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("warm-up only");
  }

  @Test
  void linearLeaderAtTheWarmupsEnd_handsOverToTheBestMemberWithHiddenLayers() {
    Datasets.Dataset wine = Datasets.load("wine");
    PopulationLearner population = PopulationLearner.create(spec(WINE), warm(LINEAR, 3), null);
    // The same members without the linear ones, all kept: bit for bit the others of the race.
    PopulationLearner others = PopulationLearner.create(spec(WINE), warm(List.of(), 0), null);
    feed(population, wine, 0, WARMUP);
    feed(others, wine, 0, WARMUP);
    // Not at the end: the last example's step ends the warm-up and halves the population.
    PopulationLearner atEnd = PopulationLearner.create(spec(WINE), warm(LINEAR, 3), null);
    feed(atEnd, wine, 0, WARMUP - 1);
    assertThat(atEnd.size()).isEqualTo(12);
    PopulationState race = others.state();
    int best =
        IntStream.range(0, race.members().size())
            .boxed()
            .min(java.util.Comparator.comparingDouble(i -> race.members().get(i).recentLoss()))
            .orElseThrow();
    PopulationState before = atEndWithOneMore(atEnd, wine);
    assertThat(before.leaderState().model().spec().hidden())
        .as("wine's first examples are led by a linear member")
        .isEmpty();

    PopulationState kept = population.state();
    List<Integer> shape = race.members().get(best).model().spec().hidden();
    assertThat(shape).isNotEmpty();
    assertThat(kept.members())
        .allSatisfy(m -> assertThat(m.model().spec().hidden()).isEqualTo(shape));
    assertSameState(kept.leaderState().model(), race.members().get(best).model());
    assertThat(kept.switches()).isEqualTo(before.switches() + 1);
    feed(population, wine, WARMUP, wine.rows());
    assertThat(population.standings()).allSatisfy(st -> assertThat(st.hidden()).isNotEmpty());
  }

  @Test
  void alarmInTheWarmupUnderALinearLeader_restartsAndRelabelsInTheShapeOfTheBestNetwork() {
    Datasets.Dataset digits = Datasets.load("digits");
    ModelSpec spec = spec("{'inputs': 64, 'classes': 10, 'hidden': [32]}");
    PopulationLearner population = PopulationLearner.create(spec, PopulationPlan.standard());
    int at = 900; // digits' 1,797 examples are all in the standard warm-up
    PopulationState before = null;
    int i = 0;
    while (population.alarms() == 0) {
      before = population.state();
      float y = i >= at ? (digits.labels()[i] + 1) % 10 : digits.labels()[i];
      population.learn(digits.features()[i], new float[] {y});
      i++;
    }
    PopulationState after = population.state();
    assertThat(before.leaderState().model().spec().hidden())
        .as("a linear member leads digits at the change")
        .isEmpty();
    assertThat(after.leader()).isEqualTo(before.leader());
    for (int m = 0; m < after.members().size(); m++) {
      if (m != after.leader()) {
        assertThat(after.members().get(m).model().spec().hidden()).as("member %d", m).isNotEmpty();
      }
    }
    assertThat(after.drift().relabel().copy().spec().hidden()).isNotEmpty();
  }

  /**
   * The state a population of 12 members would have after one more example without the warm-up's
   * halving: its leader is the one the halving hands over from.
   */
  private static PopulationState atEndWithOneMore(PopulationLearner atEnd, Datasets.Dataset wine) {
    PopulationState s = atEnd.state();
    PopulationPlan p = s.plan();
    PopulationPlan longer =
        new PopulationPlan(
            p.rateFactors(),
            p.widthFactors(),
            p.lossWindowExamples(),
            p.rungExamples(),
            p.pruneMargin(),
            p.perturbation(),
            p.minRateFactor(),
            p.maxRateFactor(),
            WARMUP + 1,
            p.warmupKeep(),
            p.averageWindowExamples(),
            p.linearRateFactors());
    PopulationLearner copy =
        PopulationLearner.restore(
            new PopulationState(
                s.spec(),
                longer,
                s.members(),
                s.leader(),
                s.examples(),
                s.switches(),
                s.replacements(),
                s.rngState(),
                s.drift(),
                s.served()));
    feed(copy, wine, WARMUP - 1, WARMUP);
    return copy.state();
  }
}
