package io.streamprop.local;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directory a {@link LocalKafka} node lives in: its data ({@code data/}, the broker's {@code
 * log.dirs}), the {@code server.properties} it was started with, and, in a child JVM, the broker's
 * output ({@code broker.log}). Deleted on close only if {@link LocalKafka} created it.
 */
final class NodeDirectory {
  private static final Logger log = LoggerFactory.getLogger(NodeDirectory.class);

  private final Path root;
  private final boolean ownedByUs;

  private NodeDirectory(Path root, boolean ownedByUs) {
    this.root = root;
    this.ownedByUs = ownedByUs;
  }

  /** The caller's directory (made absolute), kept on close. */
  static NodeDirectory given(Path dir) {
    return new NodeDirectory(dir.toAbsolutePath(), false);
  }

  /** A new temporary directory, deleted on close. */
  static NodeDirectory temporary() {
    try {
      return new NodeDirectory(Files.createTempDirectory("streamprop-kafka-"), true);
    } catch (IOException e) {
      throw new LocalKafkaException("cannot create a temporary log dir: " + e.getMessage(), e);
    }
  }

  /** Whether this class created the directory (and deletes it on close). */
  boolean isTemporary() {
    return ownedByUs;
  }

  Path root() {
    return root;
  }

  /** The broker's {@code log.dirs}: its topics and its metadata log. */
  Path dataDir() {
    return root.resolve("data");
  }

  Path serverProperties() {
    return root.resolve("server.properties");
  }

  /** Where a child JVM's output goes. */
  Path brokerLog() {
    return root.resolve("broker.log");
  }

  /** Writes {@code config} to {@link #serverProperties()}, creating the directory if missing. */
  void writeServerProperties(Map<String, String> config, String clusterId) throws IOException {
    Properties properties = new Properties();
    properties.putAll(config);
    Files.createDirectories(root);
    try (Writer writer = Files.newBufferedWriter(serverProperties(), StandardCharsets.UTF_8)) {
      properties.store(writer, "written by io.streamprop.local.LocalKafka; cluster " + clusterId);
    }
  }

  /** Deletes the directory and everything in it if it is temporary; a caller's is kept. */
  void deleteIfTemporary() {
    if (ownedByUs) {
      deleteRecursively(root);
    }
  }

  private static void deleteRecursively(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.delete(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
              Files.delete(dir);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      log.warn("could not delete the local Kafka log dir {}: {}", root, e.toString());
    }
  }
}
