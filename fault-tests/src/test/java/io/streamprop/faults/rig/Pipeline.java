package io.streamprop.faults.rig;

import io.streamprop.config.ConfigSources;
import io.streamprop.config.ScorerKeys;
import io.streamprop.config.Topics;
import io.streamprop.config.TrainerKeys;
import io.streamprop.scorer.ScorerMain;
import io.streamprop.trainer.TrainerMain;
import io.streamprop.trainer.admin.TopicAdmin;
import io.streamprop.trainer.config.TrainerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;

/**
 * One scenario's deployment on a broker: the topics (created by the trainer's own {@link
 * TopicAdmin}, compacted where they should be), and trainer and scorer child processes configured
 * through properties files exactly as a user would. Every topic carries the scenario's prefix.
 * Settings both apps share (the bootstrap servers, Kafka's {@code security.protocol} and {@code
 * ssl.*} keys, the snapshot signing key) are written into both files.
 */
public final class Pipeline {
  private final Map<String, String> common;
  private final Path dir;
  private final Children children;
  private final Path trainerConfigFile;
  private final TrainerConfig trainerConfig;
  private final String topicPrefix;

  public Pipeline(String bootstrap, Path dir, Children children, String name) {
    this(Map.of("bootstrap.servers", bootstrap), dir, children, name);
  }

  /**
   * @param common lines of both apps' properties files, {@code bootstrap.servers} among them
   */
  public Pipeline(Map<String, String> common, Path dir, Children children, String name) {
    this.common = new LinkedHashMap<>(common);
    this.dir = dir;
    this.children = children;
    this.trainerConfigFile = dir.resolve("trainer.properties");
    this.topicPrefix = name + ".";
    try {
      Files.writeString(
          trainerConfigFile,
          lines(
              "application.id=" + name,
              "state.dir=" + dir.resolve("trainer-state"),
              Topics.PREFIX + "=" + topicPrefix,
              TrainerKeys.METRICS_PORT + "=-1",
              TrainerKeys.HOUSEKEEPING_MS + "=100",
              // Static membership: a restarted trainer takes over at once instead of waiting for
              // the killed one's session to expire.
              "group.instance.id=" + name + "-trainer",
              "consumer.session.timeout.ms=10000"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    trainerConfig =
        TrainerConfig.load(new ConfigSources(trainerConfigFile, "--config", Map.of(), Map.of()));
    // Create the topics before anything writes: producing first would auto-create them
    // uncompacted.
    try (Admin admin = Admin.create(trainerConfig.adminProperties())) {
      TopicAdmin.ensureTopics(admin, trainerConfig);
    }
  }

  /** The common lines, then {@code own}, as the text of a properties file. */
  private String lines(String... own) {
    List<String> lines = new ArrayList<>();
    common.forEach((key, value) -> lines.add(key + "=" + value));
    lines.addAll(List.of(own));
    lines.add("");
    return String.join("\n", lines);
  }

  /** The trainer's properties file, as written. */
  public Path trainerConfigFile() {
    return trainerConfigFile;
  }

  /** The scorer's properties file (written by {@link #startScorer}). */
  public Path scorerConfigFile() {
    return dir.resolve("scorer.properties");
  }

  public TrainerConfig config() {
    return trainerConfig;
  }

  public Process startTrainer(String logName) throws IOException {
    return children.start(
        logName, TrainerMain.class.getName(), "--config", trainerConfigFile.toString());
  }

  /** Starts a scorer on {@code port} reading this pipeline's snapshot topic. */
  public Process startScorer(String logName, int port) throws IOException {
    Path file = scorerConfigFile();
    Files.writeString(
        file,
        lines(
            Topics.PREFIX + "=" + topicPrefix,
            ScorerKeys.HTTP_HOST + "=127.0.0.1",
            ScorerKeys.HTTP_PORT + "=" + port,
            ScorerKeys.SERVING_LOSS_ENABLED + "=false"));
    return children.start(logName, ScorerMain.class.getName(), "--config", file.toString());
  }

  /** A port that was free a moment ago (the scorer keeps it across its restarts). */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
