package io.streamprop.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamprop.features.FeaturizedBatch;
import io.streamprop.features.Featurizer;
import io.streamprop.learn.OnlineLearner;
import io.streamprop.learn.StepResult;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Featurizing and learning raw events, examples per second on one thread: each example is a
 * pre-built JSON object of 20 mixed fields (8 numeric with about one in ten missing, 8 categorical
 * with new values now and then, 2 boolean, 2 token strings of about 10 words), featurized by the
 * {@link Featurizer} into a reusable batch and learned straight from it ({@link
 * OnlineLearner#learn(FeaturizedBatch, int, float[], float)}) by the default spec of those features
 * at mini-batch 8: embeddings of 8 (categorical, 1024 buckets) and 16 (tokens, 4096 buckets), one
 * hidden layer of 64 ReLU units, Adam, clipping at 5, standardization on.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class RawEventBenchmark {
  static final int EVENTS = 4096;
  static final int EXAMPLES_PER_INVOCATION = 256;

  private static final String[] WORDS = {
    "red", "running", "shoes", "for", "men", "blue", "cheap", "leather", "bag", "women", "size",
    "large", "small", "new", "sale", "winter", "summer", "jacket", "hat", "kids", "sport", "black"
  };

  private OnlineLearner learner;
  private Featurizer featurizer;
  private FeaturizedBatch batch;
  private JsonNode[] events;
  private float[][] labels;
  private FeaturizedBatch featurized; // every event featurized once, for learnFeaturized
  private int next;

  /** The spec: 8 numeric, 8 categorical, 2 boolean and 2 tokens fields, defaults elsewhere. */
  static ModelSpec spec() {
    StringBuilder json = new StringBuilder("{\"features\": [");
    for (int i = 0; i < 8; i++) {
      json.append("{\"name\": \"n").append(i).append("\", \"kind\": \"numeric\"}, ");
    }
    for (int i = 0; i < 8; i++) {
      json.append("{\"name\": \"c").append(i).append("\", \"kind\": \"categorical\"}, ");
    }
    json.append("{\"name\": \"b0\", \"kind\": \"boolean\"}, ");
    json.append("{\"name\": \"b1\", \"kind\": \"boolean\"}, ");
    json.append("{\"name\": \"t0\", \"kind\": \"tokens\"}, ");
    json.append("{\"name\": \"t1\", \"kind\": \"tokens\"}], ");
    json.append("\"classes\": 3, \"batch_size\": 8}");
    return SpecJson.parse(json.toString());
  }

  /** A seeded event of the spec's 20 fields. */
  static ObjectNode event(SplittableRandom random) {
    ObjectNode e = JsonNodeFactory.instance.objectNode();
    for (int i = 0; i < 8; i++) {
      if (random.nextInt(10) == 0) {
        e.putNull("n" + i);
      } else {
        e.put("n" + i, random.nextGaussian() * (i + 1) + i);
      }
    }
    for (int i = 0; i < 8; i++) {
      e.put("c" + i, "v" + random.nextInt(10 + 40 * i));
    }
    e.put("b0", random.nextBoolean());
    e.put("b1", random.nextInt(3) == 0);
    for (int t = 0; t < 2; t++) {
      StringBuilder text = new StringBuilder();
      int words = 8 + random.nextInt(5); // about 10
      for (int w = 0; w < words; w++) {
        text.append(WORDS[random.nextInt(WORDS.length)]).append(w % 4 == 3 ? ", " : " ");
      }
      e.put("t" + t, text.toString().trim());
    }
    return e;
  }

  @Setup
  public void setUp() {
    ModelSpec spec = spec();
    learner = OnlineLearner.create(spec);
    featurizer = new Featurizer(spec.features());
    batch = featurizer.newBatch(spec.batchSize());
    SplittableRandom random = new SplittableRandom(7);
    events = new JsonNode[EVENTS];
    labels = new float[EVENTS][];
    for (int i = 0; i < EVENTS; i++) {
      events[i] = event(random);
      labels[i] = new float[] {random.nextInt(3)};
    }
    featurized = featurizer.newBatch(EVENTS);
    for (JsonNode e : events) {
      featurizer.add(e, featurized);
    }
    next = 0;
  }

  /**
   * Featurizes and learns the next 256 events.
   *
   * @return the loss summed over the steps taken, so that no result is dead code
   */
  @Benchmark
  @OperationsPerInvocation(EXAMPLES_PER_INVOCATION)
  public double featurizeAndLearn() {
    double lossSum = 0;
    for (int i = 0; i < EXAMPLES_PER_INVOCATION; i++) {
      if (batch.isFull()) {
        batch.clear();
      }
      featurizer.add(events[next], batch);
      StepResult step = learner.learn(batch, batch.size() - 1, labels[next], 1f);
      if (step != null) {
        lossSum += step.lossSum();
      }
      next = (next + 1) % EVENTS;
    }
    return lossSum;
  }

  /** The featurizing half alone: the next 256 events into the reusable batch. */
  @Benchmark
  @OperationsPerInvocation(EXAMPLES_PER_INVOCATION)
  public int featurize() {
    int ids = 0;
    for (int i = 0; i < EXAMPLES_PER_INVOCATION; i++) {
      if (batch.isFull()) {
        batch.clear();
      }
      featurizer.add(events[next], batch);
      ids += batch.idCount(0);
      next = (next + 1) % EVENTS;
    }
    return ids;
  }

  /** The learning half alone: the next 256 events, featurized in the set-up. */
  @Benchmark
  @OperationsPerInvocation(EXAMPLES_PER_INVOCATION)
  public double learnFeaturized() {
    double lossSum = 0;
    for (int i = 0; i < EXAMPLES_PER_INVOCATION; i++) {
      StepResult step = learner.learn(featurized, next, labels[next], 1f);
      if (step != null) {
        lossSum += step.lossSum();
      }
      next = (next + 1) % EVENTS;
    }
    return lossSum;
  }
}
