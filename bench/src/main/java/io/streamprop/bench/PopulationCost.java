package io.streamprop.bench;

import io.streamprop.learn.OnlineLearner;
import io.streamprop.learn.Predictor;
import io.streamprop.learn.state.ModelState;
import io.streamprop.wire.PopulationCodec;
import io.streamprop.wire.Snapshots;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * The population's cost on a shared machine: {@link PopulationBenchmark}'s two sides, alternately
 * block by block in one thread (blocks of 2,048 examples, timed with {@link
 * ThreadMXBean#getCurrentThreadCpuTime()}), after a 4 s warm-up of each. Interference from other
 * processes only ever adds time, so the minimum per side is the stable figure, and the two sides
 * alternate within milliseconds, so they share whatever the neighbours do. Prints, per spec, the
 * minimum and median CPU nanoseconds per example of each side and the ratio population / single.
 *
 * <p>Then the served side ({@code letter}): the scorer's predictor ({@link Predictor#of}) of the
 * leader that a population snapshot serves ({@link Snapshots#served}, as the scorer's model loader
 * reads it) against the predictor of a single learner of the leader's shape (widths and input
 * transform), alternately, one row per call.
 *
 * <pre>
 * java --add-modules=jdk.incubator.vector -Dstreamprop.engine.kernels=vector \
 *     -cp bench/target/benchmarks.jar io.streamprop.bench.PopulationCost [letter|raw ...] [blocks]
 * </pre>
 */
public final class PopulationCost {
  private static final int INVOCATIONS_PER_BLOCK = 8; // of 256 examples

  private PopulationCost() {}

  public static void main(String[] args) {
    int blocks = 60;
    java.util.List<String> specs = new java.util.ArrayList<>();
    for (String a : args) {
      if (a.chars().allMatch(Character::isDigit)) {
        blocks = Integer.parseInt(a);
      } else {
        specs.add(a);
      }
    }
    if (specs.isEmpty()) {
      specs = java.util.List.of("letter", "raw");
    }
    for (String spec : specs) {
      PopulationBenchmark bench = new PopulationBenchmark();
      bench.spec = spec;
      bench.setUp();
      double sink = 0; // consumed below, so that no step is dead code
      long warmUpEnd = System.nanoTime() + 4_000_000_000L;
      while (System.nanoTime() < warmUpEnd) {
        sink += bench.population() + bench.single();
      }
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      double[] population = new double[blocks];
      double[] single = new double[blocks];
      double examples = INVOCATIONS_PER_BLOCK * PopulationBenchmark.EXAMPLES_PER_INVOCATION;
      for (int b = 0; b < blocks; b++) {
        long start = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < INVOCATIONS_PER_BLOCK; i++) {
          sink += bench.population();
        }
        long middle = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < INVOCATIONS_PER_BLOCK; i++) {
          sink += bench.single();
        }
        long end = threads.getCurrentThreadCpuTime();
        population[b] = (middle - start) / examples;
        single[b] = (end - middle) / examples;
      }
      Arrays.sort(population);
      Arrays.sort(single);
      System.out.printf(
          java.util.Locale.ROOT,
          "%s: CPU ns per example, population min %.0f median %.0f, single min %.0f median %.0f;"
              + " population/single %.2f (min) %.2f (median); examples per CPU-second %.0f"
              + " and %.0f (sink %.3g)%n",
          spec,
          population[0],
          population[blocks / 2],
          single[0],
          single[blocks / 2],
          population[0] / single[0],
          population[blocks / 2] / single[blocks / 2],
          1e9 / population[0],
          1e9 / single[0],
          sink);
      System.out.printf(
          java.util.Locale.ROOT,
          "%s: members after the warm-up (rate, hidden, input transform): %s%n",
          spec,
          bench.population.standings().stream()
              .map(m -> m.learningRate() + " " + m.hidden() + " " + m.inputTransform())
              .toList());
      if (bench.ids == null) {
        predict(bench, blocks);
      }
    }
  }

  /**
   * The served leader's predictor against that of a single learner of the leader's shape (its
   * widths and input transform), one row per call.
   */
  private static void predict(PopulationBenchmark bench, int blocks) {
    byte[] published = PopulationCodec.encode(bench.population.state(), 1, 0, null);
    ModelState served = Snapshots.served(published).state();
    Predictor leader = Predictor.of(served);
    Predictor single = OnlineLearner.create(served.spec()).predictor();
    float[][] rows = bench.features;
    double sink = 0;
    long warmUpEnd = System.nanoTime() + 2_000_000_000L;
    int next = 0;
    while (System.nanoTime() < warmUpEnd) {
      sink += leader.predict(rows[next], 1)[0] + single.predict(rows[next], 1)[0];
      next = (next + 1) % rows.length;
    }
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    double[] led = new double[blocks];
    double[] one = new double[blocks];
    int block = 4096;
    for (int b = 0; b < blocks; b++) {
      long start = threads.getCurrentThreadCpuTime();
      for (int i = 0; i < block; i++) {
        sink += leader.predict(rows[i % rows.length], 1)[0];
      }
      long middle = threads.getCurrentThreadCpuTime();
      for (int i = 0; i < block; i++) {
        sink += single.predict(rows[i % rows.length], 1)[0];
      }
      long end = threads.getCurrentThreadCpuTime();
      led[b] = (middle - start) / (double) block;
      one[b] = (end - middle) / (double) block;
    }
    Arrays.sort(led);
    Arrays.sort(one);
    System.out.printf(
        java.util.Locale.ROOT,
        "%s predict, one row per call: CPU ns per example, served leader min %.0f median %.0f,"
            + " single min %.0f median %.0f; leader/single %.2f (min) %.2f (median) (sink %.3g)%n",
        bench.spec,
        led[0],
        led[blocks / 2],
        one[0],
        one[blocks / 2],
        led[0] / one[0],
        led[blocks / 2] / one[blocks / 2],
        sink);
  }
}
