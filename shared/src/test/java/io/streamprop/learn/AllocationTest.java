package io.streamprop.learn;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamprop.features.FeaturizedBatch;
import io.streamprop.features.Featurizer;
import io.streamprop.learn.population.PopulationLearner;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import io.streamprop.testing.ThreadAllocations;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A training step in the steady state allocates nothing but the StepResult it returns. Runs in a
 * JVM of its own ({@code shared/pom.xml}; docs/engine.md, "Vector kernels and the JIT compiler").
 */
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
    OnlineLearner learner = OnlineLearner.create(SpecJson.parse(json.replace('\'', '"')));
    boolean classes = learner.spec().task() == ModelSpec.Task.CLASSIFICATION;
    float[][] features = features();
    float[][] labels = new float[64][1];
    for (int i = 0; i < 64; i++) {
      labels[i][0] = classes ? i % 3 : 100f * i;
    }
    // mini-batches of 8: bytes per step
    long perStep = steadyStateBytes(1000, 16_000, 8, e -> learner.learn(features[e], labels[e]));
    assertThat(perStep).isLessThanOrEqualTo(MAX_BYTES_PER_STEP);
  }

  /**
   * A raw-features step (missing-aware standardization, two embedding tables forward and backward,
   * touched-row clipping, the lazy Adam step) allocates only its result too, learning straight from
   * a featurized batch's arrays.
   */
  @Test
  void steadyStateRawFeatureSteps_allocateOnlyTheirResult() {
    ModelSpec spec =
        RawExamples.spec("'classes': 3, 'hidden': [32, 16], 'batch_size': 8, 'clip_norm': 0.1");
    OnlineLearner learner = OnlineLearner.create(spec);
    Featurizer featurizer = new Featurizer(spec.features());
    FeaturizedBatch batch = featurizer.newBatch(64);
    SplittableRandom random = new SplittableRandom(3);
    float[][] labels = RawExamples.labels(64, 3, 3);
    for (int i = 0; i < 64; i++) {
      featurizer.add(RawExamples.event(random), batch);
    }
    long perStep = steadyStateBytes(1000, 16_000, 8, e -> learner.learn(batch, e, labels[e], 1f));
    assertThat(perStep).isLessThanOrEqualTo(MAX_BYTES_PER_STEP);
  }

  /**
   * A population's steady-state step (its members' steps, their scoring, the weight average's fold
   * and prediction) allocates only its results: about 110 bytes per example. Before the average's
   * network packed its prediction panels into the panels it already had, every fold allocated new
   * ones, about 1,370 bytes per example.
   */
  @Test
  void steadyStatePopulationSteps_allocateOnlyTheirResults() {
    PopulationLearner population =
        PopulationLearner.create(SpecJson.parse("{\"inputs\": 10, \"classes\": 3}"));
    float[][] features = features();
    float[][] labels = new float[64][1];
    for (int i = 0; i < 64; i++) {
      labels[i][0] = i % 3;
    }
    long perExample =
        steadyStateBytes(200, 20_000, 1, e -> population.learn(features[e], labels[e]));
    assertThat(perExample).isLessThanOrEqualTo(MAX_BYTES_PER_STEP);
  }

  /** 64 rows of 10 features. */
  private static float[][] features() {
    float[][] features = new float[64][10];
    for (int i = 0; i < 64; i++) {
      for (int j = 0; j < 10; j++) {
        features[i][j] = (float) Math.sin(i * 10 + j);
      }
    }
    return features;
  }

  /**
   * The bytes this thread allocates per {@code perUnit} calls of {@code learn} (given the example's
   * row, 0 to 63, in turn) in the steady state. The JIT must compile and escape-analyse the step
   * first (the vector kernels allocate an object per vector operation until C2 has compiled them),
   * and a loaded machine compiles late: rounds of {@code examples} calls run until one allocates at
   * most {@link #MAX_BYTES_PER_STEP} per unit, at most {@code maxRounds} of them; the last round's
   * figure is returned. A step that allocates by design never gets there. Skips the test where the
   * JVM cannot count a thread's allocations.
   */
  private static long steadyStateBytes(
      int maxRounds, int examples, int perUnit, IntConsumer learn) {
    com.sun.management.ThreadMXBean mx = ThreadAllocations.counter();
    long perUnitBytes = Long.MAX_VALUE;
    int example = 0;
    for (int round = 0; round < maxRounds && perUnitBytes > MAX_BYTES_PER_STEP; round++) {
      long before = mx.getCurrentThreadAllocatedBytes();
      for (int i = 0; i < examples; i++, example++) {
        learn.accept(example & 63);
      }
      perUnitBytes = (mx.getCurrentThreadAllocatedBytes() - before) / (examples / perUnit);
    }
    return perUnitBytes;
  }
}
