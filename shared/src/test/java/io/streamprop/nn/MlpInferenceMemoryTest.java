package io.streamprop.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import java.lang.ref.WeakReference;
import org.junit.jupiter.api.Test;

class MlpInferenceMemoryTest {

  @Test
  void network_droppedAfterPredicting_isGarbageCollected() {
    // The scorer builds a network for every snapshot it swaps in (Predictor.of) and predicts
    // with each on long-lived threads, so a thread must not keep the networks it predicted with.
    // A ThreadLocal per network, whose per-thread buffers pointed back at the network, kept
    // every one a thread had used: 137 KB per snapshot of M, until the scorer's heap ran out.
    WeakReference<Mlp> dropped = predictOnceAndDrop();
    for (int i = 0; i < 50 && dropped.get() != null; i++) {
      System.gc(); // the condition waited on is the reference being cleared
    }
    assertThat(dropped.get())
        .as("a network nobody holds, after predicting on this thread")
        .isNull();
  }

  @Test
  void networksOfDifferentShapes_shareAThreadsBuffers_withTheirOwnResults() {
    // One set of per-thread buffers serves every network: each call must still see only its own
    // layers, whatever a call on another network left in them.
    Mlp wide = network("{'inputs': 6, 'classes': 3, 'hidden': [40, 24]}");
    Mlp narrow = network("{'inputs': 6, 'classes': 5, 'hidden': [9]}");
    float[] x = TestData.uniform(6 * 3, -1, 1, 7);
    float[] wideAlone = wide.predictLogits(x, 3);
    float[] narrowAlone = narrow.predictLogits(x, 3);
    for (int i = 0; i < 3; i++) {
      assertThat(narrow.predictLogits(x, 3)).containsExactly(narrowAlone);
      assertThat(wide.predictLogits(x, 3)).containsExactly(wideAlone);
      assertThat(wide.predictLogits(x, 1)).containsExactly(java.util.Arrays.copyOf(wideAlone, 3));
    }
  }

  @Test
  void forInference_predictsTheSameBits_inAboutTwiceItsWeights() {
    // What the scorer serves (Predictor.of): no gradients, and no mirror of the weight that the
    // kernels in use do not read. A training network, once prepared to predict, holds about three
    // times its weights (the weight, its gradient, the panels or the scalar mirror; the kernels'
    // work arrays are per thread); this one about two (the weight, and the panels or the mirror).
    ModelSpec spec = SpecJson.parse("{\"inputs\": 64, \"classes\": 10, \"hidden\": [128, 64]}");
    Mlp training = new Mlp(spec, 1);
    training.initialize(new SplitMix64(5));
    training.syncWeights();
    Mlp served = Mlp.forInference(spec);
    long weights = 0;
    for (int p = 0; p < training.parameters().length; p++) {
      float[] from = training.parameters()[p];
      System.arraycopy(from, 0, served.parameters()[p], 0, from.length);
      weights += from.length;
    }
    served.syncWeights();

    float[] x = TestData.uniform(64 * 9, -1, 1, 11);
    for (int rows : new int[] {1, 4, 9}) {
      assertThat(served.predictLogits(x, rows))
          .as("%d rows", rows)
          .containsExactly(training.predictLogits(x, rows));
    }
    assertThat(floatsHeld(served)).isLessThan(weights * 21 / 10);
    assertThat(floatsHeld(training)).isGreaterThan(weights * 5 / 2);
    assertThat(served.training()).isFalse();
    assertThatThrownBy(served::gradients)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("only predicts");
    assertThatThrownBy(() -> served.forward(x, 1, true, new SplitMix64(1)))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> served.dense(0).dWeight()).isInstanceOf(IllegalStateException.class);
  }

  private static long floatsHeld(Mlp mlp) {
    long n = 0;
    for (int l = 0; l < mlp.layers(); l++) {
      n += mlp.dense(l).floatsHeld();
    }
    return n;
  }

  private static Mlp network(String json) {
    Mlp mlp = new Mlp(SpecJson.parse(json.replace('\'', '"')), 1);
    mlp.initialize(new SplitMix64(3));
    mlp.syncWeights();
    return mlp;
  }

  private static WeakReference<Mlp> predictOnceAndDrop() {
    Mlp mlp = network("{'inputs': 4, 'classes': 3}");
    mlp.predictLogits(new float[] {1, 2, 3, 4}, 1);
    return new WeakReference<>(mlp);
  }
}
