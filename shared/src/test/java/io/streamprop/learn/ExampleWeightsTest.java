package io.streamprop.learn;

import static io.streamprop.learn.state.SameState.assertSameState;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamprop.learn.state.LayerState;
import io.streamprop.learn.state.ModelState;
import io.streamprop.nn.LossFunction;
import io.streamprop.nn.Mlp;
import io.streamprop.nn.SplitMix64;
import io.streamprop.nn.optim.Optimizer;
import io.streamprop.nn.optim.Optimizers;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import io.streamprop.wire.SnapshotCodec;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Example weights and class weights in the learner: weight 1 and class weights of 1 are the
 * unweighted model bit for bit, weight 0 is exactly "this example's row of ∂loss/∂logits is zero",
 * and balanced class weights keep their class counts through a snapshot.
 */
class ExampleWeightsTest {
  /** Weights of every kind, a 0 in most mini-batches of 4 or 5. */
  private static final float[] WEIGHTS = {1, 0.5f, 0, 2, 1, 3, 0, 1, 0.25f, 1, 0, 1.5f, 1};

  static ModelSpec spec(String json) {
    return SpecJson.parse(json.replace('\'', '"'));
  }

  private static void feed(OnlineLearner learner, Datasets.Dataset data, int from, int to) {
    for (int i = from; i < to; i++) {
      learner.learn(data.features()[i], new float[] {data.labels()[i]}, WEIGHTS[i % 13]);
    }
  }

  @Test
  void weightOne_isTheUnweightedModel_bitForBit() {
    ModelSpec spec = spec("{'inputs': 13, 'classes': 3, 'batch_size': 8}");
    Datasets.Dataset wine = Datasets.load("wine");
    OnlineLearner unweighted = OnlineLearner.create(spec);
    OnlineLearner weightOne = OnlineLearner.create(spec);
    for (int i = 0; i < wine.rows(); i++) {
      unweighted.learn(wine.features()[i], new float[] {wine.labels()[i]});
      weightOne.learn(wine.features()[i], new float[] {wine.labels()[i]}, 1f);
    }
    assertSameState(weightOne.state(), unweighted.state());
  }

  @Test
  void classWeightsAllOne_isTheUnweightedModel_bitForBit() {
    ModelSpec plain = spec("{'inputs': 13, 'classes': 3, 'batch_size': 8}");
    ModelSpec ones = spec("{'inputs': 13, 'classes': 3, 'batch_size': 8, 'class_weight': [1,1,1]}");
    Datasets.Dataset wine = Datasets.load("wine");
    OnlineLearner a = OnlineLearner.create(plain);
    OnlineLearner b = OnlineLearner.create(ones);
    for (int i = 0; i < wine.rows(); i++) {
      a.learn(wine.features()[i], new float[] {wine.labels()[i]});
      b.learn(wine.features()[i], new float[] {wine.labels()[i]});
    }
    assertSameState(b.state().withSpec(plain), a.state());
  }

