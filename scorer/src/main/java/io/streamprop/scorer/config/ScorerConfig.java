package io.streamprop.scorer.config;

import io.streamprop.spec.SpecLimits;
import io.streamprop.wire.SigningKey;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * The scorer's configuration, from four layers, each overriding the one before: built-in defaults,
 * a Java properties file ({@code --config FILE}), environment variables, and command-line
 * arguments. Keys are documented in {@code docs/scorer.md}.
 *
 * <ul>
 *   <li>Keys starting with {@code streamprop.} configure the scorer; {@link #KEYS} lists them with
 *       their defaults. Other {@code streamprop.*} keys (the trainer's, say) are ignored, so one
 *       file can serve both apps; an unknown key under a scorer-only prefix ({@code
 *       streamprop.http.}, {@code streamprop.serving.}, {@code streamprop.scorer.}) is an error, as
 *       it is most likely a typo.
 *   <li>Every other key is a Kafka client property, passed through to the scorer's consumers
 *       ({@code bootstrap.servers}, {@code security.protocol}, ...).
 *   <li>Environment, as the trainer reads it: {@code STREAMPROP_X_Y} sets {@code streamprop.x.y}
 *       and {@code KAFKA_X_Y} sets the Kafka property {@code x.y}; a double underscore stands for a
 *       literal underscore ({@code STREAMPROP_HTTP_PORT=9000}, {@code
 *       KAFKA_SECURITY_PROTOCOL=SSL}).
 *   <li>Arguments: {@code --bootstrap-server HOST:PORT}, {@code --config FILE}, {@code --port N}.
 * </ul>
 */
public final class ScorerConfig {
  public static final String HTTP_HOST = "streamprop.http.host";
  public static final String HTTP_PORT = "streamprop.http.port";
  public static final String HTTP_THREADS = "streamprop.http.threads";
  public static final String HTTP_SELECTORS = "streamprop.http.selectors";
  public static final String HTTP_MAX_BODY_BYTES = "streamprop.http.max.body.bytes";
  public static final String TOPIC_PREFIX = "streamprop.topic.prefix";
  public static final String TOPIC_EXAMPLES = "streamprop.topic.examples";
  public static final String TOPIC_SNAPSHOTS = "streamprop.topic.snapshots";
  public static final String SERVING_LOSS_ENABLED = "streamprop.serving.loss.enabled";
  public static final String SERVING_LOSS_GROUP = "streamprop.serving.loss.group.id";
  public static final String SERVING_LOSS_HALF_LIFE = "streamprop.serving.loss.half.life";
  public static final String MAX_SNAPSHOT_BYTES = "streamprop.snapshot.max.bytes";
  public static final String SIGNING_KEY = SigningKey.CONFIG_KEY;
  public static final String SIGNING_KEY_FILE = SigningKey.CONFIG_KEY_FILE;
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

  /** Every scorer key with its default, in documentation order. */
  public static final Map<String, String> KEYS = defaults();

  /** Prefix of environment variables carrying Kafka client properties. */
  public static final String KAFKA_ENV_PREFIX = "KAFKA_";

  private static final String BOOTSTRAP_SERVERS = "bootstrap.servers";

  private final Map<String, String> values;
  private final Map<String, String> kafka;

  private ScorerConfig(Map<String, String> values, Map<String, String> kafka) {
    this.values = values;
    this.kafka = kafka;
    predictTokens();
    adminTokens();
    // Validate everything up front, so a bad value fails at start, not on first use.
    port();
    httpThreads();
    httpSelectors();
    maxBodyBytes();
    servingLossHalfLife();
    maxSnapshotBytes();
    bool(SERVING_LOSS_ENABLED);
    signingKey();
    rateLimitPerSecond();
    rateLimitBurst();
    clientRateLimitPerSecond();
    clientRateLimitBurst();
    clientRateLimitMaxClients();
    if ((protectMetrics() || protectHealth()) && adminTokens().isEmpty()) {
      throw new ConfigException(
          AUTH_PROTECT_METRICS
              + " and "
              + AUTH_PROTECT_HEALTH
              + " need admin tokens to check: set "
              + AUTH_ADMIN_TOKENS);
    }
    if (!kafka.containsKey(BOOTSTRAP_SERVERS) || kafka.get(BOOTSTRAP_SERVERS).isBlank()) {
      throw new ConfigException(
          "no Kafka bootstrap server: pass --bootstrap-server HOST:PORT, set bootstrap.servers in"
              + " the --config file, or set KAFKA_BOOTSTRAP_SERVERS");
    }
  }

  private static Map<String, String> defaults() {
    Map<String, String> keys = new LinkedHashMap<>();
    keys.put(HTTP_HOST, "0.0.0.0");
    keys.put(HTTP_PORT, "8080");
    keys.put(HTTP_THREADS, "32");
    keys.put(HTTP_SELECTORS, Integer.toString(defaultSelectors()));
    keys.put(HTTP_MAX_BODY_BYTES, Integer.toString(4 << 20));
    keys.put(TOPIC_PREFIX, "");
    keys.put(TOPIC_EXAMPLES, "examples");
    keys.put(TOPIC_SNAPSHOTS, "model-snapshots");
    keys.put(SERVING_LOSS_ENABLED, "true");
    keys.put(SERVING_LOSS_GROUP, "streamprop-scorer");
    keys.put(SERVING_LOSS_HALF_LIFE, "1000");
    keys.put(MAX_SNAPSHOT_BYTES, Integer.toString(SpecLimits.MAX_SNAPSHOT_BYTES));
    keys.put(SIGNING_KEY, "");
    keys.put(SIGNING_KEY_FILE, "");
    keys.put(AUTH_TOKENS, "");
    keys.put(AUTH_ADMIN_TOKENS, "");
    keys.put(AUTH_PROTECT_METRICS, "false");
    keys.put(AUTH_PROTECT_HEALTH, "false");
    keys.put(RATE_LIMIT, "0");
    keys.put(RATE_LIMIT_BURST, "0");
    keys.put(CLIENT_RATE_LIMIT, "0");
    keys.put(CLIENT_RATE_LIMIT_BURST, "0");
    keys.put(CLIENT_RATE_LIMIT_MAX_CLIENTS, "10000");
    return Map.copyOf(keys);
  }

  /** Reads the four layers. */
  public static ScorerConfig load(String[] args, Map<String, String> env) {
    Map<String, String> arguments = arguments(args);
    Properties merged = new Properties();
    String file = arguments.remove("--config");
    if (file != null) {
      merged.putAll(readFile(Path.of(file)));
    }
    merged.putAll(envToProperties(env));
    if (arguments.containsKey("--bootstrap-server")) {
      merged.setProperty(BOOTSTRAP_SERVERS, arguments.get("--bootstrap-server"));
    }
    if (arguments.containsKey("--port")) {
      merged.setProperty(HTTP_PORT, arguments.get("--port"));
    }
    return of(merged);
  }

  /** A configuration from properties alone (defaults fill the gaps). */
  public static ScorerConfig of(Properties properties) {
    Map<String, String> values = new TreeMap<>(KEYS);
    Map<String, String> kafka = new TreeMap<>();
    for (String key : properties.stringPropertyNames()) {
      String value = properties.getProperty(key).trim();
      if (KEYS.containsKey(key)) {
        values.put(key, value);
      } else if (key.startsWith("streamprop.scorer.")
          || key.startsWith("streamprop.http.")
          || key.startsWith("streamprop.serving.")) {
        throw new ConfigException(
            "unknown scorer key '"
                + key
                + "'; scorer keys are "
                + String.join(", ", KEYS.keySet()));
      } else if (!key.startsWith("streamprop.")) {
        kafka.put(key, value);
      }
    }
    return new ScorerConfig(values, kafka);
  }

  /**
   * Maps environment variables to keys the way the trainer does: {@code STREAMPROP_X_Y} → {@code
   * streamprop.x.y}, {@code KAFKA_X_Y} → {@code x.y}, and {@code __} → a literal {@code _}.
   */
  public static Map<String, String> envToProperties(Map<String, String> env) {
    Map<String, String> result = new TreeMap<>();
    env.forEach(
        (name, value) -> {
          if (name.startsWith("STREAMPROP_")) {
            result.put(envKey(name), value);
          } else if (name.startsWith(KAFKA_ENV_PREFIX)
              && name.length() > KAFKA_ENV_PREFIX.length()) {
            result.put(envKey(name.substring(KAFKA_ENV_PREFIX.length())), value);
          }
        });
    return result;
  }

  private static String envKey(String name) {
    String[] parts = name.toLowerCase(Locale.ROOT).split("__", -1);
    for (int i = 0; i < parts.length; i++) {
      parts[i] = parts[i].replace('_', '.');
    }
    return String.join("_", parts);
  }

  /** The usage text printed for {@code --help} and on a bad argument. */
  public static String usage() {
    return "usage: streamprop scorer --bootstrap-server HOST:PORT [--config FILE] [--port N]";
  }

  private static Map<String, String> arguments(String[] args) {
    Set<String> known = Set.of("--bootstrap-server", "--config", "--port");
    Map<String, String> arguments = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String value;
      int equals = arg.indexOf('=');
      if (arg.startsWith("--") && equals > 0) {
        value = arg.substring(equals + 1);
        arg = arg.substring(0, equals);
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        value = null;
      }
      if (!known.contains(arg)) {
        throw new ConfigException("unknown argument '" + arg + "'; " + usage());
      }
      if (value == null) {
        throw new ConfigException("argument " + arg + " needs a value; " + usage());
      }
      arguments.put(arg, value);
    }
    return arguments;
  }

  private static Properties readFile(Path file) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e, e);
    }
    return properties;
  }

  public String httpHost() {
    return values.get(HTTP_HOST);
  }

  /** HTTP port; 0 binds a free port. */
  public int port() {
    return integer(HTTP_PORT, 0, 65_535);
  }

  public int httpThreads() {
    return integer(HTTP_THREADS, 4, 10_000);
  }

  /**
   * Jetty selector threads. Predict requests run on them (the handler never blocks), so this is
   * also the number of threads that compute predictions; see docs/benchmarks.md for the choice.
   */
  public int httpSelectors() {
    return integer(HTTP_SELECTORS, 1, 256);
  }

  /**
   * One per core: predictions are CPU work done on the selector threads (the handler never blocks),
   * so the number of selectors is the number of cores predictions can use. Half the cores, the
   * earlier default, left one of two cores idle for predictions: on a quiet 2-core machine two
   * selectors served 1.5–1.8× the requests of one (docs/benchmarks.md). The Kafka consumers, GC and
   * the network stack take their CPU through the OS scheduler as any thread.
   */
  public static int defaultSelectors() {
    return Math.max(1, Runtime.getRuntime().availableProcessors());
  }

  public int maxBodyBytes() {
    return integer(HTTP_MAX_BODY_BYTES, 1024, Integer.MAX_VALUE - 8);
  }

  public String examplesTopic() {
    return values.get(TOPIC_PREFIX) + values.get(TOPIC_EXAMPLES);
  }

  public String snapshotsTopic() {
    return values.get(TOPIC_PREFIX) + values.get(TOPIC_SNAPSHOTS);
  }

  public boolean servingLossEnabled() {
    return bool(SERVING_LOSS_ENABLED);
  }

  public String servingLossGroupId() {
    return values.get(SERVING_LOSS_GROUP);
  }

  /** Examples after which an example's weight in the serving-loss averages has halved. */
  public double servingLossHalfLife() {
    String value = values.get(SERVING_LOSS_HALF_LIFE);
    try {
      double halfLife = Double.parseDouble(value);
      if (!(halfLife >= 1 && halfLife <= 1e9)) {
        throw new ConfigException(SERVING_LOSS_HALF_LIFE + " must be in [1, 1e9], got " + value);
      }
      return halfLife;
    } catch (NumberFormatException e) {
      throw new ConfigException(SERVING_LOSS_HALF_LIFE + " must be a number, got '" + value + "'");
    }
  }

  /** Largest snapshot record the consumer must be able to fetch. */
  public int maxSnapshotBytes() {
    return integer(MAX_SNAPSHOT_BYTES, 1 << 20, Integer.MAX_VALUE - (1 << 20));
  }

  /**
   * The key that snapshots must be signed with, or null to serve unsigned and signed snapshots
   * alike (see {@link SigningKey}).
   */
  public SigningKey signingKey() {
    try {
      return SigningKey.fromConfig(values);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage(), e);
    }
  }

  /** Bearer tokens accepted on the predict route; empty means the route is open. */
  public List<String> predictTokens() {
    return tokens(AUTH_TOKENS);
  }

  /** Bearer tokens accepted on the model-metadata routes (and on every route); empty = open. */
  public List<String> adminTokens() {
    return tokens(AUTH_ADMIN_TOKENS);
  }

  /** Whether {@code /metrics} needs an admin token. */
  public boolean protectMetrics() {
    return bool(AUTH_PROTECT_METRICS);
  }

  /** Whether {@code /health/*} needs an admin token. */
  public boolean protectHealth() {
    return bool(AUTH_PROTECT_HEALTH);
  }

  /** Requests per second the model routes accept, summed over all clients; 0 turns it off. */
  public double rateLimitPerSecond() {
    return rate(RATE_LIMIT);
  }

  /** Requests a burst may take at once; 0 means one second's worth of the rate (at least 1). */
  public int rateLimitBurst() {
    return burst(RATE_LIMIT_BURST, rateLimitPerSecond());
  }

  /**
   * Requests per second the model routes accept from one client (its bearer token when the route
   * checks one, else its IP address); 0 turns it off.
   */
  public double clientRateLimitPerSecond() {
    return rate(CLIENT_RATE_LIMIT);
  }

  /** A client's bucket capacity; 0 means one second's worth of its rate (at least 1). */
  public int clientRateLimitBurst() {
    return burst(CLIENT_RATE_LIMIT_BURST, clientRateLimitPerSecond());
  }

  /** Per-client buckets kept at most; the least recently used one goes first. */
  public int clientRateLimitMaxClients() {
    return integer(CLIENT_RATE_LIMIT_MAX_CLIENTS, 1, 10_000_000);
  }

  private double rate(String key) {
    String value = values.get(key);
    try {
      double rate = Double.parseDouble(value);
      if (!(rate >= 0 && rate <= 1e9)) {
        throw new ConfigException(key + " must be in [0, 1e9], got " + value);
      }
      return rate;
    } catch (NumberFormatException e) {
      throw new ConfigException(key + " must be a number, got '" + value + "'");
    }
  }

  private int burst(String key, double rate) {
    int burst = integer(key, 0, 1_000_000_000);
    return burst > 0 ? burst : (int) Math.max(1, Math.ceil(rate));
  }

  private List<String> tokens(String key) {
    List<String> tokens = new ArrayList<>();
    for (String token : values.get(key).split(",")) {
      String trimmed = token.strip();
      if (trimmed.isEmpty()) {
        continue;
      }
      if (trimmed.length() < 16) {
        throw new ConfigException(
            key
                + " holds a token of "
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
    return new TreeMap<>(kafka);
  }

  private int integer(String key, int min, int max) {
    String value = values.get(key);
    try {
      int parsed = Integer.parseInt(value);
      if (parsed < min || parsed > max) {
        throw new ConfigException(key + " must be in [" + min + ", " + max + "], got " + value);
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new ConfigException(key + " must be an integer, got '" + value + "'");
    }
  }

  private boolean bool(String key) {
    String value = values.get(key).toLowerCase(Locale.ROOT);
    if (!value.equals("true") && !value.equals("false")) {
      throw new ConfigException(key + " must be true or false, got '" + values.get(key) + "'");
    }
    return value.equals("true");
  }

  @Override
  public String toString() {
    Map<String, String> shown = new TreeMap<>(values);
    for (String secret : List.of(SIGNING_KEY, AUTH_TOKENS, AUTH_ADMIN_TOKENS)) {
      if (!shown.get(secret).isEmpty()) {
        shown.put(secret, "[hidden]");
      }
    }
    return "ScorerConfig" + shown + " kafka" + redacted(kafka);
  }

  private static Map<String, String> redacted(Map<String, String> kafka) {
    Map<String, String> shown = new TreeMap<>(kafka);
    shown.replaceAll(
        (key, value) ->
            key.contains("password") || key.contains("jaas") || key.contains("secret")
                ? "[hidden]"
                : value);
    return shown;
  }
}
