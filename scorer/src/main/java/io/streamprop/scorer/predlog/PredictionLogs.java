package io.streamprop.scorer.predlog;

import io.micrometer.core.instrument.MeterRegistry;
import io.streamprop.config.TrainerKeys;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the prediction log: creates the {@code predictions} topic if it is missing (with the
 * configured partition count, as the trainer creates the {@code labels} topic it is co-partitioned
 * with), starts the producer and fetches the topic's metadata, so that no predict request waits for
 * it.
 */
public final class PredictionLogs {
  private static final Logger log = LoggerFactory.getLogger(PredictionLogs.class);

  private PredictionLogs() {}

  /**
   * The producer settings. acks=all and idempotence: an acknowledged record is on every in-sync
   * replica and written once, however often the producer retried it. One request in flight, 256 KiB
   * batches and no linger: under concurrent requests the records of every request that arrives
   * while the previous produce request is out share the next one, so the broker, whose cost is per
   * produce request more than per record, sees few large requests (with one in flight the logged
   * scorer answered 6 of 6 rotated benchmark rounds faster than with Kafka's 5), and a record that
   * finds no request out leaves at once: against {@code linger.ms} 1, the paced p99 fell in 5 of 5
   * rounds at the same throughput ({@code docs/benchmarks.md}). No compression: on random rows it
   * gained nothing, and on the scorer's cores it costs predictions.
   */
  public static Map<String, Object> producerProperties(Map<String, Object> kafka, int maxBlockMs) {
    Map<String, Object> props = new HashMap<>();
    for (Map.Entry<String, Object> e : kafka.entrySet()) {
      if (ProducerConfig.configNames().contains(e.getKey())) {
        props.put(e.getKey(), e.getValue());
      }
    }
    props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "streamprop-scorer-predictions");
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 0);
    props.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    props.putIfAbsent(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
    props.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
    props.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, maxBlockMs);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    return props;
  }

  /**
   * The log in {@code mode} on {@code topic}; for {@link PredictionLogMode#OFF} no Kafka client is
   * made.
   *
   * @param partitions partitions of the topic if it must be created
   * @param replication its replication factor, or -1 for the broker's default
   * @param adminTimeoutMs how long listing and creating the topic waits for the broker
   */
  public static PredictionLog open(
      PredictionLogMode mode,
      Map<String, Object> kafka,
      String topic,
      int partitions,
      int replication,
      int adminTimeoutMs,
      int bufferRecords,
      int maxBlockMs,
      MeterRegistry registry)
      throws InterruptedException, ExecutionException {
    if (mode == PredictionLogMode.OFF) {
      return new PredictionLog(mode, null, bufferRecords, registry);
    }
    createIfMissing(kafka, topic, partitions, replication, adminTimeoutMs);
    KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(producerProperties(kafka, maxBlockMs));
    try {
      producer.partitionsFor(topic); // metadata now, not under the first request
    } catch (RuntimeException e) {
      producer.close();
      throw e;
    }
    return new PredictionLog(mode, producer, bufferRecords, registry);
  }

  /**
   * Creates {@code topic} with {@code partitions} and {@code replication} (-1: the broker's) unless
   * it exists; an existing topic is left as it is. As the trainer's topic setup: the admin client
   * retries within {@code timeoutMs} ({@code default.api.timeout.ms}; each request at most 10 s of
   * it), and a broker that does not answer in time stops the start with a message naming the
   * servers and the timeout.
   */
  public static void createIfMissing(
      Map<String, Object> kafka, String topic, int partitions, int replication, int timeoutMs)
      throws InterruptedException, ExecutionException {
    Map<String, Object> props = new HashMap<>();
    for (Map.Entry<String, Object> e : kafka.entrySet()) {
      if (AdminClientConfig.configNames().contains(e.getKey())) {
        props.put(e.getKey(), e.getValue());
      }
    }
    props.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
    props.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(timeoutMs, 10_000));
    String unreachable =
        "cannot reach the Kafka broker at "
            + kafka.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG)
            + " within "
            + timeoutMs
            + " ms ("
            + TrainerKeys.ADMIN_TIMEOUT_MS
            + ") to list or create topic '"
            + topic
            + "'";
    try (Admin admin = Admin.create(props)) {
      if (admin
          .listTopics()
          .names()
          .get(timeoutMs + 1000L, TimeUnit.MILLISECONDS)
          .contains(topic)) {
        return;
      }
      NewTopic newTopic =
          new NewTopic(
              topic,
              Optional.of(partitions),
              replication < 0 ? Optional.empty() : Optional.of((short) replication));
      try {
        admin.createTopics(List.of(newTopic)).all().get(timeoutMs + 1000L, TimeUnit.MILLISECONDS);
        log.info("created topic '{}' with {} partitions", topic, partitions);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e; // a timeout is named below
        }
      }
    } catch (ExecutionException e) {
      if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
        throw new ExecutionException(unreachable, e.getCause());
      }
      throw e;
    } catch (java.util.concurrent.TimeoutException e) {
      throw new ExecutionException(unreachable, e);
    }
  }
}
