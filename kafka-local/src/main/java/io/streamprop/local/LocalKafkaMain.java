package io.streamprop.local;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a {@link LocalKafka} in this JVM until the process is stopped (Ctrl-C or {@code SIGTERM}):
 * {@code LocalKafkaMain [--port PORT] [--log-dir DIR] [--max-message-bytes N] [--property
 * KEY=VALUE]...}. With {@code --log-dir} the data survives restarts of the process. Prints {@code
 * bootstrap.servers=HOST:PORT} on standard output once the broker serves clients.
 */
public final class LocalKafkaMain {
  private LocalKafkaMain() {}

  public static void main(String[] args) throws InterruptedException {
    LocalKafka.Builder builder;
    try {
      builder = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.err.println(
          "usage: LocalKafkaMain [--port PORT] [--log-dir DIR] [--max-message-bytes N]"
              + " [--property KEY=VALUE]...");
      System.exit(2);
      return;
    }
    LocalKafka kafka = builder.start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  kafka.close();
                  stopped.countDown();
                },
                "local-kafka-shutdown"));
    System.out.println("bootstrap.servers=" + kafka.bootstrapServers());
    System.out.flush();
    stopped.await();
  }

  /** Parses the command line into a builder; bad arguments throw with the argument named. */
  static LocalKafka.Builder parse(String[] args) {
    LocalKafka.Builder builder = LocalKafka.builder();
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(flag + " needs a value");
      }
      String value = args[++i];
      switch (flag) {
        case "--port" -> builder.port(parseInt(flag, value));
        case "--log-dir" -> builder.logDir(Path.of(value));
        case "--max-message-bytes" -> builder.maxMessageBytes(parseInt(flag, value));
        case "--property" -> {
          int eq = value.indexOf('=');
          if (eq <= 0) {
            throw new IllegalArgumentException("--property needs KEY=VALUE, got " + value);
          }
          builder.brokerProperty(value.substring(0, eq), value.substring(eq + 1));
        }
        default -> throw new IllegalArgumentException("unknown option " + flag);
      }
    }
    return builder;
  }

  private static int parseInt(String flag, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " needs an integer, got " + value);
    }
  }
}
