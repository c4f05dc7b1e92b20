package io.streamprop.cli;

import io.streamprop.config.ConfigLoader;
import io.streamprop.config.ConfigSources;
import io.streamprop.config.Program;
import io.streamprop.config.Settings;
import io.streamprop.config.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TimeoutException;
import picocli.CommandLine.Option;

/**
 * The Kafka connection options every broker-facing command takes, as Kafka's own tools name them:
 * {@code --bootstrap-server} and {@code --command-config} (a client properties file: security,
 * SASL, TLS...), plus the common topic prefix. They are read as the services read theirs ({@link
 * ConfigLoader}): the file, then the environment ({@code KAFKA_*}, {@code STREAMPROP_TOPIC_*}),
 * then these flags; the topic names follow {@link Topics}, so a trainer's properties file names the
 * same topics here.
 *
 * <p>{@link #connect()} checks that a broker answers before a command does anything else, so that
 * an unreachable cluster is one clear line after {@link #timeout()} (15 s unless the client
 * property {@code default.api.timeout.ms} says otherwise) rather than a client error from deep
 * inside a command.
 */
final class KafkaOptions {
  /**
   * How long a command waits for a broker's answer unless {@code default.api.timeout.ms} is set.
   */
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);

  @Option(
      names = "--bootstrap-server",
      required = true,
      paramLabel = "HOST:PORT",
      description = "Kafka brokers to connect to.")
  String bootstrapServer;

  @Option(
      names = "--command-config",
      paramLabel = "FILE",
      description =
          "Kafka client properties (security settings and the like), as for Kafka's tools.")
  Path commandConfig;

  @Option(
      names = "--topic-prefix",
      paramLabel = "PREFIX",
      description = "Prefix of every streamprop topic (streamprop.topic.prefix); default none.")
  String topicPrefix;

  private Settings settings;

  private Settings settings() {
    if (settings == null) {
      Map<String, String> flags = new HashMap<>();
      flags.put(ConfigLoader.BOOTSTRAP_SERVERS, bootstrapServer);
      if (topicPrefix != null) {
        flags.put(Topics.PREFIX, topicPrefix);
      }
      settings =
          ConfigLoader.load(
              Program.COMMAND_LINE,
              new ConfigSources(commandConfig, "--command-config", System.getenv(), flags));
    }
    return settings;
  }

  /** The topics, prefix applied. */
  Topics topics() {
    return Topics.from(settings());
  }

  /**
   * The Kafka client properties: every key outside {@code streamprop.}, plus {@code max.block.ms}
   * (how long a producer waits for metadata) set to {@link #timeout()} unless given.
   */
  Properties clientProperties() {
    Properties properties = new Properties();
    properties.putAll(settings().kafka());
    properties.putIfAbsent(
        ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(timeout(properties).toMillis()));
    return properties;
  }

  /**
   * {@link #clientProperties()}, once a broker of the cluster has answered a metadata request.
   *
   * @throws UserException when none answers within {@link #timeout()}, or the client cannot start
   *     (an unresolvable address, a bad security setting)
   */
  Properties connect() {
    Properties client = clientProperties();
    Duration timeout = timeout(client);
    try (Admin admin = Admin.create(adminProperties(client))) {
      admin
          .describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()))
          .clusterId()
          .get();
    } catch (ExecutionException e) {
      throw unreachable(e.getCause(), timeout);
    } catch (KafkaException e) {
      throw unreachable(e, timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UserException("interrupted while connecting to Kafka at " + bootstrapServer);
    }
    return client;
  }

  /**
   * {@code client} for an admin client, whose calls take their timeouts one by one: without {@code
   * default.api.timeout.ms} (the admin client refuses one below its {@code request.timeout.ms}) and
   * the producer's {@code max.block.ms}.
   */
  static Properties adminProperties(Properties client) {
    Properties admin = new Properties();
    admin.putAll(client);
    admin.remove(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG);
    admin.remove(ProducerConfig.MAX_BLOCK_MS_CONFIG);
    return admin;
  }

  private UserException unreachable(Throwable cause, Duration timeout) {
    if (cause instanceof TimeoutException) {
      return new UserException(
          "no Kafka broker answers at "
              + bootstrapServer
              + " within "
              + (timeout.toMillis() % 1000 == 0
                  ? timeout.toSeconds() + " s"
                  : timeout.toMillis() + " ms")
              + " (is it running? see --bootstrap-server)",
          cause);
    }
    // "Failed to create new KafkaAdminClient" says less than its cause (an unresolvable address).
    Throwable root = cause;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return new UserException(
        "cannot connect to Kafka at " + bootstrapServer + ": " + root.getMessage(), cause);
  }

  /**
   * How long a command waits for an answer from the cluster: the client property {@code
   * default.api.timeout.ms} when given (for example in {@code --command-config}), else {@link
   * #DEFAULT_TIMEOUT}.
   */
  static Duration timeout(Properties client) {
    String ms = client.getProperty(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG);
    if (ms == null) {
      return DEFAULT_TIMEOUT;
    }
    try {
      long millis = Long.parseLong(ms.trim());
      if (millis > 0) {
        return Duration.ofMillis(millis);
      }
    } catch (NumberFormatException e) {
      // Reported below.
    }
    throw new UserException(
        CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG
            + ": must be a positive number of milliseconds, got '"
            + ms
            + "'");
  }
}
