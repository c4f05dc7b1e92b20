package io.streamprop.trainer;

import static io.streamprop.trainer.testing.KafkaTestClient.header;
import static io.streamprop.trainer.testing.KafkaTestClient.utf8;
import static io.streamprop.trainer.testing.States.assertSameModel;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamprop.config.ConfigSources;
import io.streamprop.config.Topics;
import io.streamprop.config.TrainerKeys;
import io.streamprop.learn.state.ModelState;
import io.streamprop.local.LocalKafka;
import io.streamprop.spec.SpecJson;
import io.streamprop.trainer.admin.TopicAdmin;
import io.streamprop.trainer.config.TrainerConfig;
import io.streamprop.trainer.testing.KafkaTestClient;
import io.streamprop.trainer.testing.Kcat;
import io.streamprop.trainer.testing.RawEvents;
import io.streamprop.trainer.topology.DeadLetters;
import io.streamprop.wire.SnapshotCodec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Raw events (named, mixed-type features) produced by kcat, a client nobody here wrote, trained by
 * the trainer in this JVM against a real broker.
 */
class RawEventsIT {
  static final String SPEC = RawEvents.spec("{\"every_examples\": 0, \"every_seconds\": 0.5}");
  static final int MAX_BYTES = 4096;
  static final Duration TIMEOUT = Duration.ofSeconds(90);

  static LocalKafka kafka;
  static KafkaTestClient client;
  static int run;

  @TempDir Path stateDir;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private TrainerApp app;

  @BeforeAll
  static void startKafka() {
    kafka = LocalKafka.builder().start();
    client = new KafkaTestClient(kafka.bootstrapServers());
  }

  @AfterAll
  static void stopKafka() {
    client.close();
    kafka.close();
  }

  @AfterEach
  void stopTrainer() {
    if (app != null) {
      app.close();
    }
  }

  /** Topics and application id of their own for each test, created before anything is sent. */
  private TrainerConfig config() {
    run++;
    Map<String, String> p = new HashMap<>();
    p.put("bootstrap.servers", kafka.bootstrapServers());
    p.put("application.id", "raw-events-it-" + run);
    p.put("state.dir", stateDir.toString());
    p.put(Topics.PREFIX, "raw" + run + ".");
    p.put(TrainerKeys.EXAMPLE_MAX_BYTES, Integer.toString(MAX_BYTES));
    p.put(TrainerKeys.HOUSEKEEPING_MS, "100");
    p.put(TrainerKeys.METRICS_PORT, "-1");
    TrainerConfig config = TrainerConfig.load(ConfigSources.of(p));
    try (Admin admin = Admin.create(config.adminProperties())) {
      TopicAdmin.ensureTopics(admin, config);
    }
    return config;
  }

  /** A dead letter as sent: the reason it must carry, its key and its value. */
  private record Letter(String reason, String key, List<Byte> value) {
    static Letter of(String reason, String key, byte[] value) {
      List<Byte> bytes = null;
      if (value != null) {
        bytes = new ArrayList<>();
        for (byte b : value) {
          bytes.add(b);
        }
      }
      return new Letter(reason, key, bytes);
    }
  }

  /**
   * Every bad kind, a null value, a record without a key, and a valid event of an unknown model.
   */
  private static List<Letter> sendBad(TrainerConfig config, List<Kcat.Line> lines) {
    List<Letter> expected = new ArrayList<>();
    for (RawEvents.Bad bad : RawEvents.bad(MAX_BYTES)) {
      lines.add(new Kcat.Line("churn", bad.value()));
      expected.add(Letter.of(bad.reason(), "churn", bad.value()));
    }
    byte[] valid = RawEvents.load().get(1);
    lines.add(new Kcat.Line("churn", null));
    expected.add(Letter.of("missing_field", "churn", null));
    lines.add(new Kcat.Line(null, valid));
    expected.add(Letter.of("missing_key", null, valid));
    lines.add(new Kcat.Line("ghost", valid));
    expected.add(Letter.of("unknown_model", "ghost", valid));
    return expected;
  }

