package io.streamprop.local;

import static io.streamprop.local.KafkaClients.consumer;
import static io.streamprop.local.KafkaClients.createTopic;
import static io.streamprop.local.KafkaClients.pollUntil;
import static io.streamprop.local.KafkaClients.producer;
import static io.streamprop.local.KafkaClients.readAll;
import static io.streamprop.local.KafkaClients.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** Stopping, killing and starting a broker keeps its port and its data. */
class LocalKafkaRestartIT {

  @Test
  void inProcess_restart_keepsPortRecordsAndGroupOffsets() throws Exception {
    try (LocalKafka kafka = LocalKafka.builder().start()) {
      String bootstrap = kafka.bootstrapServers();
      String topic = unique("restart");
      String group = unique("restart-group");
      createTopic(kafka, topic, Map.of("cleanup.policy", "compact"));
      produce(kafka, topic, "before-1", "before-2");
      Map<String, Object> groupConfig = Map.of(ConsumerConfig.GROUP_ID_CONFIG, group);
      try (KafkaConsumer<String, String> consumer = consumer(kafka, groupConfig)) {
        consumer.subscribe(List.of(topic));
        assertThat(pollUntil(consumer, 2)).hasSize(2);
        consumer.commitSync();
      }

      kafka.restart();

      assertThat(kafka.isRunning()).isTrue();
      assertThat(kafka.bootstrapServers()).isEqualTo(bootstrap);
      produce(kafka, topic, "after");
      assertThat(readAll(kafka, topic, Map.of()))
          .extracting(ConsumerRecord::value)
          .containsExactly("before-1", "before-2", "after");
      try (KafkaConsumer<String, String> consumer = consumer(kafka, groupConfig)) {
        consumer.subscribe(List.of(topic));
        assertThat(pollUntil(consumer, 1))
            .as("the group resumes from the offset it committed before the restart")
            .extracting(ConsumerRecord::value)
            .containsExactly("after");
      }
    }
  }

  @Test
  void inProcess_clientCreatedBeforeStop_reconnectsAfterStart() throws Exception {
    try (LocalKafka kafka = LocalKafka.builder().start()) {
      String topic = unique("reconnect");
      createTopic(kafka, topic, Map.of());
      try (KafkaProducer<String, String> producer =
          producer(kafka, Map.of(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000))) {
        producer.send(new ProducerRecord<>(topic, "k", "before")).get();

        kafka.stop();
        assertThat(kafka.isRunning()).isFalse();
        kafka.start();

        producer.send(new ProducerRecord<>(topic, "k", "after")).get();
      }
      assertThat(readAll(kafka, topic, Map.of()))
          .extracting(ConsumerRecord::value)
          .containsExactly("before", "after");
    }
  }

  @Test
  void childProcess_killThenStart_keepsAcknowledgedRecordsAndPort() throws Exception {
    try (LocalKafka kafka = LocalKafka.builder().mode(LocalKafka.Mode.CHILD_PROCESS).start()) {
      String bootstrap = kafka.bootstrapServers();
      String topic = unique("killed");
      createTopic(kafka, topic, Map.of());
      produce(kafka, topic, "acked-1", "acked-2");

      kafka.kill();
      assertThat(kafka.isRunning()).isFalse();
      kafka.start();

      assertThat(kafka.bootstrapServers()).isEqualTo(bootstrap);
      assertThat(readAll(kafka, topic, Map.of()))
          .extracting(ConsumerRecord::value)
          .containsExactly("acked-1", "acked-2");

      kafka.stop();
      assertThat(kafka.logDir().resolve("broker.log"))
          .as("stop() shuts the child down cleanly instead of killing it")
          .content()
          .containsOnlyOnce(ChildBroker.STOPPED_LINE);
    }
  }

  @Test
  void start_portAlreadyInUse_failsNamingTheAddressAndCanStartLater() throws Exception {
    try (ServerSocket squatter = new ServerSocket()) {
      squatter.setReuseAddress(true);
      squatter.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
      int port = squatter.getLocalPort();
      try (LocalKafka kafka = LocalKafka.builder().port(port).build()) {
        assertThatThrownBy(kafka::start)
            .isInstanceOf(LocalKafkaException.class)
            .hasMessageContaining("127.0.0.1:" + port);
        assertThat(kafka.isRunning()).isFalse();

        squatter.close();
        kafka.start();
        assertThat(kafka.isRunning()).isTrue();
      }
    }
  }

  private static void produce(LocalKafka kafka, String topic, String... values) throws Exception {
    try (KafkaProducer<String, String> producer = producer(kafka, Map.of())) {
      for (String value : values) {
        producer.send(new ProducerRecord<>(topic, "k", value)).get();
      }
    }
  }
}
