package io.streamprop.scorer.config;

import io.streamprop.config.ConfigLoader;
import io.streamprop.config.ConfigSources;
import io.streamprop.config.Program;
import io.streamprop.config.ScorerKeys;
import io.streamprop.config.Settings;
import io.streamprop.config.Topics;
import io.streamprop.config.TrainerKeys;
import io.streamprop.scorer.predlog.PredictionLogMode;
import io.streamprop.wire.SigningKey;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The scorer's configuration: its own keys ({@link ScorerKeys}, the topic names of {@link Topics},
 * the signing key) and the Kafka client properties passed through to its consumers ({@code
 * bootstrap.servers}, {@code security.protocol}, ...). Read by {@link ConfigLoader} (defaults,
 * properties file, environment, flags) and checked here, at once, so that a bad value stops the
 * scorer at start. Keys: {@code docs/scorer.md}.
 */
public final class ScorerConfig {
  private final Settings settings;
  private final Topics topics;

  private ScorerConfig(Settings settings) {
    this.settings = settings;
    this.topics = Topics.from(settings);
    // Every getter once, so that a bad value fails now, not on first use.
    predictTokens();
    adminTokens();
    port();
    httpThreads();
    httpSelectors();
    maxBodyBytes();
    servingLossEnabled();
    servingLossHalfLife();
    maxSnapshotBytes();
    modelsCacheBytes();
    storeDirectory();
    metricsMaxModels();
    signingKey();
    rateLimitPerSecond();
    rateLimitBurst();
    clientRateLimitPerSecond();
    clientRateLimitBurst();
    clientRateLimitMaxClients();
    predictionsTopic();
    predictionLogMode();
    topicPartitions();
    topicReplication();
    adminTimeoutMs();
    predictionLogBufferRecords();
    predictionLogMaxBlockMs();
    predictionRequestsEnabled();
    predictionRequestsTopic();
    if ((protectMetrics() || protectHealth()) && adminTokens().isEmpty()) {
      throw settings.invalid(
          protectMetrics() ? ScorerKeys.AUTH_PROTECT_METRICS : ScorerKeys.AUTH_PROTECT_HEALTH,
          "needs admin tokens to check: set " + ScorerKeys.AUTH_ADMIN_TOKENS);
    }
  }

  /** Loads, merges and checks the scorer's configuration from {@code sources}. */
  public static ScorerConfig load(ConfigSources sources) {
    return new ScorerConfig(ConfigLoader.load(Program.SCORER, sources));
  }

  public String httpHost() {
    return settings.string(ScorerKeys.HTTP_HOST);
  }

  /** HTTP port; 0 binds a free port. */
  public int port() {
    return settings.integer(ScorerKeys.HTTP_PORT, 0, 65_535);
  }

  public int httpThreads() {
    return settings.integer(ScorerKeys.HTTP_THREADS, 4, 10_000);
  }

  /**
   * Jetty selector threads. Predict requests run on them (the handler never blocks), so this is
   * also the number of threads that compute predictions; see docs/benchmarks.md for the choice.
   */
  public int httpSelectors() {
    return settings.integer(ScorerKeys.HTTP_SELECTORS, 1, 256);
  }

  public int maxBodyBytes() {
    return settings.integer(ScorerKeys.HTTP_MAX_BODY_BYTES, 1024, Integer.MAX_VALUE - 8);
  }

  /** The topics, prefix applied; the scorer reads the snapshots and the examples. */
  public Topics topics() {
    return topics;
  }

  public boolean servingLossEnabled() {
    return settings.bool(ScorerKeys.SERVING_LOSS_ENABLED);
  }

  public String servingLossGroupId() {
    return settings.string(ScorerKeys.SERVING_LOSS_GROUP);
  }

  /** Examples after which an example's weight in the serving-loss averages has halved. */
  public double servingLossHalfLife() {
    return settings.number(ScorerKeys.SERVING_LOSS_HALF_LIFE, 1, 1e9);
  }

