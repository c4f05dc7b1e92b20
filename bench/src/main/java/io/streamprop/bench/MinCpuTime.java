package io.streamprop.bench;

import io.streamprop.learn.OnlineLearner;
import io.streamprop.learn.StepResult;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * Training cost in CPU time of the training thread, for comparing two builds on a shared machine:
 * trains the benchmark's model exactly as {@link TrainBenchmark} does, after a 4 s warm-up times
 * blocks of 2,048 examples with {@link ThreadMXBean#getCurrentThreadCpuTime()}, and prints the
 * minimum, 10th percentile and median nanoseconds per example. Interference from other processes
 * only ever adds time, so the minimum is the stable figure; run two jars back to back, alternating.
 *
 * <pre>
 * java --add-modules=jdk.incubator.vector -Dstreamprop.engine.kernels=vector \
 *     -cp bench/target/benchmarks.jar io.streamprop.bench.MinCpuTime M 32 [blocks]
 * </pre>
 *
 * <p>(Without the two flags it measures the scalar kernels; see {@code
 * io.streamprop.nn.kernel.Kernels}.)
 */
public final class MinCpuTime {
  private static final int BLOCK = 2048;

  private MinCpuTime() {}

  public static void main(String[] args) {
    if (args.length < 2) {
      System.err.println("usage: MinCpuTime SHAPE BATCH [BLOCKS]   (SHAPE: S, M or L)");
      System.exit(2);
    }
    EngineShape shape = EngineShape.valueOf(args[0]);
    int batch = Integer.parseInt(args[1]);
    int blocks = args.length > 2 ? Integer.parseInt(args[2]) : 120;
    OnlineLearner learner = OnlineLearner.create(shape.spec(batch));
    RandomDataset data = new RandomDataset(shape, 7);
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    double lossSum = 0; // consumed below, so that no step is dead code
    int next = 0;
    long warmUpEnd = System.nanoTime() + 4_000_000_000L;
    while (System.nanoTime() < warmUpEnd) {
      StepResult step = learner.learn(data.features[next], data.labels[next]);
      lossSum += step == null ? 0 : step.lossSum();
      next = (next + 1) % RandomDataset.SIZE;
    }
    long[] nanos = new long[blocks];
    for (int b = 0; b < blocks; b++) {
      long start = threads.getCurrentThreadCpuTime();
      for (int i = 0; i < BLOCK; i++) {
        StepResult step = learner.learn(data.features[next], data.labels[next]);
        lossSum += step == null ? 0 : step.lossSum();
        next = (next + 1) % RandomDataset.SIZE;
      }
      nanos[b] = threads.getCurrentThreadCpuTime() - start;
    }
    Arrays.sort(nanos);
    System.out.printf(
        "%s batch %d: CPU ns per example min %.0f, p10 %.0f, median %.0f (loss sum %.3g)%n",
        shape,
        batch,
        nanos[0] / (double) BLOCK,
        nanos[blocks / 10] / (double) BLOCK,
        nanos[blocks / 2] / (double) BLOCK,
        lossSum);
  }
}
