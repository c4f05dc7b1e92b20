package io.streamprop.demo;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * {@code streamprop demo [--data FILE] [--spec FILE] [--model ID] [--rate N] [--duration D] [--port
 * N] [--metrics-port N]}: runs the whole pipeline in this process (see {@link Demo}) and prints a
 * status line every second until the duration is over or Ctrl-C. Exit status: 0 after a clean stop,
 * 2 for a usage error, 1 when the demo cannot start or a part fails.
 */
public final class DemoMain {
  static final String USAGE =
      String.join(
          "\n",
          "usage: streamprop demo [--data FILE] [--spec FILE] [--model ID] [--rate N]"
              + " [--duration D] [--port N] [--metrics-port N]",
          "  --data          CSV or JSON lines (.gz too) with a final label column; default: the"
              + " bundled UCI Letter Recognition data (20,000 rows, 26 classes, CC BY 4.0)",
          "  --spec          the model spec (JSON); default: the bundled one for the bundled data,"
              + " else inferred from the data file",
          "  --model         the model id (default letter)",
          "  --rate          examples per second to produce (default 2000); the file is looped",
          "  --duration      how long to run: 90s, 5m, 1h or PT1M (default: until Ctrl-C)",
          "  --port          the scorer's HTTP port (default 8080; 0 = any free port)",
          "  --metrics-port  the trainer's /metrics port (default 8081; 0 = any free port)",
          "Logs go to " + logFile() + ".");

  private DemoMain() {}

  public static void main(String[] args) {
    // Before any logger exists: the demo's logs go to a file, the terminal shows the status.
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "io/streamprop/demo/demo-logback.xml");
    }
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the demo until its duration ends or the JVM shuts down; returns the exit status. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    DemoOptions options;
    try {
      options = parse(args);
    } catch (IllegalArgumentException e) {
      err.println("streamprop demo: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
    if (options == null) {
      out.println(USAGE);
      return 0;
    }

    out.println("streamprop demo: starting a Kafka broker, the trainer and the scorer ...");
    Demo demo;
    try {
      demo = Demo.start(options);
    } catch (DemoException e) {
      err.println("streamprop demo: " + e.getMessage());
      return 1;
    }

    CountDownLatch stop = new CountDownLatch(1);
    CountDownLatch closed = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              stop.countDown();
              out.println();
              out.println("streamprop demo: stopping (producer, trainer, scorer, broker) ...");
              demo.close();
              out.println("streamprop demo: stopped");
              closed.countDown();
            },
            "streamprop-demo-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    printIntro(out, demo, options);

    StatusLine status = new StatusLine(demo.modelId(), demo.trainerRegistry(), demo.scorerPort());
    long deadline =
        options.duration() == null
            ? Long.MAX_VALUE
            : System.nanoTime() + options.duration().toNanos();
    String failure = null;
    try {
      while (System.nanoTime() < deadline) {
        if (stop.await(1, TimeUnit.SECONDS)) {
          // Ctrl-C: the hook stops everything; wait for it so the last lines are in order.
          closed.await();
          return 0;
        }
        failure = demo.failure();
        if (failure != null) {
          break;
        }
        out.println(status.next(demo.produced()));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // Shutdown already under way: the hook does the stopping.
      return 0;
    }
    out.println("streamprop demo: stopping (producer, trainer, scorer, broker) ...");
    demo.close();
    if (failure != null) {
      err.println("streamprop demo: " + failure + "; see " + logFile());
      return 1;
    }
    out.println("streamprop demo: stopped");
    return 0;
  }

  private static void printIntro(PrintStream out, Demo demo, DemoOptions options) {
    String features =
        IntStream.range(0, demo.firstFeatures().length)
            .mapToObj(i -> number(demo.firstFeatures()[i]))
            .collect(Collectors.joining(","));
    out.printf(
        Locale.ROOT,
        "streamprop demo: model '%s' (%d inputs, %s), streaming %s at %,.0f examples/s%s%n",
        demo.modelId(),
        demo.spec().inputs(),
        demo.spec().task().name().toLowerCase(Locale.ROOT),
        options.data() == null ? "the bundled UCI Letter Recognition data" : demo.data(),
        options.rate(),
        options.duration() == null
            ? " until Ctrl-C"
            : " for " + options.duration().toSeconds() + "s");
    out.println("  broker:          " + demo.bootstrapServers());
    out.println(
        "  predict:         curl -s -X POST http://localhost:"
            + demo.scorerPort()
            + "/v1/models/"
            + demo.modelId()
            + ":predict -H 'Content-Type: application/json'"
            + " -d '{\"instances\": [["
            + features
            + "]]}'");
    out.println("  scorer metrics:  http://localhost:" + demo.scorerPort() + "/metrics");
    out.println("  trainer metrics: http://localhost:" + demo.trainerMetricsPort() + "/metrics");
    out.println("  logs:            " + logFile());
    out.println("Press Ctrl-C to stop.");
  }

  private static String number(float value) {
    return value == Math.rint(value) && Math.abs(value) < 1e7
        ? Long.toString((long) value)
        : Float.toString(value);
  }

  static Path logFile() {
    return Path.of(System.getProperty("java.io.tmpdir"), "streamprop-demo.log");
  }

  /** Parses the arguments; null means "print usage". */
  static DemoOptions parse(String[] args) {
    DemoOptions d = DemoOptions.defaults();
    Path data = d.data();
    Path spec = d.spec();
    String model = d.modelId();
    double rate = d.rate();
    Duration duration = d.duration();
    int port = d.port();
    int metricsPort = d.metricsPort();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "-h", "--help" -> {
          return null;
        }
        case "--data" -> data = Path.of(value(args, ++i, arg));
        case "--spec" -> spec = Path.of(value(args, ++i, arg));
        case "--model" -> model = value(args, ++i, arg);
        case "--rate" -> rate = number(value(args, ++i, arg), arg);
        case "--duration" -> duration = duration(value(args, ++i, arg));
        case "--port" -> port = (int) integer(value(args, ++i, arg), arg);
        case "--metrics-port" -> metricsPort = (int) integer(value(args, ++i, arg), arg);
        default -> throw new IllegalArgumentException("unknown argument '" + arg + "'");
      }
    }
    return new DemoOptions(data, spec, model, rate, duration, port, metricsPort);
  }

  /** {@code 90s}, {@code 5m}, {@code 1h}, a plain number of seconds, or ISO-8601 ({@code PT1M}). */
  static Duration duration(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    try {
      if (t.startsWith("pt")) {
        return Duration.parse(text.trim());
      }
      if (t.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
      }
      long unit =
          switch (t.charAt(t.length() - 1)) {
            case 's' -> 1;
            case 'm' -> 60;
            case 'h' -> 3600;
            default -> 0;
          };
      String digits = unit == 0 ? t : t.substring(0, t.length() - 1);
      return Duration.ofSeconds(Long.parseLong(digits) * Math.max(unit, 1));
    } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
      throw new IllegalArgumentException(
          "--duration: cannot read '" + text + "'; write e.g. 90s, 5m, 1h or PT1M");
    }
  }

  private static double number(String text, String option) {
    try {
      return Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " needs a number, got '" + text + "'");
    }
  }

  private static long integer(String text, String option) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " needs an integer, got '" + text + "'");
    }
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length || args[i].startsWith("--")) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[i];
  }
}
