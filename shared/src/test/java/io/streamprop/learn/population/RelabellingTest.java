package io.streamprop.learn.population;

import static io.streamprop.learn.population.PopulationLearnerTest.assertSamePopulation;
import static io.streamprop.learn.population.PopulationLearnerTest.spec;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamprop.features.FeatureRow;
import io.streamprop.features.FeaturizedBatch;
import io.streamprop.features.Featurizer;
import io.streamprop.learn.Datasets;
import io.streamprop.learn.OnlineLearner;
import io.streamprop.learn.Predictor;
import io.streamprop.learn.RawKernelPathsTest;
import io.streamprop.learn.StepResult;
import io.streamprop.learn.state.DenseState;
import io.streamprop.spec.ModelSpec;
import io.streamprop.wire.SnapshotCodec;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RelabellingTest {
  private static final Datasets.Dataset LETTER = Datasets.load("letter");
  private static final String SPEC = "{'inputs': 16, 'classes': 26}";
  private static final int CHANGE = 10_000;

  /** Weights (in = 2, out = 3), row-major: unit j's column is w[j], w[3 + j]. */
  @Test
  void reorder_takesEachUnitsColumnAndBiasFromItsSource() {
    DenseState out = new DenseState(new float[] {1, 2, 3, 4, 5, 6}, new float[] {7, 8, 9});
    DenseState reordered =
        Relabelling.reorder(out, new int[] {2, 0, 0}, spec("{'inputs': 2, 'classes': 3}"));

    assertThat(reordered.weight()).containsExactly(3, 1, 1, 6, 4, 4);
    assertThat(reordered.bias()).containsExactly(9, 7, 7);
    assertThat(out.weight()).containsExactly(1, 2, 3, 4, 5, 6); // the copy is not written
  }

  @Test
  void reorder_binaryCrossEntropy_swapNegatesTheUnit_elseKeepsIt() {
    var bce = spec("{'inputs': 2, 'classes': 2, 'loss': 'binary_cross_entropy'}");
    DenseState out = new DenseState(new float[] {1, -2}, new float[] {3});

    DenseState swapped = Relabelling.reorder(out, new int[] {1, 0}, bce);
    DenseState kept = Relabelling.reorder(out, new int[] {0, 0}, bce);

    assertThat(swapped.weight()).containsExactly(-1, 2);
    assertThat(swapped.bias()).containsExactly(-3);
    assertThat(kept.weight()).containsExactly(1, -2);
    assertThat(kept.bias()).containsExactly(3);
  }

  @Test
  void sources_mostFrequentAnswer_lowestOnTies_unseenLabelKeepsItsUnit() {
    var spec = spec("{'inputs': 2, 'classes': 3, 'learner': 'single'}");
    var copy = OnlineLearner.create(spec).state();
    long[] counts = {
      0, 5, 1, // label 0: answered 1 most
      2, 0, 2, // label 1: tie between 0 and 2 -> 0
      0, 0, 0 // label 2: never seen
    };
    Relabelling r = new Relabelling(new RelabelState(copy, counts, 0.1), 2);

    assertThat(r.state().sources()).containsExactly(1, 0, 2);
    assertThat(r.state().reorderedError()).isEqualTo(1 - 7 / 10.0);
    assertThat(r.complete()).isTrue(); // 10 counted, 2 per class × 3 classes needed
  }

  @Test
  void rawEvents_theCopyCountsFeaturizedRows_asItPredictsThem() {
    ModelSpec spec =
        RawKernelPathsTest.spec(8, 16, 1, ", \"learner\": \"single\", \"optimizer\": \"adam\"");
    OnlineLearner learner = OnlineLearner.create(spec);
    Featurizer featurizer = new Featurizer(spec.features());
    FeaturizedBatch batch = featurizer.newBatch(1);
    SplittableRandom random = new SplittableRandom(7);
    FeatureRow[] rows = new FeatureRow[40];
    for (int i = 0; i < rows.length; i++) {
      batch.clear();
      featurizer.add(RawKernelPathsTest.event(random), batch);
      rows[i] = FeatureRow.of(batch, 0);
      learner.learn(rows[i].dense(), rows[i].ids(), new float[] {i % 3}, 1f);
    }
    Relabelling r = Relabelling.start(learner, 0.5, 2);
    Predictor copy = Predictor.of(learner.state());
    for (int i = 0; i < 6; i++) {
      r.count(rows[i].dense(), rows[i].ids(), new float[] {(i + 1) % 3});
    }

    assertThat(r.complete()).isTrue();
    long[] expected = new long[9];
    for (int i = 0; i < 6; i++) {
      float[] p = copy.predict(new FeatureRow[] {rows[i]});
      int answer = p[1] > p[0] ? (p[2] > p[1] ? 2 : 1) : (p[2] > p[0] ? 2 : 0);
      expected[((i + 1) % 3) * 3 + answer]++;
    }
    assertThat(r.state().counts()).containsExactly(expected);
  }

  /**
   * Letter (20,000 examples, 26 classes), with every label shifted (k → k + 1 mod 26) from {@link
   * #CHANGE} on; returns the prequential accuracy of the steps in [from, to).
   */
  private static double feedShifted(PopulationLearner p, int from, int to) {
    long correct = 0;
    long scored = 0;
    for (int i = from; i < to; i++) {
      float y = i >= CHANGE ? (LETTER.labels()[i] + 1) % 26 : LETTER.labels()[i];
      StepResult step = p.learn(LETTER.features()[i], new float[] {y});
      if (step != null) {
        correct += step.correct();
        scored += step.examples();
      }
    }
    return correct / (double) scored;
  }

  /** Letter with its 16 input columns reversed from {@link #CHANGE} on. */
  private static void feedReversed(PopulationLearner p, int from, int to) {
    for (int i = from; i < to; i++) {
      float[] x = LETTER.features()[i].clone();
      if (i >= CHANGE) {
        for (int j = 0; j < x.length; j++) {
          x[j] = LETTER.features()[i][x.length - 1 - j];
        }
      }
      p.learn(x, new float[] {LETTER.labels()[i]});
    }
  }

  /** The default population of {@link #SPEC}, its drift plan without relabelling. */
  private static PopulationLearner withoutRelabelling() {
    return PopulationLearner.create(
        spec(SPEC), PopulationPlan.standard(), DriftPlan.standard().withRelabelPerClass(0));
  }

  private static byte[][] members(PopulationLearner p) {
    return p.state().members().stream()
        .map(m -> SnapshotCodec.encode(m.model(), 0))
        .toArray(byte[][]::new);
  }

  @Test
  void labelsShifted_theReorderedCopyJoins_andTheStreamIsAnsweredBetterAfterTheChange() {
    PopulationLearner relabelling = PopulationLearner.create(spec(SPEC));
    PopulationLearner without = withoutRelabelling();
    feedShifted(relabelling, 0, CHANGE);
    feedShifted(without, 0, CHANGE);
    assertThat(Arrays.deepEquals(members(relabelling), members(without))).isTrue();

    double withAccuracy = feedShifted(relabelling, CHANGE, CHANGE + 2_000);
    double withoutAccuracy = feedShifted(without, CHANGE, CHANGE + 2_000);

    assertThat(relabelling.alarms()).isEqualTo(1);
    assertThat(without.alarms()).isEqualTo(1);
    assertThat(relabelling.state().drift().relabel()).as("counted and joined").isNull();
    assertThat(Arrays.deepEquals(members(relabelling), members(without))).isFalse();
    assertThat(withAccuracy).isGreaterThan(withoutAccuracy + 0.05);
  }

  @Test
  void inputsChanged_noReorderingUndoesIt_soNoMemberIsReplaced() {
    PopulationLearner relabelling = PopulationLearner.create(spec(SPEC));
    PopulationLearner without = withoutRelabelling();
    feedReversed(relabelling, 0, CHANGE + 2_000);
    feedReversed(without, 0, CHANGE + 2_000);

    assertThat(relabelling.alarms()).isEqualTo(1);
    assertThat(relabelling.state().drift().relabel()).as("counted and given up").isNull();
    assertThat(Arrays.deepEquals(members(relabelling), members(without))).isTrue();
    assertThat(relabelling.replacements()).isEqualTo(without.replacements());
  }

  @Test
  void relabelling_trueWhileTheCopyCounts_andItsJoinCountsAsAReplacement() {
    PopulationLearner p = PopulationLearner.create(spec(SPEC));
    feedShifted(p, 0, CHANGE);
    assertThat(p.relabelling()).isFalse();
    feedShifted(p, CHANGE, CHANGE + 100); // the alarm came 40 examples after the change
    assertThat(p.relabelling()).isTrue();
    long before = p.replacements();
    int next = CHANGE + 100;
    while (p.relabelling() && next < CHANGE + 1_000) {
      feedShifted(p, next, next + 1);
      next++;
    }

    assertThat(p.relabelling()).isFalse();
    assertThat(p.replacements()).as("no rung ends before 12,000").isEqualTo(before + 1);
  }

  @Test
  void specUpdatedMidCount_theJoinedMemberTakesTheUpdatedSpec() {
    PopulationLearner p = PopulationLearner.create(spec(SPEC));
    feedShifted(p, 0, CHANGE + 100);
    assertThat(p.state().drift().relabel()).as("counting").isNotNull();
    p = p.withSpec(spec("{'inputs': 16, 'classes': 26, 'clip_norm': 1.5}"));
    feedShifted(p, CHANGE + 100, CHANGE + 400);

    assertThat(p.state().drift().relabel()).as("joined").isNull();
    assertThat(p.state().members())
        .allSatisfy(m -> assertThat(m.model().spec().clipNorm()).isEqualTo(1.5));
  }

  @Test
  void resumedMidCount_identicalToUninterrupted() {
    PopulationLearner a = PopulationLearner.create(spec(SPEC));
    feedShifted(a, 0, CHANGE + 100); // the alarm came 40 examples after the change
    assertThat(a.state().drift().relabel()).as("counting").isNotNull();
    PopulationLearner resumed = PopulationLearner.restore(a.state());
    feedShifted(a, CHANGE + 100, CHANGE + 1_000);
    feedShifted(resumed, CHANGE + 100, CHANGE + 1_000);
    assertSamePopulation(resumed.state(), a.state());
  }
}
