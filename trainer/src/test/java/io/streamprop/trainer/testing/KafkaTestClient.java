package io.streamprop.trainer.testing;

import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.core.ConditionFactory;

/**
 * Produces and reads raw records for integration tests; reads are read_committed unless asked.
 * Shared with {@code fault-tests} through the trainer's test-jar.
 */
public final class KafkaTestClient implements AutoCloseable {
  /** How long one {@code poll} of a reading consumer waits for records. */
  private static final Duration POLL = Duration.ofMillis(100);

  private final Map<String, String> connection;
  private final KafkaProducer<byte[], byte[]> producer;

  public KafkaTestClient(String bootstrap) {
    this(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
  }

  /**
   * A client with these connection settings: {@code bootstrap.servers} and any security settings
   * ({@code security.protocol}, {@code ssl.*}).
   */
  public KafkaTestClient(Map<String, String> connection) {
    this.connection = Map.copyOf(connection);
    Properties p = new Properties();
    p.putAll(connection);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(8 << 20));
    producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  public static byte[] utf8(String s) {
    return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
  }

  public void send(String topic, String key, byte[] value) {
    producer.send(new ProducerRecord<>(topic, utf8(key), value));
  }

  /** Sends to an explicit partition (records without a key). */
  public void send(String topic, int partition, byte[] key, byte[] value) {
    producer.send(new ProducerRecord<>(topic, partition, key, value));
  }

  public void flush() {
    producer.flush();
  }

  private KafkaConsumer<byte[], byte[]> consumer() {
    Properties p = new Properties();
    p.putAll(connection);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(8 << 20));
    return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /**
   * Reads {@code topic} from its beginning until a record matches, polling until {@code timeout}.
   */
  public ConsumerRecord<byte[], byte[]> awaitRecord(
      String topic, Predicate<ConsumerRecord<byte[], byte[]>> match, Duration timeout) {
    return awaitRecord(topic, false, match, timeout);
  }

  /** As {@link #awaitRecord(String, Predicate, Duration)}, optionally seeing uncommitted data. */
  public ConsumerRecord<byte[], byte[]> awaitRecord(
      String topic,
      boolean uncommitted,
      Predicate<ConsumerRecord<byte[], byte[]>> match,
      Duration timeout) {
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(uncommitted)) {
      assignFromBeginning(consumer, topic);
      AtomicReference<ConsumerRecord<byte[], byte[]>> found = new AtomicReference<>();
      awaitReading("a matching record on " + topic, timeout)
          .until(
              () -> {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                  if (match.test(r)) {
                    found.set(r);
                    return true;
                  }
                }
                return false;
              });
      return found.get();
    }
  }

  private KafkaConsumer<byte[], byte[]> consumer(boolean uncommitted) {
    if (!uncommitted) {
      return consumer();
    }
    Properties p = new Properties();
    p.putAll(connection);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
    p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(8 << 20));
    return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /** Reads {@code count} records of {@code topic} from its beginning, within {@code timeout}. */
  public List<ConsumerRecord<byte[], byte[]>> read(String topic, int count, Duration timeout) {
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      assignFromBeginning(consumer, topic);
      awaitReading(count + " records on " + topic, timeout)
          .until(
              () -> {
                consumer.poll(POLL).forEach(records::add);
                return records.size();
              },
              read -> read >= count);
    }
    return records;
  }

  /** Every committed record of {@code topic} now (reads to the end offsets). */
  public List<ConsumerRecord<byte[], byte[]>> readAll(String topic, Duration timeout) {
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      List<TopicPartition> partitions = assignFromBeginning(consumer, topic);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      awaitReading(topic + " read to its end offsets " + end, timeout)
          .until(
              () -> {
                consumer.poll(POLL).forEach(records::add);
                boolean done = true;
                for (TopicPartition tp : partitions) {
                  done &= consumer.position(tp) >= end.get(tp);
                }
                return done;
              });
    }
    return records;
  }

  /**
   * A wait whose condition reads with a consumer: the consumer's own {@link #POLL} timeout is the
   * pause between checks, and the condition runs in the calling thread because a {@link
   * KafkaConsumer} may only be used by one thread, and is closed by the caller after a timeout.
   */
  private static ConditionFactory awaitReading(String what, Duration timeout) {
    return await(what)
        .pollInSameThread()
        .atMost(timeout)
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ZERO);
  }

  private static List<TopicPartition> assignFromBeginning(
      KafkaConsumer<byte[], byte[]> consumer, String topic) {
    List<TopicPartition> partitions =
        consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
            .map(info -> new TopicPartition(topic, info.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    return partitions;
  }

  public static Optional<String> header(ConsumerRecord<byte[], byte[]> record, String name) {
    var h = record.headers().lastHeader(name);
    return h == null
        ? Optional.empty()
        : Optional.of(new String(h.value(), StandardCharsets.UTF_8));
  }

  @Override
  public void close() {
    producer.close();
  }
}
