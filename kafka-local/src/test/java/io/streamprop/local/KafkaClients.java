package io.streamprop.local;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.core.ConditionFactory;

/** Small client helpers for the broker tests: unique names, and reads that wait on a deadline. */
final class KafkaClients {
  static final Duration DEADLINE = Duration.ofSeconds(60);

  /** How long one {@code poll} of a reading consumer waits for records. */
  private static final Duration POLL = Duration.ofMillis(200);

  private KafkaClients() {}

  static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  static void createTopic(LocalKafka kafka, String topic, Map<String, String> configs)
      throws Exception {
    try (Admin admin = admin(kafka)) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1).configs(configs))).all().get();
    }
  }

  static Admin admin(LocalKafka kafka) {
    return Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()));
  }

  static KafkaProducer<String, String> producer(LocalKafka kafka, Map<String, Object> extra) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.putAll(extra);
    return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
  }

  static KafkaConsumer<String, String> consumer(LocalKafka kafka, Map<String, Object> extra) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.putAll(extra);
    return new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
  }

  /**
   * A wait of at most {@link #DEADLINE} whose condition reads with a Kafka consumer: the consumer's
   * own poll timeout is the pause between checks, and the condition runs in the calling thread
   * because a consumer may only be used by one thread, and is closed by the caller after a timeout.
   */
  static ConditionFactory awaitReading(String what) {
    return await(what)
        .pollInSameThread()
        .atMost(DEADLINE)
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ZERO);
  }

  /** Polls until {@code count} records arrived; fails when they have not by the deadline. */
  static List<ConsumerRecord<String, String>> pollUntil(
      KafkaConsumer<String, String> consumer, int count) {
    List<ConsumerRecord<String, String>> records = new ArrayList<>();
    awaitReading(count + " records for " + consumer.subscription())
        .until(
            () -> {
              consumer.poll(POLL).forEach(records::add);
              return records.size();
            },
            arrived -> arrived >= count);
    return records;
  }

  /** Reads a whole topic from the beginning up to its current end, without a group. */
  static List<ConsumerRecord<String, String>> readAll(
      LocalKafka kafka, String topic, Map<String, Object> extra) {
    try (KafkaConsumer<String, String> consumer = consumer(kafka, extra)) {
      var partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new org.apache.kafka.common.TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<org.apache.kafka.common.TopicPartition, Long> end = consumer.endOffsets(partitions);
      List<ConsumerRecord<String, String>> records = new ArrayList<>();
      awaitReading(topic + " read to its end offsets " + end)
          .until(
              () -> {
                if (partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p))) {
                  return true;
                }
                consumer.poll(POLL).forEach(records::add);
                return false;
              });
      return records;
    }
  }
}