  private void assertDeadLetters(TrainerConfig config, List<Letter> expected) {
    List<ConsumerRecord<byte[], byte[]>> dead =
        client.read(config.topics().deadLetters(), expected.size(), TIMEOUT);
    List<Letter> got = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : dead) {
      assertThat(header(r, DeadLetters.SOURCE_TOPIC_HEADER)).contains(config.topics().examples());
      assertThat(header(r, DeadLetters.ERROR_HEADER)).isPresent();
      got.add(
          Letter.of(
              header(r, DeadLetters.REASON_HEADER).orElseThrow(),
              r.key() == null ? null : new String(r.key(), java.nio.charset.StandardCharsets.UTF_8),
              r.value()));
    }
    // Unchanged bytes and the right reason for each; across partitions, in no particular order.
    assertThat(got).containsExactlyInAnyOrderElementsOf(expected);
  }

  /** kcat's arguments that partition keys as the Java clients do, as the docs tell users. */
  private static final List<String> MURMUR2 = List.of("-X", "partitioner=murmur2_random");

  /**
   * A model id that librdkafka's default partitioner ({@code consistent_random}: CRC-32 of the key
   * modulo the partition count) and the Java clients' (murmur2) put on different partitions.
   */
  private static String splitKey(int partitions) {
    for (int i = 0; ; i++) {
      String id = "stray" + i;
      java.util.zip.CRC32 crc = new java.util.zip.CRC32();
      crc.update(utf8(id));
      int murmur2 =
          org.apache.kafka.common.utils.Utils.toPositive(
                  org.apache.kafka.common.utils.Utils.murmur2(utf8(id)))
              % partitions;
      if (crc.getValue() % partitions != murmur2) {
        return id;
      }
    }
  }

  @Test
  void anEventKcatPartitionsByItsOwnDefault_isDeadLetteredUnchanged_asWrongPartition()
      throws Exception {
    Kcat.require();
    TrainerConfig config = config();
    String model = splitKey(config.topicPartitions());
    client.send(config.topics().specs(), model, utf8(SPEC));
    client.flush();
    byte[] event = RawEvents.load().get(0);
    // No -X partitioner: what a user who copies a plain kcat line gets.
    Kcat.produce(
        kafka.bootstrapServers(), config.topics().examples(), List.of(new Kcat.Line(model, event)));

    app = TrainerApp.start(config, registry);

    assertDeadLetters(config, List.of(Letter.of("wrong_partition", model, event)));
  }

  @Test
  void badRawEventsFromKcat_landInDeadLettersUnchanged_withTheirReasons() throws Exception {
    Kcat.require();
    TrainerConfig config = config();
    client.send(config.topics().specs(), "churn", utf8(SPEC));
    client.flush();
    List<Kcat.Line> lines = new ArrayList<>();
    List<Letter> expected = sendBad(config, lines);
    Kcat.produce(kafka.bootstrapServers(), config.topics().examples(), lines, MURMUR2);

    app = TrainerApp.start(config, registry);

    assertDeadLetters(config, expected);
    assertThat(expected.stream().map(Letter::reason).distinct())
        .containsExactlyInAnyOrder(
            "bad_json",
            "missing_field",
            "unknown_feature",
            "not_finite",
            "label_out_of_range",
            "weight_invalid",
            "feature_type_mismatch",
            "feature_too_long",
            "too_many_tokens",
            "oversize",
            "missing_key",
            "unknown_model");
  }

  @Test
  void rawEventsFromKcat_trainTheOfflineModelBitForBit_badOnesDeadLettered() throws Exception {
    Kcat.require();
    TrainerConfig config = config();
    client.send(config.topics().specs(), "churn", utf8(SPEC));
    client.flush();
    List<byte[]> events = RawEvents.load();
    List<Kcat.Line> bad = new ArrayList<>();
    List<Letter> expected = sendBad(config, bad);
    // One bad event among every 20 good ones, the rest of the bad ones after the last good one.
    List<Kcat.Line> lines = new ArrayList<>();
    int nextBad = 0;
    for (int i = 0; i < events.size(); i++) {
      if (i % 20 == 10 && nextBad < bad.size()) {
        lines.add(bad.get(nextBad++));
      }
      lines.add(new Kcat.Line("churn", events.get(i)));
    }
    lines.addAll(bad.subList(nextBad, bad.size()));
    assertThat(lines).hasSize(events.size() + bad.size());
    Kcat.produce(kafka.bootstrapServers(), config.topics().examples(), lines, MURMUR2);

    app = TrainerApp.start(config, registry);

    ConsumerRecord<byte[], byte[]> last =
        client.awaitRecord(
            config.topics().snapshots(),
            r ->
                r.value() != null
                    && Arrays.equals(r.key(), utf8("churn"))
                    && SnapshotCodec.decode(r.value()).examples() == events.size(),
            TIMEOUT);
    ModelState trained = SnapshotCodec.decode(last.value());
    assertSameModel(trained, RawEvents.train(SpecJson.parse(SPEC), events).state());
    assertDeadLetters(config, expected);
  }
}
