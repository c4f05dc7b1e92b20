package io.streamprop.learn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamprop.learn.state.ModelState;
import io.streamprop.nn.Mlp;
import io.streamprop.nn.Softmax;
import io.streamprop.nn.SplitMix64;
import io.streamprop.nn.kernel.Kernels;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PredictorTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{'inputs': 13, 'classes': 3, 'batch_size': 8}",
        "{'inputs': 13, 'classes': 3, 'batch_size': 8, 'batch_norm': true, 'dropout': 0.3}"
      })
  void predict_equalsLearnersInferenceForward(String json) {
    Datasets.Dataset wine = Datasets.load("wine");
    OnlineLearner learner = OnlineLearner.create(OnlineLearnerTest.spec(json));
    for (int i = 0; i < 64; i++) {
      learner.learn(wine.features()[i], new float[] {wine.labels()[i]});
    }
    // The learner's own network in inference mode, on inputs standardized by its normalizer.
    ModelState state = learner.state();
    Normalizer normalizer = new Normalizer(state.inputNormalizer(), 13);
    float[] raw = new float[8 * 13];
    for (int r = 0; r < 8; r++) {
      System.arraycopy(wine.features()[100 + r], 0, raw, r * 13, 13);
    }
    float[] standardized = new float[raw.length];
    normalizer.apply(raw, standardized, 8);
    Mlp mlp = learner.mlp();
    float[] expected = mlp.forward(standardized, 8, false, new SplitMix64(0)).clone();
    Softmax.forward(expected, expected, 8, 3);

    float[] probabilities = learner.predictor().predict(raw, 8);

    if (Kernels.fusedInference()) {
      // the hidden layer's sums round once per term instead of twice (Kernels.fusedInference)
      assertThat(probabilities).containsExactly(expected, within(1e-6f));
    } else {
      assertThat(probabilities).containsExactly(expected);
    }
    for (int r = 0; r < 8; r++) {
      assertThat(probabilities[3 * r] + probabilities[3 * r + 1] + probabilities[3 * r + 2])
          .isCloseTo(1f, within(1e-6f));
    }
  }

  @Test
  void predict_neverChangesState() {
    Datasets.Dataset wine = Datasets.load("wine");
    OnlineLearner learner =
        OnlineLearner.create(
            OnlineLearnerTest.spec("{'inputs': 13, 'classes': 3, 'batch_norm': true}"));
    for (int i = 0; i < 40; i++) {
      learner.learn(wine.features()[i], new float[] {wine.labels()[i]});
    }
    ModelState before = learner.state();
    Predictor predictor = Predictor.of(before);
    float[] first = predictor.predict(wine.features()[0], 1);
    for (int i = 0; i < 50; i++) {
      predictor.predict(wine.features()[i], 1);
    }
    assertThat(predictor.predict(wine.features()[0], 1)).containsExactly(first);
    OnlineLearnerTest.assertSameState(before, learner.state());
  }

  // 10 classes: a wide output layer; 7: narrow (Dense's four-row dot-product kernel); the
  // labels of the 7-class model are the digits modulo 7.
  @ParameterizedTest
  @ValueSource(ints = {10, 7})
  void predict_batchesOfChangingSize_sameAnswersAsOneRowAtATime(int classes) {
    Datasets.Dataset digits = Datasets.load("digits");
    OnlineLearner learner =
        OnlineLearner.create(
            OnlineLearnerTest.spec(
                "{'inputs': 64, 'classes': " + classes + ", 'hidden': [32, 16]}"));
    for (int i = 0; i < 320; i++) {
      learner.learn(digits.features()[i], new float[] {digits.labels()[i] % classes});
    }
    Predictor predictor = learner.predictor();
    float[][] single = new float[37][];
    for (int i = 0; i < 37; i++) {
      single[i] = predictor.predict(digits.features()[i], 1);
    }
    // Large, then small, then odd sizes: the reused per-thread buffers must not leak old rows,
    // and the four-row blocks and their remainders must agree with one row at a time.
    for (int rows : new int[] {37, 5, 1, 9, 37, 3}) {
      float[] batch = new float[rows * 64];
      for (int r = 0; r < rows; r++) {
        System.arraycopy(digits.features()[r], 0, batch, r * 64, 64);
      }
      float[] out = predictor.predict(batch, rows);
      assertThat(out).as("rows=%d", rows).hasSize(rows * classes);
      for (int r = 0; r < rows; r++) {
        assertThat(java.util.Arrays.copyOfRange(out, r * classes, r * classes + classes))
            .as("rows=%d row %d", rows, r)
            .containsExactly(single[r]);
      }
    }
  }

  @Test
  void predict_fromManyThreads_sameAnswers() throws Exception {
    Datasets.Dataset digits = Datasets.load("digits");
    OnlineLearner learner =
        OnlineLearner.create(OnlineLearnerTest.spec("{'inputs': 64, 'classes': 10}"));
    for (int i = 0; i < 320; i++) {
      learner.learn(digits.features()[i], new float[] {digits.labels()[i]});
    }
    Predictor predictor = learner.predictor();
    float[][] expected = new float[200][];
    for (int i = 0; i < 200; i++) {
      expected[i] = predictor.predict(digits.features()[i], 1);
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        results.add(
            pool.submit(
                () -> {
                  for (int round = 0; round < 5; round++) {
                    for (int i = 0; i < 200; i++) {
                      if (!java.util.Arrays.equals(
                          predictor.predict(digits.features()[i], 1), expected[i])) {
                        return false;
                      }
                    }
                  }
                  return true;
                }));
      }
      for (Future<Boolean> result : results) {
        assertThat(result.get()).isTrue();
      }
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void binaryCrossEntropy_predictsTwoProbabilities() {
    Datasets.Dataset cancer = Datasets.load("breast_cancer");
    OnlineLearner learner =
        OnlineLearner.create(
            OnlineLearnerTest.spec("{'inputs': 30, 'classes': 2, 'loss': 'binary_cross_entropy'}"));
    for (int i = 0; i < 200; i++) {
      learner.learn(cancer.features()[i], new float[] {cancer.labels()[i]});
    }
    float[] p = learner.predictor().predict(cancer.features()[300], 1);
    assertThat(p).hasSize(2);
    assertThat(p[0] + p[1]).isCloseTo(1f, within(1e-6f));
  }
}
