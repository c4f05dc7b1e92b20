package io.streamprop.scorer.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamprop.learn.OnlineLearner;
import io.streamprop.scorer.metrics.PredictOutcome;
import io.streamprop.scorer.metrics.ScorerMetrics;
import io.streamprop.scorer.registry.ModelLoader;
import io.streamprop.scorer.registry.ModelRegistry;
import io.streamprop.scorer.registry.ServedModel;
import io.streamprop.spec.SpecJson;
import io.streamprop.wire.SigningKey;
import io.streamprop.wire.SnapshotCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
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

  /**
   * Values another writer put on the snapshot topic (docs/reliability.md, "foreign"): not
   * streamprop snapshots at all, even when one wraps a valid, newer snapshot. Each is rejected as
   * corrupt and counted, and the served model is the very same object as before.
   */
  @Test
  void foreignValues_rejectedAsCorruptAndCounted_servedModelUntouched() throws IOException {
    apply("m", snapshot(1));
    ServedModel served = registry.get("m");
    byte[] newer = snapshot(2);
    Map<String, byte[]> foreign = new LinkedHashMap<>();
    foreign.put("a model spec", utf8("{\"inputs\": 2, \"classes\": 2}"));
    foreign.put("an example", utf8("{\"features\": [0.5, 1], \"label\": 1}"));
    foreign.put("a newer snapshot, gzip-compressed by its producer", gzip(newer));
    foreign.put("a newer snapshot as base64 text", utf8(Base64.getEncoder().encodeToString(newer)));
    foreign.put("a Java-serialized object", javaSerialized("model m, version 2"));

    foreign.values().forEach(value -> apply("m", value));

    assertThat(counter("streamprop.snapshots.rejected", "model", "m", "reason", "corrupt"))
        .as("rejected as corrupt: %s", foreign.keySet())
        .isEqualTo(foreign.size());
    assertThat(registry.get("m")).as("the served model").isSameAs(served);
    apply("m", newer);
    assertThat(registry.servedVersion("m")).as("the next real snapshot is served").isEqualTo(2);
  }

  /**
   * With a signing key, a well-formed snapshot from another deployment (signed with its own key, or
   * not signed) is foreign too: rejected by reason, the served model untouched.
   */
  @Test
  void foreignSnapshots_withASigningKey_rejectedByReason_servedModelUntouched() {
    SigningKey ours = SigningKey.of(filled(7));
    SigningKey theirs = SigningKey.of(filled(9));
    SnapshotConsumer verifying =
        new SnapshotConsumer(
            Map.of("bootstrap.servers", "unused:9092"),
            "model-snapshots",
            1 << 20,
            new ModelLoader(registry, Clock.systemUTC(), ours),
            registry,
            metrics);
    verifying.apply(record("m", signed(1, ours)));
    ServedModel served = registry.get("m");

    verifying.apply(record("m", signed(2, theirs)));
    verifying.apply(record("m", snapshot(3)));

    assertThat(counter("streamprop.snapshots.rejected", "model", "m", "reason", "bad_signature"))
        .isEqualTo(1);
    assertThat(counter("streamprop.snapshots.rejected", "model", "m", "reason", "unsigned"))
        .isEqualTo(1);
    assertThat(registry.get("m")).as("the served model").isSameAs(served);
    verifying.apply(record("m", signed(4, ours)));
    assertThat(registry.servedVersion("m")).isEqualTo(4);
  }

  private ConsumerRecord<byte[], byte[]> record(String key, byte[] value) {
    return new ConsumerRecord<>("model-snapshots", 0, offset++, utf8(key), value);
  }

  private static byte[] signed(long version, SigningKey key) {
    OnlineLearner learner = OnlineLearner.create(SpecJson.parse("{\"inputs\": 2, \"classes\": 2}"));
    return SnapshotCodec.encode(
        learner.state().withVersion(version), System.currentTimeMillis(), key);
  }

  private static byte[] filled(int value) {
    byte[] raw = new byte[32];
    Arrays.fill(raw, (byte) value);
    return raw;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] gzip(byte[] bytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
      zip.write(bytes);
    }
    return out.toByteArray();
  }

  private static byte[] javaSerialized(Serializable object) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ObjectOutputStream stream = new ObjectOutputStream(out)) {
      stream.writeObject(object);
    }
    return out.toByteArray();
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
