package io.streamprop.local;

import static io.streamprop.local.KafkaClients.awaitReading;
import static io.streamprop.local.KafkaClients.consumer;
import static io.streamprop.local.KafkaClients.createTopic;
import static io.streamprop.local.KafkaClients.pollUntil;
import static io.streamprop.local.KafkaClients.producer;
import static io.streamprop.local.KafkaClients.readAll;
import static io.streamprop.local.KafkaClients.unique;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One in-process broker shared by the class; each test uses its own topics and groups. */
class LocalKafkaIT {
  private static LocalKafka kafka;

  @BeforeAll
  static void startBroker() {
    // The cleaner checks for dirty logs every 15 s by default; a short back-off lets the
    // compaction test finish quickly, and shows that extra properties reach the broker.
    kafka = LocalKafka.builder().brokerProperty("log.cleaner.backoff.ms", "200").start();
  }

  @AfterAll
  static void stopBroker() {
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void start_default_isRunningAndReportsItsStartupTime() {
    assertThat(kafka.isRunning()).isTrue();
    assertThat(kafka.lastStartupTime()).isPositive();
  }

  @Test
  void secondBroker_sameJvm_servesItsOwnTopicsIndependently() throws Exception {
    try (LocalKafka second = LocalKafka.builder().start()) {
      String topic = unique("second");
      createTopic(second, topic, Map.of());
      try (KafkaProducer<String, String> producer = producer(second, Map.of())) {
        producer.send(new ProducerRecord<>(topic, "k", "on-second")).get();
      }

      assertThat(second.port()).isNotEqualTo(kafka.port());
      assertThat(readAll(second, topic, Map.of()))
          .extracting(ConsumerRecord::value)
          .containsExactly("on-second");
      try (Admin admin = KafkaClients.admin(kafka)) {
        assertThat(admin.listTopics().names().get()).doesNotContain(topic);
      }
    }
    assertThat(kafka.isRunning()).as("closing the second broker leaves the first").isTrue();
  }

  @Test
  void compactedTopic_produceThenRead_keepsCleanupPolicyAndEveryRecordInOrder() throws Exception {
    String topic = unique("compacted");
    createTopic(kafka, topic, Map.of("cleanup.policy", "compact"));
    try (KafkaProducer<String, String> producer = producer(kafka, Map.of())) {
      producer.send(new ProducerRecord<>(topic, "model-a", "v1")).get();
      producer.send(new ProducerRecord<>(topic, "model-b", "v1")).get();
      producer.send(new ProducerRecord<>(topic, "model-a", "v2")).get();
    }

    List<ConsumerRecord<String, String>> records = readAll(kafka, topic, Map.of());

    assertThat(records)
        .extracting(r -> r.key() + "=" + r.value())
        .containsExactly("model-a=v1", "model-b=v1", "model-a=v2");
    try (Admin admin = KafkaClients.admin(kafka)) {
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      ConfigEntry policy =
          admin.describeConfigs(List.of(resource)).all().get().get(resource).get("cleanup.policy");
      assertThat(policy.value()).isEqualTo("compact");
    }
  }

  @Test
  void compactedTopic_withShortSegments_isCleanedDownToTheLatestValuePerKey() throws Exception {
    String topic = unique("cleaned");
    createTopic(
        kafka,
        topic,
        Map.of(
            "cleanup.policy", "compact",
            "segment.ms", "100",
            "min.cleanable.dirty.ratio", "0.01"));
    try (KafkaProducer<String, String> producer = producer(kafka, Map.of())) {
      for (int version = 1; version <= 20; version++) {
        producer.send(new ProducerRecord<>(topic, "model", "v" + version)).get();
      }
      // The cleaner never touches the active segment. A segment rolls when a record arrives
      // after segment.ms, so keep appending ticks until the old versions are cleaned away.
      List<String> modelValues =
          awaitReading("one value left for key 'model' on " + topic)
              .until(
                  () -> {
                    producer.send(new ProducerRecord<>(topic, "tick", "t")).get();
                    return readAll(kafka, topic, Map.of()).stream()
                        .filter(r -> r.key().equals("model"))
                        .map(ConsumerRecord::value)
                        .toList();
                  },
                  values -> values.size() == 1);
      assertThat(modelValues).containsExactly("v20");
    }
  }

  @Test
  void transactionalProducer_commitAndAbort_readCommittedSeesOnlyTheCommitted() throws Exception {
    String topic = unique("tx");
    createTopic(kafka, topic, Map.of());
    try (KafkaProducer<String, String> producer =
        producer(kafka, Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, unique("tx-id")))) {
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, "k", "committed-1"));
      producer.send(new ProducerRecord<>(topic, "k", "committed-2"));
      producer.commitTransaction();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, "k", "aborted"));
      producer.flush();
      producer.abortTransaction();
    }

    List<ConsumerRecord<String, String>> committed =
        readAll(kafka, topic, Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"));
    List<ConsumerRecord<String, String>> uncommitted =
        readAll(kafka, topic, Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted"));

    assertThat(committed)
        .extracting(ConsumerRecord::value)
        .containsExactly("committed-1", "committed-2");
    assertThat(uncommitted)
        .extracting(ConsumerRecord::value)
        .containsExactly("committed-1", "committed-2", "aborted");
  }

  @Test
  void consumerGroup_commitSync_offsetsAreStoredAndResumedFrom() throws Exception {
    String topic = unique("group");
    String group = unique("group-id");
    createTopic(kafka, topic, Map.of());
    try (KafkaProducer<String, String> producer = producer(kafka, Map.of())) {
      for (int i = 0; i < 5; i++) {
        producer.send(new ProducerRecord<>(topic, "k", "first-" + i));
      }
      producer.flush();
    }
    Map<String, Object> groupConfig = Map.of(ConsumerConfig.GROUP_ID_CONFIG, group);
    try (KafkaConsumer<String, String> consumer = consumer(kafka, groupConfig)) {
      consumer.subscribe(List.of(topic));
      assertThat(pollUntil(consumer, 5)).hasSize(5);
      consumer.commitSync();
    }

    try (Admin admin = KafkaClients.admin(kafka)) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      assertThat(offsets.get(new TopicPartition(topic, 0)).offset()).isEqualTo(5);
    }
    try (KafkaProducer<String, String> producer = producer(kafka, Map.of())) {
      producer.send(new ProducerRecord<>(topic, "k", "second")).get();
    }
    try (KafkaConsumer<String, String> consumer = consumer(kafka, groupConfig)) {
      consumer.subscribe(List.of(topic));
      assertThat(pollUntil(consumer, 1))
          .extracting(ConsumerRecord::value)
          .containsExactly("second");
    }
  }

  @Test
  void largeRecord_belowMaxMessageBytes_roundTripsWhenClientLimitsAreRaised() throws Exception {
    String topic = unique("large");
    createTopic(kafka, topic, Map.of("cleanup.policy", "compact"));
    String value = "x".repeat(8 * 1024 * 1024);
    int limit = kafka.maxMessageBytes();
    try (KafkaProducer<String, String> producer =
        producer(kafka, Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, limit))) {
      producer.send(new ProducerRecord<>(topic, "big-model", value)).get();
    }

    List<ConsumerRecord<String, String>> records =
        readAll(
            kafka,
            topic,
            Map.of(
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, limit,
                ConsumerConfig.FETCH_MAX_BYTES_CONFIG, limit));

    assertThat(records).hasSize(1);
    assertThat(records.get(0).value()).hasSize(value.length());
  }
}
