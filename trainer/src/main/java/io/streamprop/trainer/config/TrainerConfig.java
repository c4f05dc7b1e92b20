package io.streamprop.trainer.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The trainer's configuration: its own {@code streamprop.*} settings plus every Kafka client and
 * Kafka Streams property, passed through unchanged.
 *
 * <p>Sources, later ones winning: built-in defaults, the properties file ({@code --config}),
 * environment variables, the command line ({@code --bootstrap-server}). Environment variables map
 * to keys by lower-casing and turning {@code _} into {@code .} ({@code __} into a literal {@code
 * _}): {@code STREAMPROP_TOPIC_PREFIX} → {@code streamprop.topic.prefix}, and {@code KAFKA_}
 * variables lose their prefix, so {@code KAFKA_SECURITY_PROTOCOL} → {@code security.protocol} and
 * {@code KAFKA_PRODUCER_COMPRESSION_TYPE} → {@code producer.compression.type}. The full table is in
 * {@code docs/trainer.md}.
 */
public final class TrainerConfig {

  /** Key prefix of the trainer's own settings; everything else goes to Kafka. */
  public static final String PREFIX = "streamprop.";

  public static final String TOPIC_PREFIX = "streamprop.topic.prefix";
  public static final String TOPIC_EXAMPLES = "streamprop.topic.examples";
  public static final String TOPIC_SPECS = "streamprop.topic.specs";
  public static final String TOPIC_SNAPSHOTS = "streamprop.topic.snapshots";
  public static final String TOPIC_DEAD_LETTERS = "streamprop.topic.dead.letters";
  public static final String TOPIC_PARTITIONS = "streamprop.topic.partitions";
  public static final String TOPIC_REPLICATION = "streamprop.topic.replication.factor";
  public static final String TOPIC_CREATE = "streamprop.topic.create";
  public static final String METRICS_PORT = "streamprop.metrics.port";
  public static final String EXAMPLE_MAX_BYTES = "streamprop.example.max.bytes";
  public static final String HOUSEKEEPING_MS = "streamprop.housekeeping.interval.ms";
  public static final String SHUTDOWN_SNAPSHOT_MS = "streamprop.shutdown.snapshot.timeout.ms";
  public static final String ADMIN_TIMEOUT_MS = "streamprop.admin.timeout.ms";
  public static final String MODEL_ID = "streamprop.model.id";
  public static final String MODEL_SPEC = "streamprop.model.spec";
  public static final String MODEL_SPEC_FILE = "streamprop.model.spec.file";

  /** The Kafka Streams application id used when none is configured. */
  public static final String DEFAULT_APPLICATION_ID = "streamprop-trainer";

  private static final Map<String, String> DEFAULTS =
      Map.ofEntries(
          Map.entry(TOPIC_PREFIX, ""),
          Map.entry(TOPIC_EXAMPLES, "examples"),
          Map.entry(TOPIC_SPECS, "model-specs"),
          Map.entry(TOPIC_SNAPSHOTS, "model-snapshots"),
          Map.entry(TOPIC_DEAD_LETTERS, "dead-letters"),
          Map.entry(TOPIC_PARTITIONS, "3"),
          Map.entry(TOPIC_REPLICATION, "-1"),
          Map.entry(TOPIC_CREATE, "true"),
          Map.entry(METRICS_PORT, "8081"),
          Map.entry(EXAMPLE_MAX_BYTES, Integer.toString(1 << 20)),
          Map.entry(HOUSEKEEPING_MS, "250"),
          Map.entry(SHUTDOWN_SNAPSHOT_MS, "10000"),
          Map.entry(ADMIN_TIMEOUT_MS, "20000"));

  private final Map<String, String> values;

  private TrainerConfig(Map<String, String> values) {
    this.values = Map.copyOf(values);
  }

