package io.streamprop.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The options the trainer and the scorer share, as a picocli mixin: where Kafka is, and the
 * properties file to read. The same definitions serve a service's own main class and its {@code
 * streamprop} subcommand.
 */
public final class ServiceOptions {
  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help and exit.")
  boolean help;

  @Option(
      names = "--bootstrap-server",
      paramLabel = "HOST:PORT",
      description =
          "Kafka brokers (bootstrap.servers); else from the --config file or"
              + " KAFKA_BOOTSTRAP_SERVERS.")
  String bootstrapServer;

  /** The plural spelling, as the Kafka key has it; hidden, so that messages name the one above. */
  @Option(names = "--bootstrap-servers", hidden = true, paramLabel = "HOST:PORT")
  void bootstrapServers(String servers) {
    bootstrapServer = servers;
  }

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "A Java properties file: streamprop.* settings and any Kafka client property.")
  Path config;

  /**
   * The sources these options name: the {@code --config} file, {@code environment}, and as flags
   * {@code --bootstrap-server} and then {@code flags} (a service's own options, as keys).
   */
  public ConfigSources sources(Map<String, String> environment, Map<String, String> flags) {
    Map<String, String> all = new LinkedHashMap<>();
    if (bootstrapServer != null) {
      all.put(ConfigLoader.BOOTSTRAP_SERVERS, bootstrapServer);
    }
    all.putAll(flags);
    return new ConfigSources(config, "--config", environment, all);
  }
}
