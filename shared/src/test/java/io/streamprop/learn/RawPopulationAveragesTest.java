package io.streamprop.learn;

import static io.streamprop.learn.state.SameState.assertSameState;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamprop.features.FeatureRow;
import io.streamprop.learn.population.PopulationLearner;
import io.streamprop.learn.population.PopulationPlan;
import io.streamprop.learn.population.PopulationState;
import io.streamprop.spec.ModelSpec;
import io.streamprop.wire.PopulationCodec;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A spec with embedding tables keeps no weight averages, even under a plan that averages: the
 * population learns and serves exactly as without averaging, and its state encodes and resumes.
 */
class RawPopulationAveragesTest {
  private static final int N = 300;

  private static PopulationLearner run(ModelSpec spec, PopulationPlan plan, int to) {
    List<FeatureRow> rows = RawExamples.rows(spec, N, 5);
    float[][] labels = RawExamples.labels(N, 3, 5);
    PopulationLearner population = PopulationLearner.create(spec, plan);
    for (int i = 0; i < to; i++) {
      population.learn(rows.get(i).dense(), rows.get(i).ids(), labels[i], 1f);
    }
    return population;
  }

  @Test
  void tables_noAverages_sameAsThePlanWithout() {
    ModelSpec spec = RawExamples.spec("'classes': 3, 'batch_size': 4, 'hidden': [8]");
    PopulationPlan averaging = PopulationPlan.standard();
    assertThat(averaging.averages()).isTrue();
    PopulationPlan plain =
        new PopulationPlan(
            averaging.rateFactors(),
            averaging.widthFactors(),
            averaging.lossWindowExamples(),
            averaging.rungExamples(),
            averaging.pruneMargin(),
            averaging.perturbation(),
            averaging.minRateFactor(),
            averaging.maxRateFactor(),
            averaging.warmupExamples(),
            averaging.warmupKeep(),
            0,
            averaging.linearRateFactors());

    PopulationLearner with = run(spec, averaging, N);
    PopulationLearner without = run(spec, plain, N);

    assertThat(with.leaderLearner().hasEmbeddingTables()).isTrue();
    assertThat(with.averageServed()).isFalse();
    for (int i = 0; i < with.size(); i++) {
      assertThat(with.state().members().get(i).average()).isNull();
      assertSameState(
          with.state().members().get(i).model(), without.state().members().get(i).model());
    }
    assertSameState(with.served().model(), without.served().model());
  }

  @Test
  void tables_stateWithoutAverages_encodesAndResumesExactly() {
    ModelSpec spec = RawExamples.spec("'classes': 3, 'batch_size': 4, 'hidden': [8]");
    List<FeatureRow> rows = RawExamples.rows(spec, N, 5);
    float[][] labels = RawExamples.labels(N, 3, 5);
    PopulationLearner before = run(spec, PopulationPlan.standard(), N / 2);

    PopulationState decoded = PopulationCodec.decode(PopulationCodec.encode(before.state()));
    PopulationLearner resumed = PopulationLearner.restore(decoded);
    for (int i = N / 2; i < N; i++) {
      resumed.learn(rows.get(i).dense(), rows.get(i).ids(), labels[i], 1f);
    }

    assertThat(PopulationCodec.encode(resumed.state()))
        .isEqualTo(PopulationCodec.encode(run(spec, PopulationPlan.standard(), N).state()));
  }
}
