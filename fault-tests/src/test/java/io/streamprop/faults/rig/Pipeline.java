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
  private final Map<String, String> trainerOnly;
  private final String name;
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
    this(common, Map.of(), dir, children, name);
  }

  /**
   * @param common lines of both apps' properties files, {@code bootstrap.servers} among them
   * @param trainerOnly further lines of the trainer's files only (e.g. {@code
   *     streamprop.topic.partitions}, {@code num.standby.replicas}); they win over the defaults
   *     here
   */
  public Pipeline(
      Map<String, String> common,
      Map<String, String> trainerOnly,
      Path dir,
      Children children,
      String name) {
    this.common = new LinkedHashMap<>(common);
    this.trainerOnly = new LinkedHashMap<>(trainerOnly);
    this.dir = dir;
    this.children = children;
    this.name = name;
    this.trainerConfigFile = dir.resolve("trainer.properties");
    this.topicPrefix = name + ".";
    writeTrainerFile(trainerConfigFile, dir.resolve("trainer-state"), name + "-trainer");
    trainerConfig =
        TrainerConfig.load(new ConfigSources(trainerConfigFile, "--config", Map.of(), Map.of()));
    // Create the topics before anything writes: producing first would auto-create them
    // uncompacted.
    try (Admin admin = Admin.create(trainerConfig.adminProperties())) {
      TopicAdmin.ensureTopics(admin, trainerConfig);
    }
  }

  private void writeTrainerFile(Path file, Path stateDir, String memberId) {
    writeTrainerFile(file, stateDir, memberId, Map.of());
  }

  private void writeTrainerFile(
      Path file, Path stateDir, String memberId, Map<String, String> overrides) {
    Map<String, String> own = new LinkedHashMap<>();
    own.put("application.id", name);
    own.put("state.dir", stateDir.toString());
    own.put(Topics.PREFIX, topicPrefix);
    own.put(TrainerKeys.METRICS_PORT, "-1");
    own.put(TrainerKeys.HOUSEKEEPING_MS, "100");
    // Static membership: a restarted trainer takes over at once instead of waiting for the
    // killed one's session to expire.
    own.put("group.instance.id", memberId);
    own.put("consumer.session.timeout.ms", "10000");
    own.putAll(trainerOnly);
    Map<String, String> all = new LinkedHashMap<>(common);
    all.putAll(own);
    all.putAll(overrides);
    List<String> lines = new ArrayList<>();
    all.forEach((key, value) -> lines.add(key + "=" + value));
    lines.add("");
    try {
      Files.writeString(file, String.join("\n", lines));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
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

  /**
   * Starts one more trainer instance of the same application: its own properties file, {@code
   * state.dir} ({@code trainer-state-INSTANCE}) and static member id, as a second trainer on one
   * host needs (two instances cannot share a state directory: Kafka Streams locks it).
   */
  public Process startTrainerInstance(String logName, String instance) throws IOException {
    Path file = dir.resolve("trainer-" + instance + ".properties");
    writeTrainerFile(file, dir.resolve("trainer-state-" + instance), name + "-trainer-" + instance);
    return children.start(logName, TrainerMain.class.getName(), "--config", file.toString());
  }

  /**
   * As {@link #startTrainerInstance(String, String)}, with {@code overrides} replacing lines of its
   * properties file (e.g. another {@code bootstrap.servers}) and its {@code java} command run by
   * {@code launcher} (e.g. {@link NetNamespace#launcher()}).
   */
  public Process startTrainerInstance(
      String logName, String instance, Map<String, String> overrides, List<String> launcher)
      throws IOException {
    Path file = dir.resolve("trainer-" + instance + ".properties");
    writeTrainerFile(
        file, dir.resolve("trainer-state-" + instance), name + "-trainer-" + instance, overrides);
    return children.start(
        launcher, logName, TrainerMain.class.getName(), "--config", file.toString());
  }

  /** The static member id ({@code group.instance.id}) of {@link #startTrainerInstance}'s one. */
  public String memberId(String instance) {
    return name + "-trainer-" + instance;
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