  /** Largest snapshot record the consumer must be able to fetch. */
  public int maxSnapshotBytes() {
    return settings.integer(ScorerKeys.MAX_SNAPSHOT_BYTES, 1 << 20, Integer.MAX_VALUE - (1 << 20));
  }

  /**
   * Bound of the decoded models held in memory, in bytes (estimated, see {@code
   * ModelRegistry.weight}); 0 keeps every model decoded in memory and no local store.
   */
  public long modelsCacheBytes() {
    return (long) settings.integer(ScorerKeys.MODELS_CACHE_MB, 0, 1 << 20) << 20;
  }

  /**
   * The directory under which the scorer keeps its local store of snapshot bytes (in a directory of
   * its own, deleted at stop); by default {@code streamprop-scorer} under {@code java.io.tmpdir}.
   */
  public Path storeDirectory() {
    String dir = settings.string(ScorerKeys.STORE_DIR).strip();
    try {
      return dir.isEmpty()
          ? Path.of(System.getProperty("java.io.tmpdir"), "streamprop-scorer")
          : Path.of(dir);
    } catch (InvalidPathException e) {
      throw settings.invalid(ScorerKeys.STORE_DIR, "is not a path: " + e.getMessage());
    }
  }

  /** Served models with per-model series of their own; the others share {@code model="other"}. */
  public int metricsMaxModels() {
    return settings.integer(ScorerKeys.METRICS_MAX_MODELS, 0, 10_000_000);
  }

  /**
   * The key that snapshots must be signed with, or null to serve unsigned and signed snapshots
   * alike (see {@link SigningKey}).
   */
  public SigningKey signingKey() {
    return settings.signingKey();
  }

  /** Bearer tokens accepted on the predict route; empty means the route is open. */
  public List<String> predictTokens() {
    return tokens(ScorerKeys.AUTH_TOKENS);
  }

  /** Bearer tokens accepted on the model-metadata routes (and on every route); empty = open. */
  public List<String> adminTokens() {
    return tokens(ScorerKeys.AUTH_ADMIN_TOKENS);
  }

  /** Whether {@code /metrics} needs an admin token. */
  public boolean protectMetrics() {
    return settings.bool(ScorerKeys.AUTH_PROTECT_METRICS);
  }

  /** Whether {@code /health/*} needs an admin token. */
  public boolean protectHealth() {
    return settings.bool(ScorerKeys.AUTH_PROTECT_HEALTH);
  }

  /** Requests per second the model routes accept, summed over all clients; 0 turns it off. */
  public double rateLimitPerSecond() {
    return settings.number(ScorerKeys.RATE_LIMIT, 0, 1e9);
  }

  /** Requests a burst may take at once; 0 means one second's worth of the rate (at least 1). */
  public int rateLimitBurst() {
    return burst(ScorerKeys.RATE_LIMIT_BURST, rateLimitPerSecond());
  }

  /**
   * Requests per second the model routes accept from one client (its bearer token when the route
   * checks one, else its IP address); 0 turns it off.
   */
  public double clientRateLimitPerSecond() {
    return settings.number(ScorerKeys.CLIENT_RATE_LIMIT, 0, 1e9);
  }

  /** A client's bucket capacity; 0 means one second's worth of its rate (at least 1). */
  public int clientRateLimitBurst() {
    return burst(ScorerKeys.CLIENT_RATE_LIMIT_BURST, clientRateLimitPerSecond());
  }

  /** Per-client buckets kept at most; the least recently used one goes first. */
  public int clientRateLimitMaxClients() {
    return settings.integer(ScorerKeys.CLIENT_RATE_LIMIT_MAX_CLIENTS, 1, 10_000_000);
  }

  /** The prediction log's topic, prefix applied. */
  public String predictionsTopic() {
    return topics.predictions();
  }

