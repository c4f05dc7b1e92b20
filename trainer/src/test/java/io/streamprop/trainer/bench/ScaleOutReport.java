package io.streamprop.trainer.bench;

import io.streamprop.trainer.bench.ScaleOut.Run;
import io.streamprop.trainer.bench.ScaleOut.Setup;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * The scale-out benchmark's markdown section: per configuration the median over rounds, and the
 * median of its ratio to the one-instance, one-thread run of the same round (rounds share the
 * machine's load, so a ratio within a round is steadier than a ratio of medians).
 */
final class ScaleOutReport {
  static final Setup BASELINE = new Setup(1, 1);

  private ScaleOutReport() {}

  static String markdown(long n, int rounds, List<Setup> setups, double load, List<Run> runs) {
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            Locale.ROOT,
            "## Trainer scale-out%n%n"
                + "Measured %s UTC on this machine (`nproc` = %d, load average at start %.1f): one"
                + " local KRaft broker in a child JVM; `examples` of %d partitions holding %,d"
                + " examples of %d models, one per partition, spread evenly (model M, 54→[64,32]→7,"
                + " `learner: single`, Adam, mini-batch 8, a snapshot every 10,000 examples or 5 s);"
                + " each trainer instance a JVM of its own (`TrainerMain --config FILE`, `%s`),"
                + " `exactly_once_v2`, commit interval 100 ms, a fresh application id and state"
                + " directories per run. Done when every partition's committed offset reaches its"
                + " end. Medians of %d rounds in alternating order; \"vs 1×1\" is the median of"
                + " each round's ratio to one instance of one thread. *Steady*: from the first"
                + " commit on (JVM start and first assignment excluded), with the CPU-seconds"
                + " (utime + stime) of the trainer processes and of the broker over that window.%n%n"
                + "| instances × threads | examples/s, start to end (rounds) | vs 1×1 | steady"
                + " examples/s | vs 1×1 | per trainer CPU-s | per CPU-s with the broker's |"
                + " broker's share of CPU |%n"
                + "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |%n",
            java.time.LocalDateTime.now(java.time.ZoneOffset.UTC).withNano(0),
            Runtime.getRuntime().availableProcessors(),
            load,
            ScaleOut.PARTITIONS,
            n,
            ScaleOut.MODELS,
            ScaleOut.TRAINER_HEAP,
            rounds));
    for (Setup setup : setups) {
      List<Run> mine = runs.stream().filter(r -> r.setup().equals(setup)).toList();
      if (mine.isEmpty()) {
        continue;
      }
      String byRound =
          mine.stream()
              .map(r -> String.format(Locale.ROOT, "%,.0f", r.perSecond()))
              .collect(Collectors.joining(" / "));
      s.append(
          String.format(
              Locale.ROOT,
              "| %d × %d | %,.0f (%s) | %.2f | %,.0f | %.2f | %,.0f | %,.0f | %.0f%% |%n",
              setup.instances(),
              setup.threads(),
              median(mine, Run::perSecond),
              byRound,
              medianRatio(runs, setup, Run::perSecond),
              median(mine, Run::steadyPerSecond),
              medianRatio(runs, setup, Run::steadyPerSecond),
              median(mine, Run::perTrainerCpuSecond),
              median(mine, Run::perCpuSecond),
              100 * median(mine, r -> r.brokerCpuSeconds() / cpu(r))));
    }
    s.append(
        String.format(
            Locale.ROOT,
            "%nPer core, all runs' median: %,.0f examples per trainer CPU-second, %,.0f with the"
                + " broker's CPU (the inputs of [operations.md](operations.md#sizing-for-throughput))."
                + "%n%nCommand: `trainer/bench/scale-out.sh %d %d%s`%n",
            median(runs, Run::perTrainerCpuSecond),
            median(runs, Run::perCpuSecond),
            n,
            rounds,
            setups.equals(ScaleOut.SETUPS)
                ? ""
                : " " + setups.stream().map(Setup::name).collect(Collectors.joining(","))));
    return s.toString();
  }

  private static double cpu(Run r) {
    return r.trainerCpuSeconds() + r.brokerCpuSeconds();
  }

  /** The median of the runs' figures. */
  static double median(List<Run> runs, ToDoubleFunction<Run> figure) {
    return median(runs.stream().mapToDouble(figure).toArray());
  }

  /** The median over rounds of the setup's figure divided by the baseline's in the same round. */
  static double medianRatio(List<Run> runs, Setup setup, ToDoubleFunction<Run> figure) {
    return median(
        runs.stream()
            .filter(r -> r.setup().equals(setup))
            .mapToDouble(
                r ->
                    runs.stream()
                        .filter(b -> b.setup().equals(BASELINE) && b.round() == r.round())
                        .mapToDouble(b -> figure.applyAsDouble(r) / figure.applyAsDouble(b))
                        .findFirst()
                        .orElse(Double.NaN))
            .toArray());
  }

  /** The median (the mean of the middle two for an even count); NaN for none. */
  static double median(double[] values) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double[] v = values.clone();
    Arrays.sort(v);
    int m = v.length / 2;
    return v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
  }
}
