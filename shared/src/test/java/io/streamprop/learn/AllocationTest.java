package io.streamprop.learn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A training step in the steady state allocates nothing but the StepResult it returns. */
class AllocationTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{'inputs': 10, 'classes': 3, 'hidden': [32, 16], 'batch_size': 8, 'batch_norm': true,"
            + " 'dropout': 0.1}",
        // Regression with standardized targets: the target statistics and the mapping back too.
        "{'inputs': 10, 'task': 'regression', 'hidden': [32, 16], 'batch_size': 8}"
      })
  void steadyStateSteps_allocateOnlyTheirResult(String json) {
    java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    assumeTrue(
        bean instanceof com.sun.management.ThreadMXBean mx && mx.isThreadAllocatedMemorySupported(),
        "this JVM cannot count allocated bytes per thread");
    com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) bean;
    mx.setThreadAllocatedMemoryEnabled(true);
    OnlineLearner learner = OnlineLearner.create(SpecJson.parse(json.replace('\'', '"')));
    float[][] features = new float[64][10];
    float[][] labels = new float[64][1];
    for (int i = 0; i < 64; i++) {
      for (int j = 0; j < 10; j++) {
        features[i][j] = (float) Math.sin(i * 10 + j);
      }
      labels[i][0] = learner.spec().task() == ModelSpec.Task.CLASSIFICATION ? i % 3 : 100f * i;
    }
    // Warm-up: let the JIT compile and escape-analyse (the vector kernels allocate an object per
    // vector operation until C2 has compiled them). How long that takes depends on what the JVM ran
    // before (tests that trained other shapes leave profiles that C2 recompiles away), so warm up
    // until a round of steps allocates no more than the bound, for at most 100 rounds.
    for (int round = 0; round < 100; round++) {
      long start = mx.getCurrentThreadAllocatedBytes();
      for (int i = 0; i < 8 * 1000; i++) {
        learner.learn(features[i & 63], labels[i & 63]);
      }
      if ((mx.getCurrentThreadAllocatedBytes() - start) / 1000 <= 256 && round >= 9) {
        break;
      }
    }
    int steps = 2000;
    long before = mx.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < steps * 8; i++) {
      learner.learn(features[i & 63], labels[i & 63]);
    }
    long perStep = (mx.getCurrentThreadAllocatedBytes() - before) / steps;
    // StepResult (~40 bytes) + LayerStats[3] (~32) + 3 LayerStats (~32 each) ≈ 170 bytes.
    assertThat(perStep).isLessThanOrEqualTo(256);
  }
}