  /**
   * Merges the sources; later ones win.
   *
   * @param file properties from {@code --config} (may be empty)
   * @param env the process environment; only {@code STREAMPROP_*} and {@code KAFKA_*} are read
   * @param overrides from the command line, e.g. {@code bootstrap.servers}
   */
  public static TrainerConfig from(
      Map<String, String> file, Map<String, String> env, Map<String, String> overrides) {
    Map<String, String> merged = new TreeMap<>(DEFAULTS);
    merged.put(StreamsConfig.APPLICATION_ID_CONFIG, DEFAULT_APPLICATION_ID);
    file.forEach((k, v) -> merged.put(k.trim(), v.trim()));
    envToProperties(env).forEach(merged::put);
    overrides.forEach(merged::put);
    TrainerConfig config = new TrainerConfig(merged);
    config.validate();
    return config;
  }

  /** Configuration from properties alone (tests, embedding). */
  public static TrainerConfig of(Map<String, String> properties) {
    return from(properties, Map.of(), Map.of());
  }

  /** Reads a Java properties file (no inline comments: {@code k=v # x} makes "# x" a value). */
  public static Map<String, String> readPropertiesFile(Path file) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
    }
    Map<String, String> result = new LinkedHashMap<>();
    for (String name : properties.stringPropertyNames()) {
      result.put(name, properties.getProperty(name));
    }
    return result;
  }

  /**
   * Maps environment variables to property keys: {@code STREAMPROP_X_Y} → {@code streamprop.x.y},
   * {@code KAFKA_X_Y} → {@code x.y}; a double underscore stands for a literal underscore.
   */
  public static Map<String, String> envToProperties(Map<String, String> env) {
    Map<String, String> result = new TreeMap<>();
    env.forEach(
        (name, value) -> {
          if (name.startsWith("STREAMPROP_")) {
            result.put(envKey(name), value);
          } else if (name.startsWith("KAFKA_") && name.length() > "KAFKA_".length()) {
            result.put(envKey(name.substring("KAFKA_".length())), value);
          }
        });
    return result;
  }

  private static String envKey(String name) {
    // "__" survives as "_", a single "_" becomes ".": split on the double first.
    String[] parts = name.toLowerCase(Locale.ROOT).split("__", -1);
    for (int i = 0; i < parts.length; i++) {
      parts[i] = parts[i].replace('_', '.');
    }
    return String.join("_", parts);
  }

  private void validate() {
    if (bootstrapServers().isEmpty()) {
      throw new ConfigException(
          "bootstrap.servers is not set: pass --bootstrap-server HOST:PORT, set it in the --config"
              + " file, or set KAFKA_BOOTSTRAP_SERVERS");
    }
    positiveInt(TOPIC_PARTITIONS);
    intValue(TOPIC_REPLICATION);
    intValue(METRICS_PORT);
    positiveInt(EXAMPLE_MAX_BYTES);
    positiveInt(HOUSEKEEPING_MS);
    positiveInt(SHUTDOWN_SNAPSHOT_MS);
    positiveInt(ADMIN_TIMEOUT_MS);
    String create = get(TOPIC_CREATE);
    if (!create.equals("true") && !create.equals("false")) {
      throw new ConfigException(TOPIC_CREATE + " must be true or false, got '" + create + "'");
    }
    if (values.containsKey(MODEL_SPEC) && values.containsKey(MODEL_SPEC_FILE)) {
      throw new ConfigException("set only one of " + MODEL_SPEC + " and " + MODEL_SPEC_FILE);
    }
    if ((values.containsKey(MODEL_SPEC) || values.containsKey(MODEL_SPEC_FILE))
        != values.containsKey(MODEL_ID)) {
      throw new ConfigException(
          "a model spec in the configuration needs both "
              + MODEL_ID
              + " and one of "
              + MODEL_SPEC
              + " / "
              + MODEL_SPEC_FILE);
    }
  }

  private String get(String key) {
    return values.getOrDefault(key, "");
  }

  private int intValue(String key) {
    String raw = get(key);
    try {
      return Integer.parseInt(raw);
    } catch (NumberFormatException e) {
      throw new ConfigException(key + " must be an integer, got '" + raw + "'");
    }
  }

  private int positiveInt(String key) {
    int value = intValue(key);
    if (value <= 0) {
      throw new ConfigException(key + " must be > 0, got " + value);
    }
    return value;
  }

  public String bootstrapServers() {
    return get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG);
  }

  public String applicationId() {
    return get(StreamsConfig.APPLICATION_ID_CONFIG);
  }

  public String examplesTopic() {
    return get(TOPIC_PREFIX) + get(TOPIC_EXAMPLES);
  }

  public String specsTopic() {
    return get(TOPIC_PREFIX) + get(TOPIC_SPECS);
  }

  public String snapshotsTopic() {
    return get(TOPIC_PREFIX) + get(TOPIC_SNAPSHOTS);
  }

  public String deadLettersTopic() {
    return get(TOPIC_PREFIX) + get(TOPIC_DEAD_LETTERS);
  }

  /** Partitions for topics the trainer creates. */
  public int topicPartitions() {
    return intValue(TOPIC_PARTITIONS);
  }

  /** Replication factor for topics the trainer creates; -1 takes the broker's default. */
  public short topicReplicationFactor() {
    return (short) intValue(TOPIC_REPLICATION);
  }

  public boolean createTopics() {
    return Boolean.parseBoolean(get(TOPIC_CREATE));
  }

  /** Port of the Prometheus endpoint; 0 picks a free port, -1 disables it. */
  public int metricsPort() {
    return intValue(METRICS_PORT);
  }

  /** Largest example record value accepted; larger ones are dead-lettered as oversize. */
  public int exampleMaxBytes() {
    return intValue(EXAMPLE_MAX_BYTES);
  }

  /** How often each task checks time-based snapshots and retired specs. */
  public long housekeepingIntervalMs() {
    return intValue(HOUSEKEEPING_MS);
  }

  /** How long topic setup waits for the broker before giving up with a clear message. */
  public long adminTimeoutMs() {
    return intValue(ADMIN_TIMEOUT_MS);
  }

  public long shutdownSnapshotTimeoutMs() {
    return intValue(SHUTDOWN_SNAPSHOT_MS);
  }

  /** The one-model case: a model id and its spec JSON given in the configuration. */
  public Optional<ConfiguredModel> configuredModel() {
    if (!values.containsKey(MODEL_ID)) {
      return Optional.empty();
    }
    String json;
    if (values.containsKey(MODEL_SPEC)) {
      json = values.get(MODEL_SPEC);
    } else {
      Path file = Path.of(values.get(MODEL_SPEC_FILE));
      try {
        json = Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new ConfigException(
            MODEL_SPEC_FILE + ": cannot read " + file.toAbsolutePath() + ": " + e.getMessage());
      }
    }
    return Optional.of(new ConfiguredModel(values.get(MODEL_ID), json));
  }

  /** Every key that is not a {@code streamprop.*} setting: Kafka client and Streams properties. */
  public Map<String, String> kafkaProperties() {
    Map<String, String> kafka = new TreeMap<>();
    values.forEach(
        (k, v) -> {
          if (!k.startsWith(PREFIX)) {
            kafka.put(k, v);
          }
        });
    return kafka;
  }

  /**
   * Properties for {@link org.apache.kafka.streams.KafkaStreams}: exactly-once v2 unless configured
   * otherwise, producer and changelog sizes that fit the largest snapshot, then every pass-through
   * property (which wins).
   */
  public Properties streamsProperties() {
    Properties p = new Properties();
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    String maxRecord = Integer.toString(TopicSizes.maxRecordBytes());
    p.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), maxRecord);
    p.put(
        StreamsConfig.producerPrefix(ProducerConfig.BUFFER_MEMORY_CONFIG),
        Long.toString(Math.max(32L << 20, 2L * TopicSizes.maxRecordBytes())));
    // A trained-but-uncommitted model is only as old as the commit interval: keep it short.
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100");
    // The spec loader throws nothing by design; opt in to Kafka 5.0's default now.
    p.put("processing.exception.handler.global.enabled", "true");
    p.putAll(kafkaProperties());
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
    kafkaProperties()
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

  /** The raw merged value of a key, for diagnostics. */
  public Optional<String> value(String key) {
    return Optional.ofNullable(values.get(key));
  }

  /** A spec given in the configuration for the one-model case. */
  public record ConfiguredModel(String modelId, String specJson) {}
}
