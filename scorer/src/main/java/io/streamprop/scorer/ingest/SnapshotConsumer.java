package io.streamprop.scorer.ingest;

import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.streamprop.config.Topics;
import io.streamprop.scorer.http.Health;
import io.streamprop.scorer.metrics.ScorerMetrics;
import io.streamprop.scorer.registry.ModelLoader;
import io.streamprop.scorer.registry.ModelRegistry;
import io.streamprop.scorer.registry.ModelSummary;
import io.streamprop.scorer.registry.ServedModel;
import io.streamprop.scorer.registry.SnapshotRejectReason;
import io.streamprop.scorer.registry.SnapshotRejectedException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the model-snapshots topic from its beginning on its own thread and keeps the registry
 * serving the newest valid snapshot of every model.
 *
 * <p>No consumer group: every partition is assigned and read from offset 0 on every start, so the
 * scorer needs no committed offsets and each instance sees every model. The consumer reads
 * committed records only (the trainer writes snapshots in transactions). Each record is decoded,
 * built and warmed here, off the request path ({@link ModelLoader}), then swapped in atomically; a
 * tombstone retires the model; a bad or not-newer snapshot is counted and the served model stays.
 *
 * <p>Ready once every partition's position has reached the end offset read when the topic was first
 * found. While the topic does not exist the scorer is not ready: the consumer looks it up every
 * second, says so in one line naming the topic and its key every 30 s ({@link TopicPresence}), and
 * reads it as soon as it appears. Live while the thread runs. New partitions are picked up every
 * {@link #PARTITION_REFRESH}.
 */
public final class SnapshotConsumer implements Health, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SnapshotConsumer.class);

  static final Duration POLL = Duration.ofMillis(100);
  static final Duration PARTITION_REFRESH = Duration.ofSeconds(10);

  private final Map<String, Object> kafka;
  private final String topic;
  private final ModelLoader loader;
  private final ModelRegistry registry;
  private final ScorerMetrics metrics;
  private final TopicPresence presence;
  private final Thread thread;

  private volatile KafkaConsumer<byte[], byte[]> consumer;
  private volatile boolean running = true;
  private volatile boolean ready;
  private volatile String detail = "starting";
  private volatile Throwable failure;
  private final CountDownLatch stopped = new CountDownLatch(1);

  /**
   * @param kafka Kafka client properties (bootstrap servers and any pass-through settings)
   * @param maxSnapshotBytes largest snapshot to fetch; fetch sizes are raised to fit it
   */
  public SnapshotConsumer(
      Map<String, Object> kafka,
      String topic,
      int maxSnapshotBytes,
      ModelLoader loader,
      ModelRegistry registry,
      ScorerMetrics metrics) {
    this.kafka = consumerProperties(kafka, maxSnapshotBytes);
    this.topic = topic;
    this.loader = loader;
    this.registry = registry;
    this.metrics = metrics;
    this.presence = new TopicPresence(log, topic, Topics.SNAPSHOTS, "not ready", System::nanoTime);
    this.thread = new Thread(this::run, "scorer-snapshots");
    this.thread.setDaemon(true);
  }

  static Map<String, Object> consumerProperties(Map<String, Object> kafka, int maxSnapshotBytes) {
    Map<String, Object> props = new HashMap<>(kafka);
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "streamprop-scorer-snapshots");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    // Never auto-create the snapshot topic: the trainer creates it compacted, with size limits.
    props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    // A record larger than these limits would stall the partition; leave room for one whole
    // snapshot plus the batch framing (as SpecLimits.MAX_SNAPSHOT_RECORD_BYTES does).
    int fetch = maxSnapshotBytes + (1 << 20);
    raise(props, ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, fetch);
    raise(props, ConsumerConfig.FETCH_MAX_BYTES_CONFIG, fetch);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    return props;
  }

  private static void raise(Map<String, Object> props, String key, int atLeast) {
    Object value = props.get(key);
    if (value == null || Integer.parseInt(value.toString()) < atLeast) {
      props.put(key, atLeast);
    }
  }

  public void start() {
    thread.start();
  }

  @Override
  public boolean live() {
    return running && failure == null;
  }

  @Override
  public boolean ready() {
    return ready && live();
  }

  @Override
  public String detail() {
    Throwable failed = failure;
    return failed != null ? "snapshot consumer failed: " + failed : detail;
  }

  private void run() {
    try (KafkaConsumer<byte[], byte[]> kafkaConsumer = new KafkaConsumer<>(kafka);
        KafkaClientMetrics clientMetrics = new KafkaClientMetrics(kafkaConsumer)) {
      consumer = kafkaConsumer;
      clientMetrics.bindTo(metrics.registry());
      if (!running) {
        return;
      }
      consume(kafkaConsumer);
    } catch (WakeupException | InterruptedException e) {
      if (running) {
        failure = e;
      }
    } catch (Throwable e) {
      failure = e;
      log.error("snapshot consumer of topic '{}' stopped", topic, e);
    }
  }

  private void consume(KafkaConsumer<byte[], byte[]> kafkaConsumer) throws InterruptedException {
    detail = "looking up the partitions of topic '" + topic + "'";
    Map<TopicPartition, Long> endOffsets = new HashMap<>();
    Set<TopicPartition> assigned = new HashSet<>();
    long nextRefresh = System.nanoTime();
    while (running) {
      if (System.nanoTime() - nextRefresh >= 0) {
        try {
          assignNewPartitions(kafkaConsumer, assigned, endOffsets);
        } catch (TimeoutException e) {
          detail = "cannot reach Kafka to read topic '" + topic + "': " + e.getMessage();
          log.warn(detail);
        }
        Duration wait = assigned.isEmpty() ? Duration.ofSeconds(1) : PARTITION_REFRESH;
        nextRefresh = System.nanoTime() + wait.toNanos();
      }
      if (assigned.isEmpty()) {
        // Nothing to poll yet (topic missing or broker unreachable): look again shortly.
        stopped.await(1, TimeUnit.SECONDS);
        continue;
      }
      for (ConsumerRecord<byte[], byte[]> record : kafkaConsumer.poll(POLL)) {
        apply(record);
      }
      if (!ready) {
        checkReady(kafkaConsumer, endOffsets);
      }
    }
  }

  /**
   * Assigns partitions not assigned yet, from their beginning. End offsets are captured only for
   * the partitions known before readiness: readiness means "caught up with the topic as found".
   * When they cannot be read (a topic just created may not answer yet), the new partitions are
   * unassigned again and the next refresh retries them, so that readiness never skips them.
   */
  private void assignNewPartitions(
      KafkaConsumer<byte[], byte[]> kafkaConsumer,
      Set<TopicPartition> assigned,
      Map<TopicPartition, Long> endOffsets) {
    List<PartitionInfo> infos = kafkaConsumer.partitionsFor(topic, TopicPresence.LOOKUP_TIMEOUT);
    if (infos == null || infos.isEmpty()) {
      if (assigned.isEmpty()) {
        presence.missing();
        detail = presence.missingSentence();
      }
      return;
    }
    presence.found();
    List<TopicPartition> added = new ArrayList<>();
    for (PartitionInfo info : infos) {
      TopicPartition partition = new TopicPartition(info.topic(), info.partition());
      if (assigned.add(partition)) {
        added.add(partition);
      }
    }
    if (added.isEmpty()) {
      return;
    }
    kafkaConsumer.assign(assigned);
    kafkaConsumer.seekToBeginning(added);
    if (!ready) {
      try {
        endOffsets.putAll(kafkaConsumer.endOffsets(added));
      } catch (TimeoutException e) {
        added.forEach(assigned::remove);
        kafkaConsumer.assign(assigned);
        throw e;
      }
      detail = "reading topic '" + topic + "' up to end offsets " + endOffsets;
    }
    log.info("reading snapshots from {} from the beginning", added);
  }

  private void checkReady(
      KafkaConsumer<byte[], byte[]> kafkaConsumer, Map<TopicPartition, Long> endOffsets) {
    for (Map.Entry<TopicPartition, Long> end : endOffsets.entrySet()) {
      if (kafkaConsumer.position(end.getKey()) < end.getValue()) {
        return;
      }
    }
    markReady();
  }

  private void markReady() {
    ready = true;
    detail = "serving " + registry.size() + " models from topic '" + topic + "'";
    log.info("ready: {}", detail);
  }

  /** Serves, retires or rejects the model a record names. */
  void apply(ConsumerRecord<byte[], byte[]> record) {
    if (record.key() == null) {
      reject(null, record, SnapshotRejectReason.NO_KEY, "snapshot record has no key (model id)");
      return;
    }
    String name = new String(record.key(), StandardCharsets.UTF_8);
    if (record.value() == null) {
      ModelSummary removed = registry.remove(name);
      metrics.modelRemoved(name);
      log.info("tombstone: model '{}' retired (was {})", name, removed);
      return;
    }
    try {
      ServedModel model =
          loader.load(name, record.value(), Instant.ofEpochMilli(record.timestamp()));
      if (registry.swapIfNewer(model, record.value())) {
        metrics.modelLoaded(model);
        log.debug("serving model '{}' version {}", name, model.version());
      } else {
        reject(name, record, SnapshotRejectReason.NOT_NEWER, "a newer version is already served");
      }
    } catch (SnapshotRejectedException e) {
      reject(name, record, e.reason(), e.getMessage());
    }
    if (ready) {
      detail = "serving " + registry.size() + " models from topic '" + topic + "'";
    }
  }

  private void reject(
      String name, ConsumerRecord<?, ?> record, SnapshotRejectReason reason, String message) {
    metrics.snapshotRejected(name, reason);
    log.warn(
        "snapshot at {}-{}@{} rejected ({}): {}; still serving version {}",
        record.topic(),
        record.partition(),
        record.offset(),
        reason.code(),
        message,
        name == null ? -1 : registry.servedVersion(name));
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    stopped.countDown();
    KafkaConsumer<byte[], byte[]> current = consumer;
    if (current != null) {
      current.wakeup();
    }
    thread.join(Duration.ofSeconds(10).toMillis());
  }
}
