package io.streamprop.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Entry point of the child JVM that {@link LocalKafka} starts in {@link
 * LocalKafka.Mode#CHILD_PROCESS} mode: {@code ChildBroker <server.properties> <cluster-id>}. It
 * formats the storage if needed, runs the node, and shuts it down cleanly when its standard input
 * closes. The parent holds that pipe open, so a parent that dies (even by {@code kill -9}) takes
 * its broker with it instead of leaving an orphan on the port.
 */
final class ChildBroker {
  /** The line this JVM prints once its broker serves clients. */
  static final String READY_LINE = "streamprop-local-kafka: ready";

  /** The line this JVM prints once its broker has shut down cleanly. */
  static final String STOPPED_LINE = "streamprop-local-kafka: stopped cleanly";

  private ChildBroker() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: ChildBroker <server.properties> <cluster-id>");
      System.exit(2);
    }
    KraftNode node = new KraftNode(readProperties(Path.of(args[0])), args[1]);
    Runtime.getRuntime().addShutdownHook(new Thread(node::stop, "local-kafka-shutdown"));
    node.start();
    System.out.println(READY_LINE);
    System.out.flush();
    waitForEndOfInput(System.in);
    node.stop();
    System.out.println(STOPPED_LINE);
    System.out.flush();
    System.exit(0);
  }

  private static void waitForEndOfInput(InputStream in) {
    byte[] buffer = new byte[64];
    try {
      while (in.read(buffer) >= 0) {
        // The parent never writes; it only closes the pipe (stop) or dies.
      }
    } catch (IOException e) {
      // A broken pipe means the parent is gone: shut down as if it had closed the pipe.
    }
  }

  private static Map<String, String> readProperties(Path file) throws IOException {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    }
    Map<String, String> config = new LinkedHashMap<>();
    properties.stringPropertyNames().forEach(key -> config.put(key, properties.getProperty(key)));
    return config;
  }
}
