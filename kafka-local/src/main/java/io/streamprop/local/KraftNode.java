package io.streamprop.local;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One KRaft node in this JVM: formats its storage on first use, then runs {@link KafkaRaftServer},
 * the same server class that {@code kafka.Kafka} (the broker's own {@code main}) runs. Used by
 * {@link LocalKafka} in process and by {@link ChildBroker} inside a child JVM.
 */
final class KraftNode implements KafkaNode {
  private static final Logger log = LoggerFactory.getLogger(KraftNode.class);

  private final Map<String, String> config;
  private final String clusterId;
  private KafkaRaftServer server;

  KraftNode(Map<String, String> config, String clusterId) {
    this.config = Map.copyOf(config);
    this.clusterId = clusterId;
  }

  /** Formats the storage if it has never been formatted, then starts and waits for the broker. */
  @Override
  public synchronized void start() throws Exception {
    if (server != null) {
      throw new IllegalStateException("the Kafka node is already running");
    }
    formatIfNeeded();
    KafkaRaftServer started = new KafkaRaftServer(new KafkaConfig(config, false), Time.SYSTEM);
    // startup() returns once the broker has caught up with the metadata log and is unfenced,
    // i.e. ready to serve clients. If it throws, shut down whatever did start (the controller,
    // its threads and its port) so that a failed start leaves nothing behind in this JVM.
    try {
      started.startup();
    } catch (Throwable e) {
      try {
        started.shutdown();
        started.awaitShutdown();
      } catch (Throwable suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    server = started;
  }

  /** Shuts the node down cleanly (leaders moved, logs flushed, checkpoints written). */
  @Override
  public synchronized void stop() {
    if (server == null) {
      return;
    }
    KafkaRaftServer stopping = server;
    server = null;
    stopping.shutdown();
    stopping.awaitShutdown();
  }

  @Override
  public synchronized boolean isRunning() {
    return server != null;
  }

  /**
   * KRaft refuses to start on unformatted storage. The broker's own tool ({@code
   * kafka.tools.StorageTool}) ends with {@code System.exit}, so we call the {@link Formatter} it
   * wraps. A directory that already holds {@code meta.properties} is left alone: that is what makes
   * a restart keep its data.
   */
  private void formatIfNeeded() throws Exception {
    Path dataDir = Path.of(config.get("log.dirs"));
    if (Files.exists(dataDir.resolve("meta.properties"))) {
      return;
    }
    Files.createDirectories(dataDir);
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    new Formatter()
        .setPrintStream(new PrintStream(output, true, StandardCharsets.UTF_8))
        .setNodeId(Integer.parseInt(config.get("node.id")))
        .setClusterId(clusterId)
        .setDirectories(List.of(dataDir.toString()))
        .setMetadataLogDirectory(dataDir.toString())
        .setControllerListenerName(config.get("controller.listener.names"))
        .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
        .run();
    log.debug("formatted {}: {}", dataDir, output.toString(StandardCharsets.UTF_8).trim());
  }
}