  /**
   * The definition of weight 0, checked bit for bit: a reference loop of the learner's step
   * (forward, loss, backward, optimizer; no clipping, no standardization, constant rate) in which
   * the weight-0 examples' rows of ∂loss/∂logits are set to zero by hand gives the very weights and
   * optimizer moments of the learner given those examples with weight 0.
   */
  @Test
  void weightZero_equalsTheUnweightedStepWithItsDLogitsRowZeroed_bitForBit() {
    ModelSpec spec =
        spec(
            "{'inputs': 13, 'classes': 3, 'hidden': [8], 'batch_size': 5, 'standardize': false,"
                + " 'clip_norm': 0}");
    Datasets.Dataset wine = Datasets.load("wine");
    int b = spec.batchSize();
    int inputs = spec.inputs();
    int steps = wine.rows() / b;
    float[] weights = new float[steps * b];
    for (int i = 0; i < weights.length; i++) {
      weights[i] = i % 3 == 1 ? 0f : 1f;
    }
    OnlineLearner learner = OnlineLearner.create(spec);
    for (int i = 0; i < weights.length; i++) {
      learner.learn(wine.features()[i], new float[] {wine.labels()[i]}, weights[i]);
    }

    SplitMix64 rng = new SplitMix64(spec.seed());
    Mlp mlp = new Mlp(spec, b);
    mlp.initialize(rng);
    float[][] params = mlp.parameters();
    int[] sizes = new int[params.length];
    for (int i = 0; i < params.length; i++) {
      sizes[i] = params[i].length;
    }
    Optimizer optimizer = Optimizers.create(spec.optimizer(), sizes);
    LossFunction loss = LossFunction.of(spec);
    int width = mlp.outputWidth();
    float[] x = new float[b * inputs];
    float[] labels = new float[b];
    float[] dLogits = new float[b * width];
    for (int step = 0; step < steps; step++) {
      for (int r = 0; r < b; r++) {
        System.arraycopy(wine.features()[step * b + r], 0, x, r * inputs, inputs);
        labels[r] = wine.labels()[step * b + r];
      }
      float[] logits = mlp.forward(x, b, true, rng);
      loss.forward(logits, labels, b, dLogits);
      for (int r = 0; r < b; r++) {
        if (weights[step * b + r] == 0f) {
          java.util.Arrays.fill(dLogits, r * width, (r + 1) * width, 0f);
        }
      }
      mlp.backward(dLogits, b);
      optimizer.step(
          mlp.parameters(), mlp.gradients(), mlp.decay(), (float) spec.optimizer().learningRate());
    }

    ModelState state = learner.state();
    List<LayerState> expected = NetworkStates.export(mlp);
    assertThat(learner.steps()).isEqualTo(steps);
    for (int l = 0; l < expected.size(); l++) {
      assertThat(bits(state.layers().get(l).dense().weight()))
          .as("dense." + l + ".weight")
          .isEqualTo(bits(expected.get(l).dense().weight()));
      assertThat(bits(state.layers().get(l).dense().bias()))
          .as("dense." + l + ".bias")
          .isEqualTo(bits(expected.get(l).dense().bias()));
    }
    float[][][] moments = state.training().optimizer().moments();
    float[][][] expectedMoments = optimizer.state().moments();
    for (int p = 0; p < moments.length; p++) {
      for (int s = 0; s < moments[p].length; s++) {
        assertThat(bits(moments[p][s]))
            .as("optim " + p + "." + s)
            .isEqualTo(bits(expectedMoments[p][s]));
      }
    }
  }

