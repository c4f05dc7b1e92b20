package io.streamprop.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Reads and writes the keyed, compacted topics (model-specs, model-snapshots) from the command
 * line: a read takes every partition from its beginning to its end offset as of the call (no
 * consumer group, nothing committed) and keeps the newest value of each key; a tombstone removes
 * the key. Writes are idempotent with {@code acks=all} and wait for the acknowledgement. Each call
 * to the cluster waits at most {@link KafkaOptions#timeout} for its answer; reading a topic to its
 * end may take up to {@link #READ_DEADLINE} (or that timeout, if longer) in all.
 */
final class ModelTopics {
  static final Duration READ_DEADLINE = Duration.ofSeconds(30);

  private ModelTopics() {}

  /** The newest value of every key of {@code topic}, by key in sorted order. */
  static Map<String, byte[]> readLatest(Properties client, String topic) {
    Properties props = new Properties();
    props.putAll(client);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(64 << 20));
    props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(64 << 20));
    // A broker that creates topics on demand would create a missing one uncompacted.
    props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    Duration timeout = KafkaOptions.timeout(client);
    Map<String, byte[]> latest = new TreeMap<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
      if (infos == null || infos.isEmpty()) {
        throw missing(topic);
      }
      List<TopicPartition> partitions = new ArrayList<>();
      infos.forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions, timeout));
      long deadline = System.nanoTime() + Math.max(READ_DEADLINE.toNanos(), timeout.toNanos());
      while (!end.isEmpty()) {
        if (System.nanoTime() > deadline) {
          throw new UserException("timed out reading topic '" + topic + "' to its end");
        }
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          if (record.key() == null) {
            continue;
          }
          if (record.value() == null) {
            latest.remove(record.key());
          } else {
            latest.put(record.key(), record.value());
          }
        }
        end.entrySet().removeIf(e -> consumer.position(e.getKey(), timeout) >= e.getValue());
      }
    } catch (KafkaException e) {
      throw new UserException("cannot read topic '" + topic + "': " + e.getMessage(), e);
    }
    return latest;
  }

  private static UserException missing(String topic) {
    return new UserException(
        "topic '" + topic + "' does not exist; is the trainer set up on this cluster?");
  }

  /**
   * Writes one record (a null value is a tombstone) and waits for the broker's ack; the topic must
   * exist: a producer would have a broker that creates topics on demand create it, with the
   * broker's defaults rather than the trainer's (a compacted topic would not be compacted).
   */
  static void write(Properties client, String topic, String key, byte[] value) {
    try (Admin admin = Admin.create(KafkaOptions.adminProperties(client))) {
      admin
          .describeTopics(List.of(topic))
          .allTopicNames()
          .get(KafkaOptions.timeout(client).toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        throw missing(topic);
      }
      throw new UserException("cannot read topic '" + topic + "': " + e.getCause().getMessage(), e);
    } catch (TimeoutException e) {
      throw new UserException("timed out looking up topic '" + topic + "'", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UserException("interrupted while looking up topic '" + topic + "'", e);
    }
    Properties props = producerProperties(client);
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      producer
          .send(new ProducerRecord<>(topic, key, value))
          .get(KafkaOptions.timeout(client).toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new UserException(
          "cannot write to topic '" + topic + "': " + e.getCause().getMessage(), e);
    } catch (KafkaException e) {
      throw new UserException("cannot write to topic '" + topic + "': " + e.getMessage(), e);
    } catch (TimeoutException e) {
      throw new UserException("timed out writing to topic '" + topic + "'", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UserException("interrupted while writing to topic '" + topic + "'", e);
    }
  }

  /** Producer settings that lose and duplicate nothing: acks=all, idempotence on. */
  static Properties producerProperties(Properties client) {
    Properties props = new Properties();
    props.putAll(client);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    return props;
  }
}
