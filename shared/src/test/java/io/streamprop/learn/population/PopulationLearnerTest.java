package io.streamprop.learn.population;

import static io.streamprop.learn.state.SameState.assertSameState;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamprop.learn.Datasets;
import io.streamprop.learn.OnlineLearner;
import io.streamprop.learn.StepResult;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PopulationLearnerTest {
  /** Short rungs, so that a small stream sees replacements. */
  static final int RUNG = 48;

  static final PopulationPlan FAST =
      new PopulationPlan(List.of(0.1, 0.3, 1.0, 3.0), List.of(1, 2), 40, RUNG, 0.0, 2, 0.01, 10);

  static final int WARMUP = 40;

  /** FAST with a warm-up of 40 examples at mini-batch 1. */
  static final PopulationPlan WARM =
      new PopulationPlan(
          List.of(0.1, 0.3, 1.0, 3.0), List.of(1, 2), 40, RUNG, 0.0, 2, 0.01, 10, WARMUP);

  /** WARM whose steady population after the warm-up is a budget of this many single steps. */
  static PopulationPlan race(int budget) {
    return new PopulationPlan(
        List.of(0.1, 0.3, 1.0, 3.0), List.of(1, 2), 40, RUNG, 0.0, 2, 0.01, 10, WARMUP, budget);
  }

  private static final String WINE = "{'inputs': 13, 'classes': 3, 'hidden': [16]}";
  private static final String DIABETES = "{'inputs': 10, 'task': 'regression', 'hidden': [8]}";

  static ModelSpec spec(String json) {
    return SpecJson.parse(json.replace('\'', '"'));
  }

  static void feed(PopulationLearner population, Datasets.Dataset data, int from, int to) {
    for (int i = from; i < to; i++) {
      population.learn(data.features()[i], new float[] {data.labels()[i]});
    }
  }

  static void assertSamePopulation(PopulationState actual, PopulationState expected) {
    assertThat(actual.spec()).isEqualTo(expected.spec());
    assertThat(actual.plan()).isEqualTo(expected.plan());
    assertThat(actual.leader()).isEqualTo(expected.leader());
    assertThat(actual.examples()).isEqualTo(expected.examples());
    assertThat(actual.switches()).isEqualTo(expected.switches());
    assertThat(actual.replacements()).isEqualTo(expected.replacements());
    assertThat(actual.rngState()).isEqualTo(expected.rngState());
    assertThat(actual.drift())
        .usingRecursiveComparison()
        .ignoringFields("relabel")
        .isEqualTo(expected.drift());
    if (expected.drift() != null && expected.drift().relabel() != null) {
      RelabelState a = actual.drift().relabel();
      RelabelState e = expected.drift().relabel();
      assertThat(a.counts()).isEqualTo(e.counts());
      assertThat(a.errorBefore()).isEqualTo(e.errorBefore());
      assertSameState(a.copy(), e.copy());
    } else if (expected.drift() != null) {
      assertThat(actual.drift().relabel()).isNull();
    }
    assertThat(actual.members()).hasSameSizeAs(expected.members());
    for (int i = 0; i < actual.members().size(); i++) {
      MemberState a = actual.members().get(i);
      MemberState e = expected.members().get(i);
      assertThat(Double.doubleToRawLongBits(a.recentLoss()))
          .as("member %d recent loss", i)
          .isEqualTo(Double.doubleToRawLongBits(e.recentLoss()));
      assertThat(a.bornAt()).as("member %d born at", i).isEqualTo(e.bornAt());
      assertSameState(a.model(), e.model());
    }
  }

  @Test
  void openSpec_isAPopulation_fixedOptimizer_isASingleLearner() {
    assertThat(spec("{'inputs': 4, 'classes': 3}").learner())
        .isEqualTo(ModelSpec.Learner.POPULATION);
    assertThat(spec("{'inputs': 4, 'classes': 3, 'optimizer': 'adam'}").learner())
        .isEqualTo(ModelSpec.Learner.SINGLE);
    assertThat(spec("{'inputs': 4, 'classes': 3, 'learner': 'single'}").learner())
        .isEqualTo(ModelSpec.Learner.SINGLE);
    ModelSpec explicit =
        spec("{'inputs': 4, 'classes': 3, 'learner': 'population', 'optimizer': 'adam'}");
    assertThat(explicit.learner()).isEqualTo(ModelSpec.Learner.POPULATION);
    assertThat(SpecJson.parse(SpecJson.write(explicit))).isEqualTo(explicit);
    ModelSpec single = spec("{'inputs': 4, 'classes': 3, 'learner': 'single'}");
    assertThat(SpecJson.write(single)).doesNotContain("learner");
    assertThat(SpecJson.parse(SpecJson.write(single))).isEqualTo(single);
  }

  @Test
  void members_areTheGrid_andTheSpecsOwnMemberIsTheSingleLearnerBitForBit() {
    Datasets.Dataset wine = Datasets.load("wine");
    ModelSpec spec = spec(WINE);
    PopulationLearner population = PopulationLearner.create(spec, PopulationPlan.standard());
    // wine's 178 examples are all in the standard plan's warm-up, at mini-batch 1
    assertThat(PopulationPlan.standard().warmupExamples()).isGreaterThan(wine.rows());
    OnlineLearner single =
        OnlineLearner.create(
            PopulationPlan.variant(
                spec,
                spec.hidden(),
                spec.optimizer().learningRate(),
                1,
                ModelSpec.InputTransform.NONE));

    List<Standing> start = population.standings();
    assertThat(start)
        .extracting(Standing::learningRate)
        .containsExactly(
            0.001, 0.003, 0.01, 0.001, 0.003, 0.01, 0.001, 0.003, 0.01, 0.01, 0.01 * 3, 0.01 * 10);
    assertThat(start)
        .extracting(Standing::hidden)
        .containsExactly(
            List.of(16),
            List.of(16),
            List.of(16),
            List.of(32),
            List.of(32),
            List.of(32),
            List.of(16),
            List.of(16),
            List.of(16),
            List.of(),
            List.of(),
            List.of());
    ModelSpec.InputTransform none = ModelSpec.InputTransform.NONE;
    ModelSpec.InputTransform symlog = ModelSpec.InputTransform.SYMLOG;
    assertThat(start)
        .as("the symlog members race at the spec's widths only; the linear ones take none")
        .extracting(Standing::inputTransform)
        .containsExactly(
            none, none, none, none, none, none, symlog, symlog, symlog, none, none, none);
    assertThat(population.leader()).as("the spec's own rate is served first").isEqualTo(2);

    StepResult firstServed = null;
    StepResult firstSingle = null;
    for (int i = 0; i < wine.rows(); i++) {
      float[] label = {wine.labels()[i]};
      StepResult p = population.learn(wine.features()[i], label);
      StepResult s = single.learn(wine.features()[i], label);
      if (firstServed == null && p != null) {
        firstServed = p;
        firstSingle = s;
      }
    }
    assertSameState(population.state().members().get(2).model(), single.state());
    assertThat(firstServed.lossSum()).isEqualTo(firstSingle.lossSum());
  }

  @Test
  void widerWidths_multiplyEveryHiddenLayer() {
    ModelSpec spec = spec("{'inputs': 13, 'classes': 3, 'hidden': [16, 8]}");
    assertThat(FAST.memberSpecs(spec))
        .extracting(ModelSpec::hidden)
        .containsExactly(
            List.of(16, 8),
            List.of(16, 8),
            List.of(16, 8),
            List.of(16, 8),
            List.of(32, 16),
            List.of(32, 16),
            List.of(32, 16),
            List.of(32, 16),
            List.of(16, 8),
            List.of(16, 8),
            List.of(16, 8),
            List.of(16, 8));
    assertThat(FAST.memberSpecs(spec))
        .allSatisfy(m -> assertThat(m.learner()).isEqualTo(ModelSpec.Learner.SINGLE));
  }

  @Test
  void inputTransforms_autoRacesNoneAndSymlog_aFixedOneOrNoNumericInputOnlyItself() {
    ModelSpec open = spec("{'inputs': 13, 'classes': 3, 'hidden': [16]}");
    assertThat(open.inputTransform()).isEqualTo(ModelSpec.InputTransform.AUTO);
    assertThat(FAST.memberSpecs(open))
        .extracting(ModelSpec::inputTransform)
        .containsOnly(ModelSpec.InputTransform.NONE, ModelSpec.InputTransform.SYMLOG);
    ModelSpec fixed = spec("{'inputs': 13, 'classes': 3, 'input_transform': 'symlog'}");
    assertThat(FAST.memberSpecs(fixed))
        .hasSize(8)
        .extracting(ModelSpec::inputTransform)
        .containsOnly(ModelSpec.InputTransform.SYMLOG);
    ModelSpec categorical =
        spec(
            "{'features': [{'name': 'country', 'kind': 'categorical'},"
                + " {'name': 'device', 'kind': 'categorical'}], 'classes': 2}");
    assertThat(FAST.memberSpecs(categorical))
        .as("symlog changes nothing without a numeric input")
        .hasSize(8)
        .extracting(ModelSpec::inputTransform)
        .containsOnly(ModelSpec.InputTransform.NONE);
  }

  @Test
  void servedResult_isThePreviousLeadersStep_andTheLeaderHasTheLowestRecentLoss() {
    Datasets.Dataset letter = Datasets.load("letter");
    PopulationLearner population =
        PopulationLearner.create(spec("{'inputs': 16, 'classes': 26, 'hidden': [16]}"), FAST);
    for (int i = 0; i < 4000; i++) {
      int before = population.leader();
      List<Standing> standings = population.standings();
      StepResult served = population.learn(letter.features()[i], new float[] {letter.labels()[i]});
      if (served != null) {
        assertThat(served.learningRate())
            .as("the served step is the previous leader's")
            .isEqualTo(standings.get(before).learningRate());
      }
    }
    double lead = population.standings().get(population.leader()).recentLoss();
    assertThat(population.standings())
        .allSatisfy(s -> assertThat(s.recentLoss()).isGreaterThanOrEqualTo(lead));
    assertThat(population.replacements()).as("laggards replaced").isPositive();
    assertThat(population.switches()).isPositive();
  }

  @Test
  void replacement_isACopyOfTheLeaderAtAPerturbedRate() {
    Datasets.Dataset letter = Datasets.load("letter");
    PopulationLearner population =
        PopulationLearner.create(spec("{'inputs': 16, 'classes': 26, 'hidden': [16]}"), FAST);
    feed(population, letter, 0, RUNG - 8);
    PopulationState before = population.state();
    feed(population, letter, RUNG - 8, RUNG); // completes the first rung
    PopulationState after = population.state();

    assertThat(after.replacements()).isPositive();
    for (int i = 0; i < after.members().size(); i++) {
      MemberState m = after.members().get(i);
      if (m.bornAt() == RUNG) {
        double leaderRate = after.leaderState().learningRate();
        assertThat(m.learningRate()).isIn(leaderRate * 2, leaderRate / 2, 0.0001, 0.1);
        assertThat(m.model().spec().hidden())
            .isEqualTo(after.leaderState().model().spec().hidden());
        assertThat(m.recentLoss()).isEqualTo(after.leaderState().recentLoss());
        assertThat(m.model().layers().get(0).dense().weight())
            .isEqualTo(after.leaderState().model().layers().get(0).dense().weight());
      } else {
        assertThat(m.bornAt()).isZero();
        assertThat(m.learningRate()).isEqualTo(before.members().get(i).learningRate());
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {WINE, DIABETES})
  void sameSpecAndOrder_twoPopulations_identicalBits(String json) {
    Datasets.Dataset data = Datasets.load(json.contains("regression") ? "diabetes" : "wine");
    PopulationLearner first = PopulationLearner.create(spec(json), FAST);
    PopulationLearner second = PopulationLearner.create(spec(json), FAST);
    feed(first, data, 0, data.rows());
    feed(second, data, 0, data.rows());
    assertSamePopulation(first.state(), second.state());
    assertThat(first.replacements()).isPositive();
  }

  @ParameterizedTest
  @ValueSource(strings = {WINE, DIABETES})
  void resumeMidBatchAndMidRung_identicalToUninterrupted(String json) {
    Datasets.Dataset data = Datasets.load(json.contains("regression") ? "diabetes" : "wine");
    PopulationLearner uninterrupted = PopulationLearner.create(spec(json), FAST);
    feed(uninterrupted, data, 0, data.rows());

    PopulationLearner before = PopulationLearner.create(spec(json), FAST);
    int cut = 123; // after one rung's replacements, inside the next rung and mini-batch
    feed(before, data, 0, cut);
    PopulationState saved = before.state();
    assertThat(saved.replacements()).isPositive();
    feed(before, data, cut, cut + 5); // must not leak into the saved copy
    PopulationLearner resumed = PopulationLearner.restore(saved);
    feed(resumed, data, cut, data.rows());

    assertSamePopulation(resumed.state(), uninterrupted.state());
  }

  @Test
  void warmup_stepsEveryExample_thenAtTheSpecsBatch_fromTheSameWeights() {
    Datasets.Dataset wine = Datasets.load("wine");
    ModelSpec spec = spec(WINE); // batch 8
    PopulationLearner population = PopulationLearner.create(spec, WARM);
    assertThat(population.state().members())
        .allSatisfy(m -> assertThat(m.model().spec().batchSize()).isEqualTo(1));

    int served = 0;
    for (int i = 0; i < WARMUP; i++) {
      if (population.learn(wine.features()[i], new float[] {wine.labels()[i]}) != null) {
        served++;
      }
    }
    assertThat(served).as("a step per example in the warm-up").isEqualTo(WARMUP);
    PopulationState warm = population.state();
    assertThat(warm.members())
        .allSatisfy(m -> assertThat(m.model().spec().batchSize()).isEqualTo(8));
    assertThat(population.standings()).allSatisfy(st -> assertThat(st.steps()).isEqualTo(WARMUP));

    feed(population, wine, WARMUP, WARMUP + 16);
    assertThat(population.standings())
        .allSatisfy(st -> assertThat(st.steps()).isEqualTo(WARMUP + 2));
    // The member of factors (1, 1) went on from its own weights: a single learner at mini-batch 1
    // for the warm-up has the same first-layer weights at its end.
    OnlineLearner single =
        OnlineLearner.create(
            PopulationPlan.variant(
                spec,
                spec.hidden(),
                spec.optimizer().learningRate(),
                1,
                ModelSpec.InputTransform.NONE));
    for (int i = 0; i < WARMUP; i++) {
      single.learn(wine.features()[i], new float[] {wine.labels()[i]});
    }
    assertSameState(
        warm.members().get(2).model(),
        new io.streamprop.learn.state.ModelState(
            warm.members().get(2).model().spec(),
            single.state().counters(),
            single.state().layers(),
            single.state().inputNormalizer(),
            single.state().targetNormalizer(),
            single.state().training(),
            single.state().carried(),
            single.state().embeddings()));
  }

  @ParameterizedTest
  @ValueSource(ints = {WARMUP - 3, WARMUP, WARMUP + 5})
  void resumeAroundTheEndOfTheWarmup_identicalToUninterrupted(int cut) {
    Datasets.Dataset wine = Datasets.load("wine");
    PopulationLearner uninterrupted = PopulationLearner.create(spec(WINE), WARM);
    feed(uninterrupted, wine, 0, wine.rows());
    PopulationLearner before = PopulationLearner.create(spec(WINE), WARM);
    feed(before, wine, 0, cut);
    PopulationLearner resumed = PopulationLearner.restore(before.state());
    feed(resumed, wine, cut, wine.rows());

    assertSamePopulation(resumed.state(), uninterrupted.state());
    assertThat(uninterrupted.replacements()).isPositive();
  }

  @Test
  void cost_isDenseWeightsOverTheSpecs() {
    ModelSpec spec = spec(WINE); // 13 -> 16 -> 3: 256 weights
    List<ModelSpec> members = race(4).memberSpecs(spec);
    assertThat(PopulationPlan.cost(members.get(0), spec)).isEqualTo(1.0);
    assertThat(PopulationPlan.cost(members.get(4), spec)).isEqualTo(2.0); // 13 -> 32 -> 3: 512
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4, 5})
  void warmupsEnd_keepsTheLeadersWidth_bestFirst_asManyAsTheBudgetHolds(int budget) {
    Datasets.Dataset wine = Datasets.load("wine");
    // The same race with every member kept: its state at the warm-up's end says who should stay.
    PopulationLearner all = PopulationLearner.create(spec(WINE), WARM);
    PopulationLearner halved = PopulationLearner.create(spec(WINE), race(budget));
    feed(all, wine, 0, WARMUP - 1);
    feed(halved, wine, 0, WARMUP - 1);
    assertThat(halved.size()).as("the whole race runs in the warm-up").isEqualTo(12);
    feed(all, wine, WARMUP - 1, WARMUP);
    feed(halved, wine, WARMUP - 1, WARMUP);

    PopulationState race = all.state();
    MemberState lead = race.leaderState();
    double cost = PopulationPlan.cost(lead.model().spec(), spec(WINE));
    int k = (int) Math.max(1, Math.floor(budget / cost));
    List<Integer> sameWidth =
        java.util.stream.IntStream.range(0, race.members().size())
            .filter(
                i ->
                    race.members()
                        .get(i)
                        .model()
                        .spec()
                        .hidden()
                        .equals(lead.model().spec().hidden()))
            .filter(
                i ->
                    race.members().get(i).model().spec().inputTransform()
                        == lead.model().spec().inputTransform())
            .boxed()
            .sorted(
                java.util.Comparator.comparingDouble(
                    (Integer i) -> i == race.leader() ? -1 : race.members().get(i).recentLoss()))
            .limit(k)
            .sorted()
            .toList();
    PopulationState kept = halved.state();
    assertThat(kept.members()).hasSize(sameWidth.size());
    assertThat(sameWidth.size()).isLessThanOrEqualTo(Math.max(1, budget));
    for (int j = 0; j < sameWidth.size(); j++) {
      MemberState expected = race.members().get(sameWidth.get(j));
      MemberState actual = kept.members().get(j);
      assertThat(actual.recentLoss()).isEqualTo(expected.recentLoss());
      assertThat(actual.bornAt()).isEqualTo(expected.bornAt());
      assertThat(actual.model().spec().batchSize()).isEqualTo(8);
      assertSameState(actual.model(), expected.model());
    }
    assertSameState(kept.leaderState().model(), lead.model());
    // It runs on: the rungs replace within the kept members, at their one width.
    feed(halved, wine, WARMUP, wine.rows());
    assertThat(halved.size()).isEqualTo(sameWidth.size());
    assertThat(halved.standings())
        .allSatisfy(st -> assertThat(st.hidden()).isEqualTo(lead.model().spec().hidden()))
        .allSatisfy(
            st -> assertThat(st.inputTransform()).isEqualTo(lead.model().spec().inputTransform()));
  }

  @ParameterizedTest
  @ValueSource(ints = {WARMUP - 1, WARMUP, WARMUP + 5})
  void resumeAroundTheWarmupsHalving_identicalToUninterrupted(int cut) {
    Datasets.Dataset wine = Datasets.load("wine");
    PopulationLearner uninterrupted = PopulationLearner.create(spec(WINE), race(3));
    feed(uninterrupted, wine, 0, wine.rows());
    PopulationLearner before = PopulationLearner.create(spec(WINE), race(3));
    feed(before, wine, 0, cut);
    PopulationLearner resumed = PopulationLearner.restore(before.state());
    feed(resumed, wine, cut, wine.rows());

    assertSamePopulation(resumed.state(), uninterrupted.state());
    assertThat(uninterrupted.size()).isLessThan(8);
    PopulationLearner twin = PopulationLearner.create(spec(WINE), race(3));
    feed(twin, wine, 0, wine.rows());
    assertSamePopulation(twin.state(), uninterrupted.state());
  }

  @Test
  void badExample_isRefused_andChangesNothing() {
    PopulationLearner population = PopulationLearner.create(spec(WINE), FAST);
    Datasets.Dataset wine = Datasets.load("wine");
    feed(population, wine, 0, 13);
    PopulationState before = population.state();

    assertThatThrownBy(() -> population.learn(new float[12], new float[] {0}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> population.learn(wine.features()[13], new float[] {7}))
        .isInstanceOf(IllegalArgumentException.class);

    assertSamePopulation(population.state(), before);
  }

  @Test
  void servedModel_isTheLeadersState_withItsReason() {
    PopulationLearner population = PopulationLearner.create(spec(WINE), FAST);
    feed(population, Datasets.load("wine"), 0, 100);
    ServedModel served = population.served();

    assertThat(served.member()).isEqualTo(population.leader());
    assertSameState(served.model(), population.state().leaderState().model());
    assertThat(served.reason())
        .startsWith("member " + population.leader() + " (lr ")
        .contains("recent loss")
        .contains("next best");
  }

  /** Digits with every label shifted (k → k + 1 mod 10) from example {@code at} on. */
  private static void feedShifted(PopulationLearner population, int from, int to, int at) {
    Datasets.Dataset digits = Datasets.load("digits");
    for (int i = from; i < to; i++) {
      float y = i >= at ? (digits.labels()[i] + 1) % 10 : digits.labels()[i];
      population.learn(digits.features()[i], new float[] {y});
    }
  }

  private static final String DIGITS = "{'inputs': 64, 'classes': 10, 'hidden': [32]}";

  @Test
  void unchangedStream_noAlarm_labelsShifted_oneAlarmSoonAfter() {
    PopulationLearner steady = PopulationLearner.create(spec(DIGITS), FAST, DriftPlan.standard());
    feedShifted(steady, 0, 1797, Integer.MAX_VALUE);
    assertThat(steady.alarms()).isZero();

    PopulationLearner shifted = PopulationLearner.create(spec(DIGITS), FAST, DriftPlan.standard());
    feedShifted(shifted, 0, 900, 900);
    assertThat(shifted.alarms()).isZero();
    feedShifted(shifted, 900, 1000, 900);
    assertThat(shifted.alarms()).isEqualTo(1);
    assertThat(shifted.state().drift().alarmAt()).isBetween(900L, 1000L);
  }

  @Test
  void alarm_restartsTheOthers_freshReadOutAndFromScratch_atMiniBatch1_thenTheSpecsBatch() {
    DriftPlan s = DriftPlan.standard();
    DriftPlan drift =
        new DriftPlan(
            s.blockExamples(),
            s.tolerance(),
            s.threshold(),
            s.forgetting(),
            s.minBlocks(),
            200,
            s.relearnWindowExamples(),
            0);
    PopulationLearner population = PopulationLearner.create(spec(DIGITS), FAST, drift);
    int at = 900;
    int i = 896;
    feedShifted(population, 0, i, at);
    PopulationState before = null;
    while (population.alarms() == 0) {
      before = population.state();
      feedShifted(population, i, i + 1, at);
      i++;
    }
    PopulationState after = population.state();
    int leader = before.leader();
    assertThat(after.leader()).isEqualTo(leader);
    assertThat(after.drift().alarmAt()).isEqualTo(i);
    int readOuts = 0;
    int scratch = 0;
    for (int m = 0; m < after.members().size(); m++) {
      MemberState member = after.members().get(m);
      assertThat(member.recentLoss()).as("member %d recent loss", m).isNaN();
      assertThat(member.model().spec().batchSize()).as("member %d batch", m).isEqualTo(1);
      if (m == leader) {
        assertThat(member.bornAt()).isEqualTo(before.members().get(m).bornAt());
        continue;
      }
      assertThat(member.bornAt()).isEqualTo(i);
      assertThat(member.learningRate()).isEqualTo(spec(DIGITS).optimizer().learningRate());
      assertThat(member.model().training().optimizer().steps()).isZero();
      var lead = population.state().members().get(leader).model();
      var hidden = member.model().layers().get(0).dense().weight();
      var leadOutput = lead.layers().get(1).dense().weight();
      var output = member.model().layers().get(1).dense().weight();
      if (java.util.Arrays.equals(hidden, lead.layers().get(0).dense().weight())) {
        assertThat(output).isNotEqualTo(leadOutput);
        readOuts++;
      } else {
        scratch++;
      }
    }
    assertThat(readOuts).isEqualTo((after.members().size()) / 2);
    assertThat(scratch).isEqualTo((after.members().size() - 1) / 2);

    feedShifted(population, i, i + 199, at);
    assertThat(population.state().members().get(leader).model().spec().batchSize()).isEqualTo(1);
    feedShifted(population, i + 199, i + 200, at); // the relearning ends
    assertThat(population.state().members())
        .allSatisfy(m -> assertThat(m.model().spec().batchSize()).isEqualTo(8));
  }

  @Test
  void acrossAnAlarm_sameInput_identicalBits_andResumedFromState_identicalToUninterrupted() {
    PopulationLearner a = PopulationLearner.create(spec(DIGITS), FAST, DriftPlan.standard());
    PopulationLearner b = PopulationLearner.create(spec(DIGITS), FAST, DriftPlan.standard());
    feedShifted(a, 0, 950, 900);
    feedShifted(b, 0, 950, 900);
    assertThat(a.alarms()).isEqualTo(1); // mid-relearning
    PopulationLearner resumed = PopulationLearner.restore(b.state());
    feedShifted(a, 950, 1797, 900);
    feedShifted(resumed, 950, 1797, 900);
    assertSamePopulation(resumed.state(), a.state());
  }
}
