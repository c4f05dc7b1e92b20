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
  /** StepResult (~40 bytes) + LayerStats[3] (~32) + 3 LayerStats (~32 each) ≈ 170 bytes. */
  private static final long MAX_BYTES_PER_STEP = 256;

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
    // The JIT must compile and escape-analyse the step first (the vector kernels allocate an
    // object per vector operation until C2 has compiled them), and a loaded machine compiles
    // late: measure rounds of 2,000 steps until one is in the steady state, a bounded number of
    // times. A step that allocates by design never gets there.
    int steps = 2000;
    long perStep = Long.MAX_VALUE;
    int example = 0;
    for (int round = 0; round < 1000 && perStep > MAX_BYTES_PER_STEP; round++) {
      long before = mx.getCurrentThreadAllocatedBytes();
      for (int i = 0; i < steps * 8; i++, example++) {
        learner.learn(features[example & 63], labels[example & 63]);
      }
      perStep = (mx.getCurrentThreadAllocatedBytes() - before) / steps;
    }
    assertThat(perStep).isLessThanOrEqualTo(MAX_BYTES_PER_STEP);
  }

  /**
   * A raw-features step (missing-aware standardization, two embedding tables forward and backward,
   * touched-row clipping, the lazy Adam step) allocates only its result too, learning straight from
   * a featurized batch's arrays.
   */
  @org.junit.jupiter.api.Test
  void steadyStateRawFeatureSteps_allocateOnlyTheirResult() {
    java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    assumeTrue(
        bean instanceof com.sun.management.ThreadMXBean mx && mx.isThreadAllocatedMemorySupported(),
        "this JVM cannot count allocated bytes per thread");
    com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) bean;
    mx.setThreadAllocatedMemoryEnabled(true);
    ModelSpec spec =
        RawExamples.spec("'classes': 3, 'hidden': [32, 16], 'batch_size': 8, 'clip_norm': 0.1");
    OnlineLearner learner = OnlineLearner.create(spec);
    io.streamprop.features.Featurizer featurizer =
        new io.streamprop.features.Featurizer(spec.features());
    io.streamprop.features.FeaturizedBatch batch = featurizer.newBatch(64);
    java.util.SplittableRandom random = new java.util.SplittableRandom(3);
    float[][] labels = RawExamples.labels(64, 3, 3);
    for (int i = 0; i < 64; i++) {
      featurizer.add(RawExamples.event(random), batch);
    }
    int steps = 2000;
    long perStep = Long.MAX_VALUE;
    int example = 0;
    for (int round = 0; round < 1000 && perStep > MAX_BYTES_PER_STEP; round++) {
      long before = mx.getCurrentThreadAllocatedBytes();
      for (int i = 0; i < steps * 8; i++, example++) {
        learner.learn(batch, example & 63, labels[example & 63], 1f);
      }
      perStep = (mx.getCurrentThreadAllocatedBytes() - before) / steps;
    }
    assertThat(perStep).isLessThanOrEqualTo(MAX_BYTES_PER_STEP);
  }

  /**
   * A population's steady-state step (its members' steps, their scoring, the weight average's fold
   * and prediction) allocates only its results: about 110 bytes per example. Before the average's
   * network packed its prediction panels into the panels it already had, every fold allocated new
   * ones, about 1,370 bytes per example.
   */
  @org.junit.jupiter.api.Test
  void steadyStatePopulationSteps_allocateOnlyTheirResults() {
    java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    assumeTrue(
        bean instanceof com.sun.management.ThreadMXBean mx && mx.isThreadAllocatedMemorySupported(),
        "this JVM cannot count allocated bytes per thread");
    com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) bean;
    mx.setThreadAllocatedMemoryEnabled(true);
    io.streamprop.learn.population.PopulationLearner population =
        io.streamprop.learn.population.PopulationLearner.create(
            SpecJson.parse("{\"inputs\": 10, \"classes\": 3}"));
    float[][] features = new float[64][10];
    float[][] labels = new float[64][1];
    for (int i = 0; i < 64; i++) {
      for (int j = 0; j < 10; j++) {
        features[i][j] = (float) Math.sin(i * 10 + j);
      }
      labels[i][0] = i % 3;
    }
    int examples = 20_000;
    long perExample = Long.MAX_VALUE;
    int example = 0;
    for (int round = 0; round < 200 && perExample > MAX_BYTES_PER_STEP; round++) {
      long before = mx.getCurrentThreadAllocatedBytes();
      for (int i = 0; i < examples; i++, example++) {
        population.learn(features[example & 63], labels[example & 63]);
      }
      perExample = (mx.getCurrentThreadAllocatedBytes() - before) / examples;
    }
    assertThat(perExample).isLessThanOrEqualTo(MAX_BYTES_PER_STEP);
  }
}
