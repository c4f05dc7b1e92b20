package io.streamprop.scorer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import io.streamprop.learn.OnlineLearner;
import io.streamprop.learn.state.ModelState;
import io.streamprop.spec.SpecJson;
import io.streamprop.spec.SpecLimits;
import io.streamprop.wire.SnapshotCodec;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Assumptions;

/**
 * The scorer's integration tests' side of a real broker: topics as the trainer makes them, a
 * snapshot published as the trainer publishes it, a topic read back to its end, and records
 * produced by Debian's kcat (librdkafka), a client nobody here wrote.
 */
final class ItKafka {
  static final Path KCAT = Path.of("/usr/bin/kcat");

  private ItKafka() {}

  /** A compacted snapshot topic that takes the largest snapshot a spec may make. */
  static NewTopic snapshotTopic(String name, int partitions) {
    return new NewTopic(name, partitions, (short) 1)
        .configs(
            Map.of(
                "cleanup.policy",
                "compact",
                "max.message.bytes",
                Integer.toString(SpecLimits.MAX_SNAPSHOT_RECORD_BYTES)));
  }

  static void createTopics(String bootstrap, NewTopic... topics) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      admin.createTopics(List.of(topics)).all().get();
    }
  }

  /** Publishes {@code state} as model {@code model}'s snapshot and waits for the broker's ack. */
  static void publish(String bootstrap, String topic, String model, ModelState state)
      throws Exception {
    Map<String, Object> props = new HashMap<>();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, SpecLimits.MAX_SNAPSHOT_RECORD_BYTES);
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      producer
          .send(
              new ProducerRecord<>(
                  topic, model.getBytes(StandardCharsets.UTF_8), SnapshotCodec.encode(state)))
          .get();
    }
  }

  /**
   * Model {@code m} (4 inputs, classes a, b and c, hidden [8], seed 5) untrained at version 3, on a
   * new snapshot topic of one partition; returns the topic's name.
   */
  static String publishModelM(String bootstrap) throws Exception {
    String topic = "model-snapshots-" + UUID.randomUUID().toString().substring(0, 8);
    createTopics(bootstrap, snapshotTopic(topic, 1));
    ModelState state =
        OnlineLearner.create(
                SpecJson.parse(
                    "{\"inputs\": 4, \"class_names\": [\"a\", \"b\", \"c\"], \"hidden\": [8],"
                        + " \"seed\": 5}"))
            .state()
            .withVersion(3);
    publish(bootstrap, topic, "m", state);
    return topic;
  }

  /** Every record of {@code topic} up to its end, read_committed. */
  static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrap, String topic) {
    Map<String, Object> props = new HashMap<>();
    props.put("bootstrap.servers", bootstrap);
    props.put("isolation.level", "read_committed");
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      consumer
          .partitionsFor(topic)
          .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }
    return records;
  }

  /**
   * Skips the calling test when kcat is missing, naming its package; in CI ({@code CI=true}), where
   * {@code .ci/run} installs it, a missing kcat fails instead.
   */
  static void assumeKcat() {
    if (Files.isExecutable(KCAT)) {
      return;
    }
    String reason = KCAT + " is not installed: apt-get install -y --no-install-recommends kcat";
    if ("true".equals(System.getenv("CI"))) {
      fail(reason);
    }
    Assumptions.assumeTrue(false, reason);
  }

  /** Produces {@code key TAB value} lines with kcat and waits until they are delivered. */
  static void kcat(String bootstrap, String topic, String lines) throws Exception {
    Process kcat =
        new ProcessBuilder(
                KCAT.toString(),
                "-P",
                "-b",
                bootstrap,
                "-t",
                topic,
                "-K",
                "\t",
                "-X",
                "enable.idempotence=true")
            .redirectErrorStream(true)
            .start();
    try (OutputStream in = kcat.getOutputStream()) {
      in.write(lines.getBytes(StandardCharsets.UTF_8));
    }
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    kcat.getInputStream().transferTo(output);
    // A guard against a hung client, not a measure of speed.
    assertThat(kcat.waitFor(2, TimeUnit.MINUTES)).as("kcat finished: " + output).isTrue();
    assertThat(kcat.exitValue()).as("kcat: " + output).isZero();
  }
}
