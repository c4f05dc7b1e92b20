package io.streamprop.nn;

import static org.assertj.core.api.Assertions.assertThat;

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
