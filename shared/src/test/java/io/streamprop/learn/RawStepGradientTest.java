package io.streamprop.learn;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamprop.features.FeatureRow;
import io.streamprop.learn.state.ModelState;
import io.streamprop.nn.GradientChecker;
import io.streamprop.spec.ModelSpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A whole learner step on raw features against central differences: missing-aware standardization,
 * the embedding bags' means in their columns, a tanh network, softmax cross-entropy, backward into
 * ∂loss/∂input and from there into the tables.
 *
 * <p>The analytic gradient is read off the step itself: with plain SGD at learning rate 1 (no
 * clipping, no decay) a step moves every parameter by exactly −g (one rounding of w − g), so {@code
 * before − after} is the step's gradient. The objective is the step's own prequential loss of the
 * same mini-batch from a restored state whose parameter is moved by ±ε: the mean loss under the
 * weights before the update, which is the loss the gradient belongs to.
 */
class RawStepGradientTest {

  @Test
  void wholeRawStep_gradientsOfTablesAndNetwork_matchCentralDifferences() {
    ModelSpec spec =
        RawExamples.spec(
            "'classes': 3, 'hidden': [5], 'activation': 'tanh', 'batch_size': 4, 'clip_norm': 0,"
                + " 'optimizer': {'name': 'sgd', 'learning_rate': 1.0}");
    List<FeatureRow> rows = RawExamples.rows(spec, 12, 23);
    float[][] labels = RawExamples.labels(12, 3, 23);
    OnlineLearner warm = OnlineLearner.create(spec);
    RawExamples.learn(warm, rows, labels, 0, 8); // two steps: weights away from the start
    ModelState before = warm.state();
    assertThat(rows.subList(8, 12).stream().filter(r -> Float.isNaN(r.dense()[0]))).isNotEmpty();

    OnlineLearner stepped = OnlineLearner.restore(before);
    StepResult step = RawExamples.learn(stepped, rows, labels, 8, 12);
    assertThat(step.skipped()).isFalse();
    ModelState after = stepped.state();

    GradientChecker checker = GradientChecker.standard();
    List<float[]> beforeArrays = parameters(before);
    List<float[]> afterArrays = parameters(after);
    int checked = 0;
    for (int p = 0; p < beforeArrays.size(); p++) {
      float[] param = beforeArrays.get(p);
      float[] analytic = new float[param.length];
      for (int i = 0; i < param.length; i++) {
        analytic[i] = (float) ((double) param[i] - afterArrays.get(p)[i]); // g = w - (w - g)
        checked += analytic[i] != 0 ? 1 : 0;
      }
      checker.check(
          name(p, before),
          param,
          analytic,
          () -> {
            OnlineLearner probe = OnlineLearner.restore(before);
            return RawExamples.learn(probe, rows, labels, 8, 12).lossSum() / 4;
          });
    }
    assertThat(checked).isGreaterThan(50);
  }

  /** The live arrays of the state's parameters: every dense weight and bias, then every table. */
  private static List<float[]> parameters(ModelState state) {
    List<float[]> arrays = new ArrayList<>();
    state.layers().forEach(l -> arrays.add(l.dense().weight()));
    state.layers().forEach(l -> arrays.add(l.dense().bias()));
    state.embeddings().forEach(e -> arrays.add(e.weight()));
    return arrays;
  }

  private static String name(int p, ModelState state) {
    int layers = state.layers().size();
    if (p < layers) {
      return "dense." + p + ".weight";
    }
    if (p < 2 * layers) {
      return "dense." + (p - layers) + ".bias";
    }
    return "embedding." + (p - 2 * layers) + ".weight";
  }
}
