package io.streamprop.faults.rig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;

/**
 * Appends each scenario's observed figures to {@code target/fault-report.md} (system property
 * {@code faults.report}). The file is started afresh by the first scenario of a test JVM, so it
 * always describes one run.
 */
public final class FaultReport {
  private static boolean started;

  private FaultReport() {}

  /** One section: a heading and a table of figure → value, in the map's order. */
  public static synchronized void write(String scenario, Map<String, ?> figures) {
    Path file = Path.of(System.getProperty("faults.report", "target/fault-report.md"));
    StringBuilder text = new StringBuilder();
    if (!started) {
      text.append("# Fault suite report\n\n")
          .append("Run: ")
          .append(FaultSizes.label())
          .append(", started ")
          .append(Instant.now())
          .append(", ")
          .append(Runtime.getRuntime().availableProcessors())
          .append(" cores; load average at start ")
          .append(loadAverage())
          .append(".\n\n");
    }
    text.append("## ").append(scenario).append("\n\n| figure | value |\n| --- | --- |\n");
    figures.forEach((k, v) -> text.append("| ").append(k).append(" | ").append(v).append(" |\n"));
    text.append('\n');
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      if (!started) {
        Files.writeString(file, text, StandardCharsets.UTF_8);
        started = true;
      } else {
        Files.writeString(
            file,
            text,
            StandardCharsets.UTF_8,
            StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  /** Milliseconds since {@code startNanos}, for the figures. */
  public static long millisSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }
}
