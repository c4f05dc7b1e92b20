package io.streamprop.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Properties;
import picocli.CommandLine.Option;

/**
 * The Kafka connection options every broker-facing command takes, as Kafka's own tools name them:
 * {@code --bootstrap-server} and {@code --command-config} (a client properties file: security,
 * SASL, TLS...). The topic names are the defaults of the trainer, with its common prefix option.
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
      defaultValue = "",
      description = "Prefix of every streamprop topic (streamprop.topic.prefix); default none.")
  String topicPrefix;

  String examplesTopic() {
    return topicPrefix + "examples";
  }

  String specsTopic() {
    return topicPrefix + "model-specs";
  }

  String snapshotsTopic() {
    return topicPrefix + "model-snapshots";
  }

  /** The client properties: the file's, then the bootstrap servers from the command line. */
  Properties clientProperties() {
    Properties properties = new Properties();
    if (commandConfig != null) {
      try (Reader reader = Files.newBufferedReader(commandConfig, StandardCharsets.UTF_8)) {
        properties.load(reader);
      } catch (NoSuchFileException e) {
        throw new UserException("--command-config: no such file: " + commandConfig);
      } catch (IOException e) {
        throw new UserException("--command-config: cannot read " + commandConfig + ": " + e);
      }
    }
    properties.setProperty("bootstrap.servers", bootstrapServer);
    return properties;
  }
}
