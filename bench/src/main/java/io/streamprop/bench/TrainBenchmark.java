package io.streamprop.bench;

import io.streamprop.learn.OnlineLearner;
import io.streamprop.learn.StepResult;
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
 * Training throughput in examples per second: {@link OnlineLearner#learn} called once per example,
 * exactly as the trainer calls it, over a pre-generated random dataset. Every full mini-batch runs
 * one step (forward, softmax cross-entropy, backward, Adam), so an invocation of 256 examples holds
 * 256 / batch whole steps and the score is examples per second at any batch size.
 *
 * <p>Standardization is off (PyTorch's side has none); see {@link EngineShape#specJson}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class TrainBenchmark {

  @Param({"S", "M", "L"})
  public EngineShape shape;

  @Param({"1", "32", "256"})
  public int batch;

  private OnlineLearner learner;
  private RandomDataset data;
  private int next;

  @Setup
  public void setUp() {
    learner = OnlineLearner.create(shape.spec(batch));
    data = new RandomDataset(shape, 7);
    next = 0;
  }

  /**
   * Learns the next 256 examples of the dataset.
   *
   * @return the loss summed over the steps taken, so that no result is dead code
   */
  @Benchmark
  @OperationsPerInvocation(RandomDataset.EXAMPLES_PER_INVOCATION)
  public double learn() {
    double lossSum = 0;
    for (int i = 0; i < RandomDataset.EXAMPLES_PER_INVOCATION; i++) {
      StepResult step = learner.learn(data.features[next], data.labels[next]);
      if (step != null) {
        lossSum += step.lossSum();
      }
      next = (next + 1) % RandomDataset.SIZE;
    }
    return lossSum;
  }
}
