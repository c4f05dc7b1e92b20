package io.streamprop.trainer.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The three-broker freshness section: its heading is the one throughput.sh replaces, and its
 * figures are the sorted latencies' median, 99th percentile and maximum.
 */
class ClusterFreshnessTest {

  @Test
  void report_headingOfTheScript_medianP99AndMaxOfTheSortedLatencies() {
    long[] sorted = new long[200];
    for (int i = 0; i < sorted.length; i++) {
      sorted[i] = 10L * i; // 0, 10, ..., 1990 ms
    }
    String section =
        ClusterFreshness.report(
            5000,
            20,
            7,
            sorted,
            "3.0",
            "4.0",
            Map.of(
                "examples", "replicas 3, min.insync.replicas 2",
                "snapshots", "replicas 3, min.insync.replicas 2"));

    assertThat(section).startsWith("## " + ClusterFreshness.HEADING + "\n");
    // Index 100 is the median, index 198 the 99th percentile, the last one the maximum.
    assertThat(section).contains("| 3 | 200 | 1000 ms | 1980 ms | 1990 ms |");
    assertThat(section).contains("after 7 s of warm-up");
    assertThat(section).contains("the snapshot topic replicas 3, min.insync.replicas 2");
    assertThat(section).contains("`BROKERS=3 trainer/bench/throughput.sh 5000 20 7`");
  }

  @Test
  void report_noLatencies_saysSoInsteadOfFailing() {
    String section = ClusterFreshness.report(5000, 20, 5, new long[0], "1.0", "1.0", Map.of());

    assertThat(section).contains("| 3 | 0 | n/a | n/a | n/a |");
  }
}