  /** When a prediction is answered relative to its log write. */
  public PredictionLogMode predictionLogMode() {
    try {
      return PredictionLogMode.parse(settings.string(ScorerKeys.PREDICTION_LOG_MODE));
    } catch (IllegalArgumentException e) {
      throw settings.invalid(ScorerKeys.PREDICTION_LOG_MODE, e.getMessage());
    }
  }

  /** Partitions of the predictions topic when the scorer creates it (as the trainer's topics). */
  public int topicPartitions() {
    return settings.integer(TrainerKeys.TOPIC_PARTITIONS, 1, 100_000);
  }

  /**
   * How long listing and creating the scorer's topics waits for the broker at start, as the
   * trainer's topic setup ({@code streamprop.admin.timeout.ms}).
   */
  public int adminTimeoutMs() {
    return settings.integer(TrainerKeys.ADMIN_TIMEOUT_MS, 1, Integer.MAX_VALUE);
  }

  /** Replication factor of the predictions topic when the scorer creates it; -1: the broker's. */
  public int topicReplication() {
    int factor = settings.integer(TrainerKeys.TOPIC_REPLICATION, -1, Short.MAX_VALUE);
    if (factor == 0) {
      throw settings.invalid(TrainerKeys.TOPIC_REPLICATION, "must be -1 or at least 1");
    }
    return factor;
  }

  /** Records the async prediction log's buffer holds before it drops. */
  public int predictionLogBufferRecords() {
    return settings.integer(ScorerKeys.PREDICTION_LOG_BUFFER, 1, 100_000_000);
  }

  /** Longest a predict request may wait for room in the producer's buffer or for metadata. */
  public int predictionLogMaxBlockMs() {
    return settings.integer(ScorerKeys.PREDICTION_LOG_MAX_BLOCK_MS, 0, 60_000);
  }

  /** Whether the scorer answers the prediction requests topic (off by default). */
  public boolean predictionRequestsEnabled() {
    return settings.bool(ScorerKeys.PREDICTION_REQUESTS_ENABLED);
  }

  /** The prediction requests topic, prefix applied. */
  public String predictionRequestsTopic() {
    return Topics.predictionRequests(settings);
  }

  /** The consumer group of the scorers that answer prediction requests. */
  public String predictionRequestsGroupId() {
    return settings.string(ScorerKeys.PREDICTION_REQUESTS_GROUP);
  }

  /**
   * The transactional id of this scorer's request answers: the configured one (stable across
   * restarts of one replica, so that a restart fences its crashed predecessor at once), or empty
   * for one drawn at start.
   */
  public String predictionRequestsTransactionalId() {
    return settings.string(ScorerKeys.PREDICTION_REQUESTS_TRANSACTIONAL_ID);
  }

  /** Where records that cannot be answered go. */
  public String deadLettersTopic() {
    return topics.deadLetters();
  }

  private int burst(String key, double rate) {
    int burst = settings.integer(key, 0, 1_000_000_000);
    return burst > 0 ? burst : (int) Math.max(1, Math.ceil(rate));
  }

  private List<String> tokens(String key) {
    List<String> tokens = new ArrayList<>();
    for (String token : settings.string(key).split(",")) {
      String trimmed = token.strip();
      if (trimmed.isEmpty()) {
        continue;
      }
      if (trimmed.length() < 16) {
        throw settings.invalid(
            key,
            "holds a token of "
                + trimmed.length()
                + " characters; tokens need at least 16 (generate one with: openssl rand -hex"
                + " 32)");
      }
      tokens.add(trimmed);
    }
    return List.copyOf(tokens);
  }

  /** Kafka client properties passed through (a copy). */
  public Map<String, Object> kafka() {
    return new TreeMap<>(settings.kafka());
  }

  /** Every key and value, secrets hidden: for the log. */
  @Override
  public String toString() {
    return settings.toString();
  }
}
