package io.streamprop.trainer.config;

import io.streamprop.config.ConfigException;
import io.streamprop.config.ConfigLoader;
import io.streamprop.config.ConfigSources;
import io.streamprop.config.Program;
import io.streamprop.config.Settings;
import io.streamprop.config.Topics;
import io.streamprop.config.TrainerKeys;
import io.streamprop.spec.SpecLimits;
import io.streamprop.trainer.join.JoinSettings;
import io.streamprop.trainer.state.BlobFilesRocksDb;
import io.streamprop.wire.SigningKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The trainer's configuration: its own keys ({@link TrainerKeys}, the topic names of {@link
 * Topics}, the signing key) and every Kafka client and Kafka Streams property, passed through
 * unchanged. Read by {@link ConfigLoader} (defaults, properties file, environment, flags) and
 * checked here, at once, so that a bad value stops the trainer at start. Keys: {@code
 * docs/trainer.md}.
 */
public final class TrainerConfig {
  private final Settings settings;
  private final Topics topics;

  private TrainerConfig(Settings settings) {
    this.settings = settings;
    this.topics = Topics.from(settings);
    // Every getter once, so that a bad value fails now, not on first use.
    topicPartitions();
    topicReplicationFactor();
    createTopics();
    examplesPartitionCheck();
    metricsPort();
    exampleMaxBytes();
    housekeepingIntervalMs();
    shutdownSnapshotTimeoutMs();
    modelCacheMaxBytes();
    snapshotsPerCommit();
    metricsMaxModels();
    adminTimeoutMs();
    signingKey();
    joinSettings();
    processingGuarantee();
    checkConfiguredModel();
  }

  /** Loads, merges and checks the trainer's configuration from {@code sources}. */
  public static TrainerConfig load(ConfigSources sources) {
    return new TrainerConfig(ConfigLoader.load(Program.TRAINER, sources));
  }

  private void checkConfiguredModel() {
    boolean inline = settings.optional(TrainerKeys.MODEL_SPEC).isPresent();
    boolean file = settings.optional(TrainerKeys.MODEL_SPEC_FILE).isPresent();
    if (inline && file) {
      throw new ConfigException(
          "set only one of " + TrainerKeys.MODEL_SPEC + " and " + TrainerKeys.MODEL_SPEC_FILE);
    }
    if ((inline || file) != settings.optional(TrainerKeys.MODEL_ID).isPresent()) {
      throw new ConfigException(
          "a model spec in the configuration needs both "
              + TrainerKeys.MODEL_ID
              + " and one of "
              + TrainerKeys.MODEL_SPEC
              + " / "
              + TrainerKeys.MODEL_SPEC_FILE);
    }
  }

  /** The key snapshots are signed with, or null to publish unsigned snapshots. */
  public SigningKey signingKey() {
    return settings.signingKey();
  }

  public String bootstrapServers() {
    return settings.string(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG);
  }

  public String applicationId() {
    return settings.string(StreamsConfig.APPLICATION_ID_CONFIG);
  }

  /** The four topics, prefix applied. */
  public Topics topics() {
    return topics;
  }

  /** Partitions for topics the trainer creates. */
  public int topicPartitions() {
    return settings.integer(TrainerKeys.TOPIC_PARTITIONS, 1, Integer.MAX_VALUE);
  }

  /** Replication factor for topics the trainer creates; -1 takes the broker's default. */
  public short topicReplicationFactor() {
    return (short) settings.integer(TrainerKeys.TOPIC_REPLICATION, -1, Short.MAX_VALUE);
  }

  public boolean createTopics() {
    return settings.bool(TrainerKeys.TOPIC_CREATE);
  }

  /** See {@link TrainerKeys#EXAMPLES_PARTITION_CHECK}. */
  public boolean examplesPartitionCheck() {
    return settings.bool(TrainerKeys.EXAMPLES_PARTITION_CHECK);
  }

  /** Port of the Prometheus endpoint; 0 picks a free port, -1 disables it. */
  public int metricsPort() {
    return settings.integer(TrainerKeys.METRICS_PORT, -1, 65_535);
  }

  /** Largest example record value accepted; larger ones are dead-lettered as oversize. */
  public int exampleMaxBytes() {
    return settings.integer(TrainerKeys.EXAMPLE_MAX_BYTES, 1, Integer.MAX_VALUE);
  }

  /** How often each task checks time-based snapshots and retired specs. */
  public long housekeepingIntervalMs() {
    return settings.integer(TrainerKeys.HOUSEKEEPING_MS, 1, Integer.MAX_VALUE);
  }

