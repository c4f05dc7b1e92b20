package io.streamprop.bench;

import io.streamprop.learn.OnlineLearner;
import io.streamprop.learn.Predictor;
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
 * Inference throughput in examples per second: {@link Predictor#predict} on {@code batch} rows at a
 * time, as the scorer calls it, returning class probabilities (softmax included). An invocation
 * predicts 256 examples in 256 / batch calls, so the score is examples per second at any batch
 * size. The predictor is taken from a freshly initialized model: speed does not depend on the
 * weights' values.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class PredictBenchmark {

  @Param({"S", "M", "L"})
  public EngineShape shape;

  @Param({"1", "32", "256"})
  public int batch;

  private Predictor predictor;
  private float[][] chunks;
  private int next;

  @Setup
  public void setUp() {
    predictor = OnlineLearner.create(shape.spec(batch)).predictor();
    chunks = new RandomDataset(shape, 7).chunks(batch);
    next = 0;
  }

  /**
   * Predicts the next 256 examples of the dataset, {@code batch} rows per call.
   *
   * @return the sum over calls of the first row's probability of class 0, so that no call is dead
   *     code
   */
  @Benchmark
  @OperationsPerInvocation(RandomDataset.EXAMPLES_PER_INVOCATION)
  public double predict() {
    double checksum = 0;
    for (int i = 0; i < RandomDataset.EXAMPLES_PER_INVOCATION / batch; i++) {
      float[] probabilities = predictor.predict(chunks[next], batch); // (batch, classes)
      checksum += probabilities[0];
      next = (next + 1) % chunks.length;
    }
    return checksum;
  }
}
