package io.streamprop.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamprop.learn.OnlineLearner;
import io.streamprop.learn.state.ClassCounts;
import io.streamprop.learn.state.ModelState;
import io.streamprop.learn.state.PendingBatch;
import io.streamprop.learn.state.TrainingState;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import org.junit.jupiter.api.Test;

/**
 * The snapshot arrays of weights and class weights: {@code pending.weights} (only when a pending
 * example's weight is not 1) and {@code class.counts} (exactly with balanced class weights),
 * written, read back and checked.
 */
class LabelStateRulesTest {
  private static final ModelSpec BALANCED =
      SpecJson.parse(
          "{\"inputs\": 2, \"classes\": 3, \"batch_size\": 4, \"class_weight\": \"balanced\"}");
  private static final ModelSpec PLAIN =
      SpecJson.parse("{\"inputs\": 2, \"classes\": 3, \"batch_size\": 4}");

  private static OnlineLearner trained(ModelSpec spec, float... weights) {
    OnlineLearner learner = OnlineLearner.create(spec);
    for (int i = 0; i < weights.length; i++) {
      learner.learn(new float[] {i, -i}, new float[] {i % 3 == 2 ? 2 : 0}, weights[i]);
    }
    return learner;
  }

  private static ModelState withTraining(ModelState s, PendingBatch pending, ClassCounts counts) {
    TrainingState t = s.training();
    return new ModelState(
        s.spec(),
        s.counters(),
        s.layers(),
        s.inputNormalizer(),
        s.targetNormalizer(),
        new TrainingState(t.optimizer(), pending, t.rngState(), t.prequentialLoss(), counts),
        s.carried());
  }

  @Test
  void weightsOfOne_noNewArrays() {
    ModelState state = trained(PLAIN, 1, 1, 1, 1, 1, 1).state();
    var arrays = StateCodec.toArrays(state);

    assertThat(arrays.floats()).doesNotContainKey("pending.weights");
    assertThat(arrays.doubles()).doesNotContainKey("class.counts");
  }

  @Test
  void pendingWeightsAndClassCounts_writtenAndReadBack() {
    ModelState state = trained(BALANCED, 1, 1, 1, 1, 0.5f, 1, 0).state();
    var arrays = StateCodec.toArrays(state);
    assertThat(arrays.floats().get("pending.weights")).containsExactly(0.5f, 1f, 0f);
    assertThat(arrays.doubles().get("class.counts")).containsExactly(5, 0, 2);

    ModelState decoded = SnapshotCodec.decode(SnapshotCodec.encode(state));
    assertThat(decoded.training().pending().weights()).containsExactly(0.5f, 1f, 0f);
    assertThat(decoded.training().classCounts().counts()).containsExactly(5, 0, 2);
    assertThat(decoded.carried().isEmpty()).isTrue();
  }

  @Test
  void classCounts_withoutBalancedSpec_refused() {
    ModelState state = trained(PLAIN, 1, 1).state();
    ModelState bad =
        withTraining(state, state.training().pending(), new ClassCounts(new double[] {1, 1, 0}));

    assertThatThrownBy(() -> SnapshotCodec.encode(bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("class.counts: class counts need a spec with \"class_weight\"");
  }

  @Test
  void balancedSpec_withoutClassCounts_refused() {
    ModelState state = trained(BALANCED, 1, 1).state();
    ModelState bad = withTraining(state, state.training().pending(), null);

    assertThatThrownBy(() -> SnapshotCodec.encode(bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("array class.counts is missing");
  }

  @Test
  void classCounts_notWholeOrNegativeOrWrongLength_refused() {
    ModelState state = trained(BALANCED, 1, 1).state();
    for (double[] counts : new double[][] {{1, 0.5, 0}, {1, -1, 0}, {1, 1}}) {
      ModelState bad = withTraining(state, state.training().pending(), new ClassCounts(counts));
      assertThatThrownBy(() -> SnapshotCodec.encode(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("class.counts");
    }
  }

  @Test
  void pendingWeights_wrongCountOrNegative_refused() {
    ModelState state = trained(PLAIN, 1, 0.5f).state();
    PendingBatch p = state.training().pending();
    PendingBatch tooMany = new PendingBatch(p.rows(), p.features(), p.labels(), new float[3]);
    PendingBatch negative =
        new PendingBatch(p.rows(), p.features(), p.labels(), new float[] {1, -2});

    assertThatThrownBy(() -> SnapshotCodec.encode(withTraining(state, tooMany, null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pending.weights holds 3 weights");
    assertThatThrownBy(() -> SnapshotCodec.encode(withTraining(state, negative, null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pending.weights[1] is -2.0");
  }
}
