package io.streamprop.trainer.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Where a Kafka Streams application's stream threads spend their wall-clock time, from the
 * thread-level metrics Streams registers over JMX ({@code
 * kafka.streams:type=stream-thread-metrics}): the shares of time processing, polling and
 * committing, and the mean commit's length. A commit under exactly-once flushes the stores (the
 * trainer encodes every dirty model), flushes the producer and commits the transaction, and the
 * thread waits for the broker through the last two, which a CPU profile does not show.
 */
final class StreamThreadMetrics {
  private StreamThreadMetrics() {}

  /** One line per stream thread of the application whose id starts {@code applicationId}. */
  static String of(String applicationId) {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    List<String> lines = new ArrayList<>();
    try {
      for (ObjectName name :
          server.queryNames(
              new ObjectName("kafka.streams:type=stream-thread-metrics,thread-id=*"), null)) {
        String thread = name.getKeyProperty("thread-id");
        if (!thread.startsWith(applicationId + "-")) {
          continue;
        }
        lines.add(
            String.format(
                Locale.ROOT,
                "%s: process %.2f, poll %.2f, commit %.2f of the time; %.1f commits/s of %.1f ms"
                    + " on average, %.0f ms at most",
                applicationId,
                (Double) server.getAttribute(name, "process-ratio"),
                (Double) server.getAttribute(name, "poll-ratio"),
                (Double) server.getAttribute(name, "commit-ratio"),
                (Double) server.getAttribute(name, "commit-rate"),
                (Double) server.getAttribute(name, "commit-latency-avg"),
                (Double) server.getAttribute(name, "commit-latency-max")));
      }
    } catch (JMException e) {
      return applicationId + ": no stream-thread metrics (" + e + ")";
    }
    return String.join("\n", lines);
  }
}