  /**
   * Kafka Streams' commit interval in effect: 100 ms ({@link #streamsProperties}) unless {@code
   * commit.interval.ms} is set.
   */
  public long commitIntervalMs() {
    String key = StreamsConfig.COMMIT_INTERVAL_MS_CONFIG;
    String value = streamsProperties().getProperty(key);
    try {
      return Math.max(0, Long.parseLong(value.strip()));
    } catch (NumberFormatException e) {
      throw settings.invalid(key, "must be a whole number of ms, got '" + value + "'");
    }
  }

  /**
   * Kafka Streams' processing guarantee in effect: {@code exactly_once_v2} ({@link
   * #streamsProperties}) unless {@code processing.guarantee} is set. The other value Kafka Streams
   * takes, {@code at_least_once}, is accepted; a model may then learn an example twice after a
   * failure.
   */
  public String processingGuarantee() {
    String key = StreamsConfig.PROCESSING_GUARANTEE_CONFIG;
    String value = streamsProperties().getProperty(key);
    if (!value.equals(StreamsConfig.EXACTLY_ONCE_V2)
        && !value.equals(StreamsConfig.AT_LEAST_ONCE)) {
      throw settings.invalid(
          key,
          "must be "
              + StreamsConfig.EXACTLY_ONCE_V2
              + " (the default, which the trainer's exactly-once training relies on) or "
              + StreamsConfig.AT_LEAST_ONCE
              + ", got '"
              + value
              + "'");
    }
    return value;
  }

  /**
   * Bound of the live models' estimated heap bytes in this process: a number of bytes, or a
   * percentage of the JVM's maximum heap ({@code 25%}, the default: 128 MiB at {@code -Xmx512m}).
   */
  public long modelCacheMaxBytes() {
    String key = TrainerKeys.MODEL_CACHE_MAX_BYTES;
    String value = settings.string(key).trim();
    try {
      if (value.endsWith("%")) {
        double percent = Double.parseDouble(value.substring(0, value.length() - 1).trim());
        if (!(percent > 0 && percent <= 100)) {
          throw settings.invalid(key, "is " + value + ": a percentage must be in (0, 100]");
        }
        return Math.max(1, (long) (Runtime.getRuntime().maxMemory() * percent / 100));
      }
      long bytes = Long.parseLong(value);
      if (bytes < 1) {
        throw settings.invalid(key, "is " + value + ": give at least 1 byte, or a percentage");
      }
      return bytes;
    } catch (NumberFormatException e) {
      throw settings.invalid(
          key, "is '" + value + "': give bytes (134217728) or a percentage of the heap (25%)");
    }
  }

  /** Most snapshots one task publishes between two commits; the rest wait their turn. */
  public int snapshotsPerCommit() {
    return settings.integer(TrainerKeys.SNAPSHOTS_PER_COMMIT, 1, Integer.MAX_VALUE);
  }

  /**
   * Least dense weights of a model that learns on the learning lane beside its stream thread; -1
   * when none does ({@link TrainerKeys#LEARNING_LANE_MIN_WEIGHTS}).
   */
  public int learningLaneMinWeights() {
    return settings.integer(TrainerKeys.LEARNING_LANE_MIN_WEIGHTS, -1, Integer.MAX_VALUE);
  }

  /** Models with meters of their own; further models share the meters of {@code _other}. */
  public int metricsMaxModels() {
    return settings.integer(TrainerKeys.METRICS_MAX_MODELS, 0, Integer.MAX_VALUE);
  }

  /** How long topic setup waits for the broker before giving up with a clear message. */
  public long adminTimeoutMs() {
    return settings.integer(TrainerKeys.ADMIN_TIMEOUT_MS, 1, Integer.MAX_VALUE);
  }

  public long shutdownSnapshotTimeoutMs() {
    return settings.integer(TrainerKeys.SHUTDOWN_SNAPSHOT_MS, 1, Integer.MAX_VALUE);
  }

  /** The label join's topics, retention, grace and check interval ({@code docs/trainer.md}). */
  public JoinSettings joinSettings() {
    double maxMs = 1e15; // about 31,700 years: any retention a person means
    return new JoinSettings(
        topics.labels(),
        (long) settings.number(TrainerKeys.JOIN_RETENTION_MS, 1, maxMs),
        (long) settings.number(TrainerKeys.JOIN_GRACE_MS, 0, maxMs),
        (long) settings.number(TrainerKeys.JOIN_CHECK_INTERVAL_MS, 1, maxMs),
        exampleMaxBytes(),
        commitIntervalMs() / 2);
  }

