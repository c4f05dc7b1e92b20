package io.streamprop.config;

import io.streamprop.wire.SigningKey;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The trainer's keys and their defaults ({@code docs/trainer.md}), beside the topic names of {@link
 * Topics} and the signing key of {@link SigningKey}. An empty default means "not set".
 */
public final class TrainerKeys {
  /** Kafka Streams' application id: consumer group, transactional ids, changelog names. */
  public static final String APPLICATION_ID = "application.id";

  public static final String TOPIC_PARTITIONS = "streamprop.topic.partitions";
  public static final String TOPIC_REPLICATION = "streamprop.topic.replication.factor";
  public static final String TOPIC_CREATE = "streamprop.topic.create";

  /**
   * Whether an example whose key the Java clients' default partitioner (murmur2) puts on another
   * partition of the examples topic is a dead letter ({@code wrong_partition}): a model must have
   * all its examples in one partition, and a librdkafka producer (kcat, confluent-kafka) without
   * {@code partitioner=murmur2_random} would split it into two models of one id.
   */
  public static final String EXAMPLES_PARTITION_CHECK =
      "streamprop.trainer.examples.partition.check";

  public static final String ADMIN_TIMEOUT_MS = "streamprop.admin.timeout.ms";
  public static final String EXAMPLE_MAX_BYTES = "streamprop.example.max.bytes";
  public static final String HOUSEKEEPING_MS = "streamprop.housekeeping.interval.ms";
  public static final String SHUTDOWN_SNAPSHOT_MS = "streamprop.shutdown.snapshot.timeout.ms";
  public static final String METRICS_PORT = "streamprop.metrics.port";
  public static final String MODEL_CACHE_MAX_BYTES = "streamprop.trainer.model.cache.max.bytes";
  public static final String SNAPSHOTS_PER_COMMIT = "streamprop.trainer.snapshots.max.per.commit";
  public static final String METRICS_MAX_MODELS = "streamprop.trainer.metrics.max.models";

  /**
   * Models whose dense layers hold at least this many weights (a population: three times its
   * spec's) learn on a thread beside their stream thread, the learning lane, while the stream
   * thread reads and parses the next examples; smaller ones learn on the stream thread. 0: every
   * model on the lane; -1: none. Either way the models are bit-identical.
   */
  public static final String LEARNING_LANE_MIN_WEIGHTS =
      "streamprop.trainer.learning.lane.min.weights";

  public static final String JOIN_RETENTION_MS = "streamprop.join.retention.ms";
  public static final String JOIN_GRACE_MS = "streamprop.join.grace.ms";
  public static final String JOIN_CHECK_INTERVAL_MS = "streamprop.join.check.interval.ms";
  public static final String MODEL_ID = "streamprop.model.id";
  public static final String MODEL_SPEC = "streamprop.model.spec";
  public static final String MODEL_SPEC_FILE = "streamprop.model.spec.file";

  /** Every key the trainer reads, with its default, in the order of {@code docs/trainer.md}. */
  public static final Map<String, String> DEFAULTS = defaults();

  private TrainerKeys() {}

  private static Map<String, String> defaults() {
    Map<String, String> keys = new LinkedHashMap<>();
    keys.put(APPLICATION_ID, "streamprop-trainer");
    keys.putAll(Topics.DEFAULTS);
    keys.put(TOPIC_CREATE, "true");
    keys.put(EXAMPLES_PARTITION_CHECK, "true");
    keys.put(TOPIC_PARTITIONS, "3");
    keys.put(TOPIC_REPLICATION, "-1");
    keys.put(ADMIN_TIMEOUT_MS, "20000");
    keys.put(EXAMPLE_MAX_BYTES, Integer.toString(1 << 20));
    keys.put(HOUSEKEEPING_MS, "250");
    keys.put(SHUTDOWN_SNAPSHOT_MS, "10000");
    keys.put(MODEL_CACHE_MAX_BYTES, "25%");
    keys.put(SNAPSHOTS_PER_COMMIT, "1000");
    keys.put(METRICS_MAX_MODELS, "1000");
    keys.put(LEARNING_LANE_MIN_WEIGHTS, "4096");
    keys.put(METRICS_PORT, "8081");
    keys.put(JOIN_RETENTION_MS, Long.toString(7L * 24 * 3600 * 1000));
    keys.put(JOIN_GRACE_MS, Long.toString(10L * 60 * 1000));
    keys.put(JOIN_CHECK_INTERVAL_MS, "1000");
    keys.put(MODEL_ID, "");
    keys.put(MODEL_SPEC, "");
    keys.put(MODEL_SPEC_FILE, "");
    keys.put(SigningKey.CONFIG_KEY, "");
    keys.put(SigningKey.CONFIG_KEY_FILE, "");
    return Collections.unmodifiableMap(keys);
  }
}
