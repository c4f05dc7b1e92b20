package io.streamprop.faults.rig;

import io.streamprop.scorer.ScorerMain;
import io.streamprop.scorer.config.ScorerConfig;
import io.streamprop.trainer.TrainerMain;
import io.streamprop.trainer.admin.TopicAdmin;
import io.streamprop.trainer.config.TrainerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;

/**
 * One scenario's deployment on a broker: the topics (created by the trainer's own {@link
 * TopicAdmin}, compacted where they should be), and trainer and scorer child processes configured
 * through properties files exactly as a user would. Every topic carries the scenario's prefix.
 */
public final class Pipeline {
  private final String bootstrap;
  private final Path dir;
  private final Children children;
  private final Path trainerConfigFile;
  private final TrainerConfig trainerConfig;

  public Pipeline(String bootstrap, Path dir, Children children, String name) {
    this.bootstrap = bootstrap;
    this.dir = dir;
    this.children = children;
    this.trainerConfigFile = dir.resolve("trainer.properties");
    try {
      Files.writeString(
          trainerConfigFile,
          String.join(
              "\n",
              "bootstrap.servers=" + bootstrap,
              "application.id=" + name,
              "state.dir=" + dir.resolve("trainer-state"),
              TrainerConfig.TOPIC_PREFIX + "=" + name + ".",
              TrainerConfig.METRICS_PORT + "=-1",
              TrainerConfig.HOUSEKEEPING_MS + "=100",
              // Static membership: a restarted trainer takes over at once instead of waiting for
              // the killed one's session to expire.
              "group.instance.id=" + name + "-trainer",
              "consumer.session.timeout.ms=10000",
              ""));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    trainerConfig =
        TrainerConfig.from(TrainerConfig.readPropertiesFile(trainerConfigFile), Map.of(), Map.of());
    // Create the topics before anything writes: producing first would auto-create them
    // uncompacted.
    try (Admin admin = Admin.create(trainerConfig.adminProperties())) {
      TopicAdmin.ensureTopics(admin, trainerConfig);
    }
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
    Path file = dir.resolve("scorer.properties");
    Files.writeString(
        file,
        String.join(
            "\n",
            "bootstrap.servers=" + bootstrap,
            ScorerConfig.TOPIC_PREFIX + "=" + trainerConfig.value(TrainerConfig.TOPIC_PREFIX).get(),
            ScorerConfig.HTTP_HOST + "=127.0.0.1",
            ScorerConfig.HTTP_PORT + "=" + port,
            ScorerConfig.SERVING_LOSS_ENABLED + "=false",
            ""));
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
