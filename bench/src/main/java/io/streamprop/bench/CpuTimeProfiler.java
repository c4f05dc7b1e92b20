package io.streamprop.bench;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * A JMH profiler that reports operations per CPU-second of the benchmark's JVM: measured operations
 * divided by the process CPU time (every thread: the benchmark's, the JIT compiler's, the garbage
 * collector's) spent during the iteration. Use it with {@code -prof
 * io.streamprop.bench.CpuTimeProfiler}.
 *
 * <p>Why: on a machine shared with other work, wall-clock throughput falls with the load, while CPU
 * time counts only the cycles this JVM was given. It is still not load-proof (caches and memory
 * bandwidth are shared), but two sides compared in CPU time are far less at the mercy of the
 * neighbours. {@code bench/engine_pytorch.py} reports the same measure for PyTorch.
 */
public final class CpuTimeProfiler implements InternalProfiler {
  private final OperatingSystemMXBean os =
      (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private long cpuNanosBefore;

  @Override
  public String getDescription() {
    return "operations per CPU-second of the benchmark JVM (process CPU time)";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
    cpuNanosBefore = os.getProcessCpuTime();
  }

  @Override
  public Collection<? extends Result> afterIteration(
      BenchmarkParams benchmarkParams, IterationParams iterationParams, IterationResult result) {
    long cpuNanos = os.getProcessCpuTime() - cpuNanosBefore;
    // Measured operations: invocations × @OperationsPerInvocation, i.e. examples.
    long ops = result.getMetadata().getMeasuredOps();
    double perCpuSecond = cpuNanos > 0 ? ops / (cpuNanos / 1e9) : Double.NaN;
    return List.of(
        new ScalarResult(
            "cpu.ops_per_cpu_second", perCpuSecond, "ops/cpu-s", AggregationPolicy.AVG));
  }
}
