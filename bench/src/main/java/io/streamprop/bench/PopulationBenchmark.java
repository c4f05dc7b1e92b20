package io.streamprop.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamprop.features.FeatureRow;
import io.streamprop.features.FeaturizedBatch;
import io.streamprop.features.Featurizer;
import io.streamprop.learn.OnlineLearner;
import io.streamprop.learn.StepResult;
import io.streamprop.learn.population.PopulationLearner;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of the default model: a {@link PopulationLearner} of an open spec (the spec leaves the
 * optimizer to streamprop) against one {@link OnlineLearner} of the same spec ({@code learner:
 * single}), examples per second on one thread, in the same run. Every example goes to every member,
 * so a population of the standard plan's 4 members should cost about 4 single steps, plus its
 * scores, selection and replacements.
 *
 * <p>Two open specs ({@link #spec}): {@code letter}, 16 numeric inputs and 26 classes like the
 * letter stream, and {@code raw}, the 20-field raw event of {@link RawEventBenchmark} (featurized
 * in the set-up, so only learning is timed). Both take the defaults: one hidden layer of 64,
 * mini-batch 8, standardization on.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class PopulationBenchmark {
  static final int EXAMPLES = 4096;
  static final int EXAMPLES_PER_INVOCATION = 256;

  /** {@code letter} (16 inputs, 26 classes) or {@code raw} (the 20-field raw event). */
  @Param({"letter", "raw"})
  public String spec;

  OnlineLearner single;
  PopulationLearner population;
  float[][] features; // letter: the inputs; raw: the dense part
  int[][][] ids; // raw: the bucket ids per embedded field; letter: null
  private float[][] labels;
  private int next;

  /** The open spec of that name: the defaults everywhere, no optimizer. */
  static ModelSpec spec(String name) {
    return switch (name) {
      case "letter" -> SpecJson.parse("{\"inputs\": 16, \"classes\": 26}");
      case "raw" -> RawEventBenchmark.spec();
      default -> throw new IllegalArgumentException("spec must be letter or raw, got " + name);
    };
  }

  @Setup
  public void setUp() {
    ModelSpec open = spec(spec);
    if (open.learner() != ModelSpec.Learner.POPULATION) {
      throw new IllegalStateException("the benchmark's spec is not open: " + SpecJson.write(open));
    }
    population = PopulationLearner.create(open);
    single = OnlineLearner.create(open.withLearner(ModelSpec.Learner.SINGLE));
    SplittableRandom random = new SplittableRandom(7);
    features = new float[EXAMPLES][];
    labels = new float[EXAMPLES][];
    if (open.features() == null) {
      for (int i = 0; i < EXAMPLES; i++) {
        float[] x = new float[open.inputs()];
        for (int j = 0; j < x.length; j++) {
          x[j] = (float) random.nextGaussian();
        }
        features[i] = x;
        labels[i] = new float[] {random.nextInt(open.outputs())};
      }
    } else {
      Featurizer featurizer = new Featurizer(open.features());
      FeaturizedBatch batch = featurizer.newBatch(EXAMPLES);
      for (int i = 0; i < EXAMPLES; i++) {
        JsonNode event = RawEventBenchmark.event(random);
        featurizer.add(event, batch);
        labels[i] = new float[] {random.nextInt(3)};
      }
      ids = new int[EXAMPLES][][];
      for (int i = 0; i < EXAMPLES; i++) {
        FeatureRow row = FeatureRow.of(batch, i);
        features[i] = row.dense();
        ids[i] = row.ids();
      }
    }
    next = 0;
  }

  /**
   * The population learns the next 256 examples, as the trainer gives them.
   *
   * @return the served member's loss summed over the steps taken, so that no result is dead code
   */
  @Benchmark
  @OperationsPerInvocation(EXAMPLES_PER_INVOCATION)
  public double population() {
    double lossSum = 0;
    for (int i = 0; i < EXAMPLES_PER_INVOCATION; i++) {
      StepResult step =
          ids == null
              ? population.learn(features[next], labels[next], 1f)
              : population.learn(features[next], ids[next], labels[next], 1f);
      if (step != null) {
        lossSum += step.lossSum();
      }
      next = (next + 1) % EXAMPLES;
    }
    return lossSum;
  }

  /** One learner of the same spec learns the next 256 examples: the baseline. */
  @Benchmark
  @OperationsPerInvocation(EXAMPLES_PER_INVOCATION)
  public double single() {
    double lossSum = 0;
    for (int i = 0; i < EXAMPLES_PER_INVOCATION; i++) {
      StepResult step =
          ids == null
              ? single.learn(features[next], labels[next], 1f)
              : single.learn(features[next], ids[next], labels[next], 1f);
      if (step != null) {
        lossSum += step.lossSum();
      }
      next = (next + 1) % EXAMPLES;
    }
    return lossSum;
  }
}
