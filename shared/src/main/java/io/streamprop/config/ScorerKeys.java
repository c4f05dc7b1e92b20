package io.streamprop.config;

import io.streamprop.spec.SpecLimits;
import io.streamprop.wire.SigningKey;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The scorer's keys and their defaults ({@code docs/scorer.md}), beside the topic names of {@link
 * Topics} and the signing key of {@link SigningKey}. An empty default means "not set".
 */
public final class ScorerKeys {
  public static final String HTTP_HOST = "streamprop.http.host";
  public static final String HTTP_PORT = "streamprop.http.port";
  public static final String HTTP_THREADS = "streamprop.http.threads";
  public static final String HTTP_SELECTORS = "streamprop.http.selectors";
  public static final String HTTP_MAX_BODY_BYTES = "streamprop.http.max.body.bytes";
  public static final String SERVING_LOSS_ENABLED = "streamprop.serving.loss.enabled";
  public static final String SERVING_LOSS_GROUP = "streamprop.serving.loss.group.id";
  public static final String SERVING_LOSS_HALF_LIFE = "streamprop.serving.loss.half.life";
  public static final String MAX_SNAPSHOT_BYTES = "streamprop.snapshot.max.bytes";
  public static final String AUTH_TOKENS = "streamprop.scorer.auth.tokens";
  public static final String AUTH_ADMIN_TOKENS = "streamprop.scorer.auth.admin.tokens";
  public static final String AUTH_PROTECT_METRICS = "streamprop.scorer.auth.protect.metrics";
  public static final String AUTH_PROTECT_HEALTH = "streamprop.scorer.auth.protect.health";
  public static final String RATE_LIMIT = "streamprop.scorer.rate.limit.per.second";
  public static final String RATE_LIMIT_BURST = "streamprop.scorer.rate.limit.burst";
  public static final String CLIENT_RATE_LIMIT = "streamprop.scorer.rate.limit.client.per.second";
  public static final String CLIENT_RATE_LIMIT_BURST = "streamprop.scorer.rate.limit.client.burst";
  public static final String CLIENT_RATE_LIMIT_MAX_CLIENTS =
      "streamprop.scorer.rate.limit.client.max.clients";
  public static final String MODELS_CACHE_MB = "streamprop.scorer.models.cache.mb";
  public static final String STORE_DIR = "streamprop.scorer.store.dir";
  public static final String METRICS_MAX_MODELS = "streamprop.scorer.metrics.max.models";
  public static final String PREDICTION_LOG_MODE = "streamprop.prediction.log.mode";
  public static final String PREDICTION_LOG_BUFFER = "streamprop.prediction.log.buffer.records";
  public static final String PREDICTION_LOG_MAX_BLOCK_MS = "streamprop.prediction.log.max.block.ms";
  public static final String PREDICTION_REQUESTS_ENABLED = "streamprop.prediction.requests.enabled";
  public static final String PREDICTION_REQUESTS_GROUP = "streamprop.prediction.requests.group.id";
  public static final String PREDICTION_REQUESTS_TRANSACTIONAL_ID =
      "streamprop.prediction.requests.transactional.id";

  /** Every key the scorer reads, with its default, in the order of {@code docs/scorer.md}. */
  public static final Map<String, String> DEFAULTS = defaults();

  private ScorerKeys() {}

  private static Map<String, String> defaults() {
    Map<String, String> keys = new LinkedHashMap<>();
    keys.put(HTTP_HOST, "0.0.0.0");
    keys.put(HTTP_PORT, "8080");
    keys.put(HTTP_THREADS, "32");
    keys.put(HTTP_SELECTORS, Integer.toString(defaultSelectors()));
    keys.put(HTTP_MAX_BODY_BYTES, Integer.toString(4 << 20));
    keys.putAll(Topics.DEFAULTS);
    keys.put(SERVING_LOSS_ENABLED, "true");
    keys.put(SERVING_LOSS_GROUP, "streamprop-scorer");
    keys.put(SERVING_LOSS_HALF_LIFE, "1000");
    keys.put(MAX_SNAPSHOT_BYTES, Integer.toString(SpecLimits.MAX_SNAPSHOT_BYTES));
    keys.put(MODELS_CACHE_MB, "128");
    keys.put(STORE_DIR, "");
    keys.put(METRICS_MAX_MODELS, "1000");
    keys.put(SigningKey.CONFIG_KEY, "");
    keys.put(SigningKey.CONFIG_KEY_FILE, "");
    keys.put(AUTH_TOKENS, "");
    keys.put(AUTH_ADMIN_TOKENS, "");
    keys.put(AUTH_PROTECT_METRICS, "false");
    keys.put(AUTH_PROTECT_HEALTH, "false");
    keys.put(RATE_LIMIT, "0");
    keys.put(RATE_LIMIT_BURST, "0");
    keys.put(CLIENT_RATE_LIMIT, "0");
    keys.put(CLIENT_RATE_LIMIT_BURST, "0");
    keys.put(CLIENT_RATE_LIMIT_MAX_CLIENTS, "10000");
    keys.put(TrainerKeys.TOPIC_PARTITIONS, "3");
    keys.put(TrainerKeys.TOPIC_REPLICATION, "-1");
    keys.put(TrainerKeys.ADMIN_TIMEOUT_MS, "20000");
    keys.put(PREDICTION_LOG_MODE, "acknowledged");
    keys.put(PREDICTION_LOG_BUFFER, "100000");
    keys.put(PREDICTION_LOG_MAX_BLOCK_MS, "1000");
    keys.put(PREDICTION_REQUESTS_ENABLED, "false");
    keys.put(PREDICTION_REQUESTS_GROUP, "streamprop-scorer-requests");
    keys.put(PREDICTION_REQUESTS_TRANSACTIONAL_ID, "");
    return Collections.unmodifiableMap(keys);
  }

  /**
   * One Jetty selector per core: predictions are CPU work done on the selector threads (the handler
   * never blocks), so the number of selectors is the number of cores predictions can use. Half the
   * cores would leave one of two cores idle for predictions: on a quiet 2-core machine two
   * selectors serve more requests than one (docs/benchmarks.md). The Kafka consumers, GC and the
   * network stack take their CPU through the OS scheduler as any thread.
   */
  private static int defaultSelectors() {
    return Math.max(1, Runtime.getRuntime().availableProcessors());
  }
}