  /** The one-model case: a model id and its spec JSON given in the configuration. */
  public Optional<ConfiguredModel> configuredModel() {
    Optional<String> modelId = settings.optional(TrainerKeys.MODEL_ID);
    if (modelId.isEmpty()) {
      return Optional.empty();
    }
    Optional<String> inline = settings.optional(TrainerKeys.MODEL_SPEC);
    if (inline.isPresent()) {
      return Optional.of(new ConfiguredModel(modelId.get(), inline.get()));
    }
    Path file = Path.of(settings.string(TrainerKeys.MODEL_SPEC_FILE));
    try {
      String json = Files.readString(file, StandardCharsets.UTF_8);
      return Optional.of(new ConfiguredModel(modelId.get(), json));
    } catch (IOException e) {
      throw settings.invalid(
          TrainerKeys.MODEL_SPEC_FILE,
          "names " + file.toAbsolutePath() + ", which cannot be read: " + e.getMessage());
    }
  }

  /** The trainer producer's {@code batch.size} unless configured: 256 KiB. */
  static final String PRODUCER_BATCH_BYTES = Integer.toString(256 << 10);

  /**
   * Properties for {@link org.apache.kafka.streams.KafkaStreams}: exactly-once v2 unless configured
   * otherwise, producer and changelog sizes that fit the largest snapshot, then every pass-through
   * property (which wins).
   */
  public Properties streamsProperties() {
    Properties p = new Properties();
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    int maxRecord = SpecLimits.MAX_SNAPSHOT_RECORD_BYTES;
    p.put(
        StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
        Integer.toString(maxRecord));
    p.put(
        StreamsConfig.producerPrefix(ProducerConfig.BUFFER_MEMORY_CONFIG),
        Long.toString(Math.max(32L << 20, 2L * maxRecord)));
    // Snapshots and changelog records are kilobytes each: the default 16 KiB batch holds a few,
    // so many models publishing cost the broker one request per handful of records; 256 KiB cut
    // the broker's CPU per example to a third at 100,000 models. A batch is sent when full, at
    // linger.ms or at the commit's flush, so a larger one only fills more, it waits no longer.
    p.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), PRODUCER_BATCH_BYTES);
    // A trained-but-uncommitted model is only as old as the commit interval: keep it short.
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100");
    // Model states are kilobytes, rewritten at every commit: in RocksDB's blob files.
    p.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BlobFilesRocksDb.class.getName());
    // The spec loader throws nothing by design; opt in to Kafka 5.0's default now.
    p.put("processing.exception.handler.global.enabled", "true");
    p.putAll(settings.kafka());
    return p;
  }

  /** Properties for the admin client that checks and creates topics. */
  public Properties adminProperties() {
    Properties p = new Properties();
    p.putAll(clientProperties());
    p.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(adminTimeoutMs()));
    p.putIfAbsent(
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
        Long.toString(Math.min(adminTimeoutMs(), 10000)));
    return p;
  }

  /** Properties for a plain producer (publishing the configured spec). */
  public Properties producerProperties() {
    Properties p = new Properties();
    p.putAll(clientProperties());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    return p;
  }

  /**
   * The properties every client shares (bootstrap and security): un-prefixed keys that are not
   * Streams-only settings. Streams-prefixed keys ({@code producer.}, {@code consumer.}, ...) are
   * left out; unknown keys only cause a warning in the Kafka clients.
   */
  private Map<String, String> clientProperties() {
    Map<String, String> client = new TreeMap<>();
    settings
        .kafka()
        .forEach(
            (k, v) -> {
              boolean streamsOnly =
                  k.startsWith("producer.")
                      || k.startsWith("consumer.")
                      || k.startsWith("main.consumer.")
                      || k.startsWith("restore.consumer.")
                      || k.startsWith("global.consumer.")
                      || k.startsWith("admin.")
                      || k.startsWith("topic.")
                      || StreamsConfig.configDef().names().contains(k)
                          && !AdminClientConfig.configNames().contains(k);
              if (!streamsOnly) {
                client.put(k, v);
              }
            });
    return client;
  }

  /** Every key and value, secrets hidden: for the log. */
  @Override
  public String toString() {
    return settings.toString();
  }

  /** A spec given in the configuration for the one-model case. */
  public record ConfiguredModel(String modelId, String specJson) {}
}
