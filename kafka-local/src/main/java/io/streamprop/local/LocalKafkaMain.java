package io.streamprop.local;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a {@link LocalKafka} in this JVM until the process is stopped (Ctrl-C or {@code SIGTERM}):
 * {@code LocalKafkaMain [--brokers N] [--port PORT] [--log-dir DIR] [--max-message-bytes N]
 * [--property KEY=VALUE]...}. With {@code --log-dir} the data survives restarts of the process.
 * Prints {@code bootstrap.servers=HOST:PORT[,...]} on standard output once the brokers serve
 * clients. {@code --brokers 3} runs a {@link LocalKafkaCluster} instead (three child JVMs, each
 * broker and controller; replication factor 3, {@code min.insync.replicas} 2); {@code --port} is
 * for one broker only, {@code --external-address HOST} for a cluster only (a further client
 * listener of every node on that local address, printed as {@code
 * external.bootstrap.servers=HOST:PORT,...}). {@code --help} or {@code -h} prints the options and
 * exits 0.
 */
public final class LocalKafkaMain {
  private static final String SYNOPSIS =
      "usage: LocalKafkaMain [--brokers N] [--port PORT] [--external-address HOST]"
          + " [--log-dir DIR] [--max-message-bytes N] [--property KEY=VALUE]...";

  /** What {@code --help} prints. */
  static final String USAGE =
      SYNOPSIS
          + "\n"
          + "Runs a local Kafka (KRaft) until Ctrl-C or SIGTERM, and prints"
          + " bootstrap.servers=HOST:PORT once it serves clients.\n"
          + "  --brokers N              1 (default): one broker in this JVM; 2 or more: a"
          + " replicated cluster, one child JVM per node\n"
          + "  --port PORT              client port of one broker (default: a free port)\n"
          + "  --external-address HOST  a cluster only: a further client listener of every node on"
          + " this local IPv4 address\n"
          + "  --log-dir DIR            data directory, kept across runs (default: a temporary one,"
          + " deleted on exit)\n"
          + "  --max-message-bytes N    the broker's message.max.bytes (default "
          + LocalKafka.DEFAULT_MAX_MESSAGE_BYTES
          + ")\n"
          + "  --property KEY=VALUE     any other broker setting; repeatable\n"
          + "  -h, --help               print this help and exit";

  private LocalKafkaMain() {}

  public static void main(String[] args) throws InterruptedException {
    if (wantsHelp(args)) {
      System.out.println(USAGE);
      System.exit(0);
      return;
    }
    AutoCloseable kafka;
    String bootstrap;
    try {
      int brokers = brokers(args);
      if (brokers > 1) {
        LocalKafkaCluster.Builder cluster = parseCluster(args);
        LocalKafkaCluster started = cluster.start();
        kafka = started;
        bootstrap = started.bootstrapServers();
        if (cluster.hasExternalAddress()) {
          bootstrap += "\nexternal.bootstrap.servers=" + started.externalBootstrapServers();
        }
      } else {
        LocalKafka started = parse(args).start();
        kafka = started;
        bootstrap = started.bootstrapServers();
      }
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.err.println(SYNOPSIS + " (--help for more)");
      System.exit(2);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    kafka.close();
                  } catch (Exception e) {
                    System.err.println("error while stopping Kafka: " + e);
                  }
                  stopped.countDown();
                },
                "local-kafka-shutdown"));
    System.out.println("bootstrap.servers=" + bootstrap);
    System.out.flush();
    stopped.await();
  }

  /** Whether {@code --help} or {@code -h} stands where an option name goes. */
  static boolean wantsHelp(String[] args) {
    for (int i = 0; i < args.length; i += 2) {
      if (args[i].equals("--help") || args[i].equals("-h")) {
        return true;
      }
    }
    return false;
  }

  /** The value of {@code --brokers} (1 without it). */
  static int brokers(String[] args) {
    int brokers = 1;
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (args[i].equals("--brokers")) {
        brokers = parseInt("--brokers", args[i + 1]);
        if (brokers < 1) {
          throw new IllegalArgumentException("--brokers must be at least 1, got " + brokers);
        }
      }
    }
    return brokers;
  }

  /** Parses a command line with {@code --brokers} above 1 into a cluster builder. */
  static LocalKafkaCluster.Builder parseCluster(String[] args) {
    LocalKafkaCluster.Builder builder = LocalKafkaCluster.builder();
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(flag + " needs a value");
      }
      String value = args[++i];
      switch (flag) {
        case "--brokers" -> builder.brokers(parseInt(flag, value));
        case "--port" ->
            throw new IllegalArgumentException(
                "--port sets the port of one broker; a cluster's nodes take free ports");
        case "--external-address" -> builder.externalAddress(value);
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
        case "--brokers" -> parseInt(flag, value);
        case "--port" -> builder.port(parseInt(flag, value));
        case "--external-address" ->
            throw new IllegalArgumentException(
                "--external-address is for a cluster (--brokers 2 or more); one broker listens on"
                    + " loopback only");
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
