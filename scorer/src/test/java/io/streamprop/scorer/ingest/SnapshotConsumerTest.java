package io.streamprop.scorer.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamprop.learn.OnlineLearner;
import io.streamprop.scorer.metrics.PredictOutcome;
import io.streamprop.scorer.metrics.ScorerMetrics;
import io.streamprop.scorer.registry.ModelLoader;
import io.streamprop.scorer.registry.ModelRegistry;
import io.streamprop.spec.SpecJson;
import io.streamprop.wire.SnapshotCodec;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What each kind of snapshot record does to the registry and the metrics (no broker). */
class SnapshotConsumerTest {
  private final ModelRegistry registry = new ModelRegistry();
  private final ScorerMetrics metrics = new ScorerMetrics(registry, Clock.systemUTC());
  private final SnapshotConsumer consumer =
      new SnapshotConsumer(
          Map.of("bootstrap.servers", "unused:9092"),
          "model-snapshots",
          1 << 20,
          new ModelLoader(registry, Clock.systemUTC()),
          registry,
          metrics);
  private long offset;

  @AfterEach
  void close() {
    metrics.close();
  }

  private void apply(String key, byte[] value) {
    consumer.apply(
        new ConsumerRecord<>(
            "model-snapshots",
            0,
            offset++,
            key == null ? null : key.getBytes(StandardCharsets.UTF_8),
            value));
  }

  private static byte[] snapshot(long version) {
    OnlineLearner learner = OnlineLearner.create(SpecJson.parse("{\"inputs\": 2, \"classes\": 2}"));
    return SnapshotCodec.encode(learner.state().withVersion(version));
  }

  private double counter(String name, String... tags) {
    var counter = metrics.registry().find(name).tags(tags).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void newerSnapshots_swapIn_andGaugesFollow() {
    apply("m", snapshot(1));
    apply("m", snapshot(2));

    assertThat(registry.servedVersion("m")).isEqualTo(2);
    assertThat(counter("streamprop.snapshots.loaded", "model", "m")).isEqualTo(2);
    assertThat(metrics.registry().get("streamprop.model.version").tag("model", "m").gauge().value())
        .isEqualTo(2.0);
  }

  @Test
  void badRecords_countedByReason_servedModelStays() {
    apply("m", snapshot(5));

    apply("m", new byte[] {1, 2, 3});
    apply("m", snapshot(4));
    apply(null, snapshot(9));

    assertThat(registry.servedVersion("m")).isEqualTo(5);
    assertThat(counter("streamprop.snapshots.rejected", "model", "m", "reason", "corrupt"))
        .isEqualTo(1);
    assertThat(counter("streamprop.snapshots.rejected", "model", "m", "reason", "not_newer"))
        .isEqualTo(1);
    assertThat(counter("streamprop.snapshots.rejected", "model", "unknown", "reason", "no_key"))
        .isEqualTo(1);
  }

  @Test
  void tombstone_removesModelAndItsGauges() {
    apply("m", snapshot(1));
    metrics.predict("m").record(PredictOutcome.OK, 1, 1_000);

    apply("m", null);

    assertThat(registry.get("m")).isNull();
    assertThat(metrics.registry().find("streamprop.model.version").tag("model", "m").gauge())
        .isNull();
    assertThat(metrics.registry().find("streamprop.predictions").tag("model", "m").counters())
        .isEmpty();
    assertThat(metrics.registry().find("streamprop.prediction.latency").tag("model", "m").timer())
        .isNull();
  }

  @Test
  void consumerProperties_readCommittedFromStart_fetchFitsLargestSnapshot() {
    Map<String, Object> props =
        SnapshotConsumer.consumerProperties(
            Map.of("bootstrap.servers", "k:1", "group.id", "ignored", "fetch.max.bytes", "1"),
            64 << 20);

    assertThat(props)
        .doesNotContainKey("group.id")
        .containsEntry(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
        .containsEntry(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest")
        .containsEntry(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false)
        .containsEntry(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, (64 << 20) + (1 << 20))
        .containsEntry(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, (64 << 20) + (1 << 20));
  }
}