  /**
   * A weight-0 example whose logits overflow adds nothing, not a NaN (0·∞): the step is taken, and
   * the weights are those of the same batch with that example's features and label replaced by
   * anything else. Its features are ±3e38 with the signs of class 0's initial weights, so its
   * class-0 logit is +∞; with weight 1 the same batch is skipped as not finite, which the test
   * checks first.
   */
  @Test
  void weightZero_infiniteLogits_addNoNaN_sameModelAsAnyOtherValues() {
    ModelSpec spec =
        spec(
            "{'inputs': 8, 'classes': 3, 'hidden': [], 'batch_size': 4, 'standardize': false,"
                + " 'optimizer': 'sgd'}");
    float[] w0 = OnlineLearner.create(spec).state().layers().get(0).dense().weight(); // (8, 3)
    float[] huge = new float[8];
    for (int j = 0; j < 8; j++) {
      huge[j] = Math.copySign(3e38f, w0[j * 3]);
    }
    float[][] x = new float[4][8];
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 8; j++) {
        x[i][j] = (float) Math.sin(i * 8 + j);
      }
    }
    x[2] = huge;
    float[] y = {0, 2, 1, 1};

    OnlineLearner weightOne = OnlineLearner.create(spec);
    OnlineLearner overflowing = OnlineLearner.create(spec);
    OnlineLearner tame = OnlineLearner.create(spec);
    StepResult unweighted = null;
    StepResult step = null;
    for (int i = 0; i < 4; i++) {
      float w = i == 2 ? 0f : 1f;
      unweighted = weightOne.learn(x[i], new float[] {y[i]}, 1f);
      step = overflowing.learn(x[i], new float[] {y[i]}, w);
      tame.learn(i == 2 ? new float[8] : x[i], new float[] {i == 2 ? 0 : y[i]}, w);
    }
    assertThat(unweighted.skipped())
        .as("precondition: with weight 1 the step is not finite")
        .isTrue();
    assertThat(step.skipped()).isFalse();
    ModelState a = overflowing.state();
    ModelState b = tame.state();
    assertThat(bits(a.layers().get(0).dense().weight()))
        .isEqualTo(bits(b.layers().get(0).dense().weight()));
    assertThat(bits(a.layers().get(0).dense().bias()))
        .isEqualTo(bits(b.layers().get(0).dense().bias()));
    assertThat(bits(a.layers().get(0).dense().weight()))
        .as("and the step did move the weights")
        .isNotEqualTo(bits(w0));
  }

  @Test
  void balanced_snapshotMidBatch_resumesBitIdentical_countsAreTheLabels() {
    ModelSpec spec =
        spec("{'inputs': 13, 'classes': 3, 'batch_size': 5, 'class_weight': 'balanced'}");
    Datasets.Dataset wine = Datasets.load("wine");
    OnlineLearner uninterrupted = OnlineLearner.create(spec);
    feed(uninterrupted, wine, 0, wine.rows());

    OnlineLearner before = OnlineLearner.create(spec);
    int cut = 82; // two pending examples, weights 0 and 2 (not all 1: pending.weights is kept)
    feed(before, wine, 0, cut);
    ModelState snapshot = SnapshotCodec.decode(SnapshotCodec.encode(before.state()));
    assertThat(snapshot.training().pending().weights()).containsExactly(0f, 2f);
    OnlineLearner resumed = OnlineLearner.restore(snapshot);
    feed(resumed, wine, cut, wine.rows());
    assertSameState(resumed.state(), uninterrupted.state());

    double[] counts = new double[3];
    for (int i = 0; i < wine.rows(); i++) {
      counts[(int) wine.labels()[i]]++;
    }
    assertThat(uninterrupted.state().training().classCounts().counts()).containsExactly(counts);
  }

  @Test
  void balancedClassWeight_isScikitLearnsOnTheLabelsPlusOneOfEachClass() {
    LossWeights weights =
        new LossWeights(spec("{'inputs': 2, 'classes': 3, 'class_weight': 'balanced'}"));
    assertThat(weights.classWeight(0)).as("before any example").isEqualTo(1.0);
    for (int c : new int[] {0, 0, 0, 0, 0, 0, 1, 0}) {
      weights.observe(new float[] {c});
    }
    // compute_class_weight('balanced', classes=[0,1,2], y=[0]*7 + [1]*1 + [0, 1, 2]):
    // 11 / (3 * [8, 2, 1]) = [0.458333.., 1.833333.., 3.666666..]
    assertThat(weights.classWeight(0)).isEqualTo(11.0 / 24);
    assertThat(weights.classWeight(1)).isEqualTo(11.0 / 6);
    assertThat(weights.classWeight(2)).isEqualTo(11.0 / 3);
  }

  @Test
  void badWeight_refused_modelUnchanged() {
    ModelSpec spec = spec("{'inputs': 2, 'classes': 2, 'batch_size': 1}");
    OnlineLearner learner = OnlineLearner.create(spec);
    ModelState before = learner.state();
    for (float w : new float[] {-1f, Float.NaN, Float.POSITIVE_INFINITY}) {
      assertThatThrownBy(() -> learner.learn(new float[] {1, 2}, new float[] {1}, w))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("weight")
          .hasMessageContaining(Float.toString(w));
    }
    assertSameState(learner.state(), before);
  }

  private static int[] bits(float[] values) {
    int[] out = new int[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = Float.floatToRawIntBits(values[i]);
    }
    return out;
  }
}
