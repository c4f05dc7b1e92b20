package io.streamprop.trainer.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * CPU time of this process per thread, from {@code /proc/self/task/<tid>/stat} (Linux): Java and
 * native threads alike (G1's, the JIT's, RocksDB's). Threads are grouped by their kernel name (15
 * characters at most) with digits replaced by {@code #}, so that {@code GC Thread#0} and {@code GC
 * Thread#1} add up. Empty where there is no {@code /proc}.
 */
final class ThreadCpu {
  private ThreadCpu() {}

  /** Clock ticks per second of {@code utime} and {@code stime} (USER_HZ, 100 on Linux). */
  private static final double TICKS_PER_SECOND = 100;

  record Sample(String name, long ticks) {}

  /** Per thread id: its name and CPU ticks so far. */
  static Map<Long, Sample> sample() {
    Map<Long, Sample> threads = new HashMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          int open = stat.indexOf('(');
          int close = stat.lastIndexOf(')');
          String[] rest = stat.substring(close + 2).split(" ");
          // fields after the name: state(3) ... utime(14) stime(15), numbered from pid = 1
          long ticks = Long.parseLong(rest[11]) + Long.parseLong(rest[12]);
          threads.put(
              Long.parseLong(task.getFileName().toString()),
              new Sample(stat.substring(open + 1, close), ticks));
        } catch (IOException | RuntimeException e) {
          // the thread ended while we read it
        }
      }
    } catch (IOException e) {
      return Map.of();
    }
    return threads;
  }

  /** "name µs, ..." per example, largest first, of the CPU taken between two samples. */
  static String perExample(Map<Long, Sample> before, Map<Long, Sample> after, long examples) {
    Map<String, Long> ticks = new HashMap<>();
    after.forEach(
        (tid, s) -> {
          Sample b = before.get(tid);
          long used = s.ticks() - (b == null ? 0 : b.ticks());
          ticks.merge(s.name().replaceAll("[0-9]+", "#"), used, Long::sum);
        });
    return ticks.entrySet().stream()
        .filter(e -> e.getValue() > 0)
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .map(
            e ->
                String.format(
                    Locale.ROOT,
                    "%s %.0f µs",
                    e.getKey(),
                    e.getValue() / TICKS_PER_SECOND * 1e6 / Math.max(1, examples)))
        .collect(Collectors.joining(", "));
  }
}
