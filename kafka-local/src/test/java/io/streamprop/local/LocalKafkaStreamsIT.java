package io.streamprop.local;

import static io.streamprop.local.KafkaClients.awaitReading;
import static io.streamprop.local.KafkaClients.createTopic;
import static io.streamprop.local.KafkaClients.producer;
import static io.streamprop.local.KafkaClients.readAll;
import static io.streamprop.local.KafkaClients.unique;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka Streams with exactly-once processing runs on a LocalKafka: the transaction coordinator and
 * the consumer-group coordinator, which need the single-node settings, are both in its path.
 */
class LocalKafkaStreamsIT {

  @Test
  void exactlyOnceStreamsApp_processesRecords_readCommittedSeesResults(@TempDir Path stateDir)
      throws Exception {
    try (LocalKafka kafka = LocalKafka.builder().start()) {
      String input = unique("in");
      String output = unique("out");
      createTopic(kafka, input, Map.of());
      createTopic(kafka, output, Map.of());
      try (KafkaProducer<String, String> producer = producer(kafka, Map.of())) {
        for (String value : List.of("a", "b", "c")) {
          producer.send(new ProducerRecord<>(input, "k", value));
        }
        producer.flush();
      }

      try (KafkaStreams streams =
          new KafkaStreams(upperCase(input, output), props(kafka, stateDir))) {
        streams.start();
        assertThat(awaitCommitted(kafka, output, 3))
            .extracting(ConsumerRecord::value)
            .containsExactly("A", "B", "C");
      }
    }
  }

  @Test
  void exactlyOnceStreamsApp_brokerRestartedMidStream_outputHasEveryRecordOnce(
      @TempDir Path stateDir) throws Exception {
    try (LocalKafka kafka = LocalKafka.builder().start()) {
      String input = unique("in");
      String output = unique("out");
      createTopic(kafka, input, Map.of());
      createTopic(kafka, output, Map.of());
      try (KafkaStreams streams =
              new KafkaStreams(upperCase(input, output), props(kafka, stateDir));
          KafkaProducer<String, String> producer = producer(kafka, Map.of())) {
        streams.start();
        sendAll(producer, input, "a0", "a1", "a2", "a3", "a4");
        assertThat(awaitCommitted(kafka, output, 5)).hasSize(5);

        kafka.restart();
        sendAll(producer, input, "b0", "b1", "b2", "b3", "b4");

        assertThat(awaitCommitted(kafka, output, 10))
            .extracting(ConsumerRecord::value)
            .containsExactly("A0", "A1", "A2", "A3", "A4", "B0", "B1", "B2", "B3", "B4");
      }
    }
  }

  private static void sendAll(
      KafkaProducer<String, String> producer, String topic, String... values) throws Exception {
    for (String value : values) {
      producer.send(new ProducerRecord<>(topic, "k", value));
    }
    producer.flush();
  }

  /** Reads the committed output until it holds {@code count} records; fails at the deadline. */
  private static List<ConsumerRecord<String, String>> awaitCommitted(
      LocalKafka kafka, String topic, int count) {
    return awaitReading(count + " committed records on " + topic)
        .until(
            () ->
                readAll(
                    kafka, topic, Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")),
            results -> results.size() >= count);
  }

  private static Topology upperCase(String input, String output) {
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(input, Consumed.with(Serdes.String(), Serdes.String()).withName("read-input"))
        .mapValues(value -> value.toUpperCase(java.util.Locale.ROOT), Named.as("upper-case"))
        .to(output, Produced.with(Serdes.String(), Serdes.String()).withName("write-output"));
    return builder.build();
  }

  private static Properties props(LocalKafka kafka, Path stateDir) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, unique("eos-app"));
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    return props;
  }
}
