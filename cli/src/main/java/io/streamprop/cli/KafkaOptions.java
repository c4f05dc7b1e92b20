package io.streamprop.cli;

import io.streamprop.config.ConfigLoader;
import io.streamprop.config.ConfigSources;
import io.streamprop.config.Program;
import io.streamprop.config.Settings;
import io.streamprop.config.Topics;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Option;

/**
 * The Kafka connection options every broker-facing command takes, as Kafka's own tools name them:
 * {@code --bootstrap-server} and {@code --command-config} (a client properties file: security,
 * SASL, TLS...), plus the common topic prefix. They are read as the services read theirs ({@link
 * ConfigLoader}): the file, then the environment ({@code KAFKA_*}, {@code STREAMPROP_TOPIC_*}),
 * then these flags; the topic names follow {@link Topics}, so a trainer's properties file names the
 * same topics here.
 */
final class KafkaOptions {
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

  /** The Kafka client properties: every key outside {@code streamprop.}. */
  Properties clientProperties() {
    Properties properties = new Properties();
    properties.putAll(settings().kafka());
    return properties;
  }
}
