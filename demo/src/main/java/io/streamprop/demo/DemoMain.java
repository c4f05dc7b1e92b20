package io.streamprop.demo;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;

/**
 * The demo's main class: {@code streamprop demo [--data FILE] [--spec FILE] [--model ID] [--rate N]
 * [--duration D] [--label-delay D] [--port N] [--metrics-port N]} (options in {@link DemoCommand}).
 * Runs the whole pipeline in this process (see {@link Demo}) and prints a status line every second
 * until the duration is over or Ctrl-C (or SIGTERM). Exit status: 0 after a clean stop (the end of
 * the duration, or the first Ctrl-C: {@link StopSignals}), 2 for a usage error, 1 when the demo
 * cannot start or a part fails.
 */
public final class DemoMain {
  private DemoMain() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs {@code streamprop demo} with {@code args}; returns the exit status. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    return new CommandLine(new DemoCommand())
        .setCommandName("streamprop demo")
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true))
        .execute(args);
  }

  /** Sends the logs to {@link #logFile()}; must run before the first logger exists. */
  static void logToFile() {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "io/streamprop/demo/demo-logback.xml");
    }
  }

  /** Runs the demo until its duration ends or the JVM shuts down; returns the exit status. */
  static int run(DemoOptions options, PrintWriter out, PrintWriter err) {
    out.println("streamprop demo: starting a Kafka broker, the trainer and the scorer ...");
    Demo demo;
    try {
      demo = Demo.start(options);
    } catch (DemoException e) {
      err.println("streamprop demo: " + e.getMessage());
      return 1;
    }

    // Ctrl-C or SIGTERM ends the loop below, which stops the parts and returns 0; the hook
    // covers any other shutdown of the JVM (a closed terminal, SIGHUP).
    CountDownLatch stop = new CountDownLatch(1);
    StopSignals.install(stop::countDown);
    Thread hook =
        new Thread(
            () -> {
              stop.countDown();
              out.println();
              stopAll(demo, options, out);
              out.println("streamprop demo: stopped");
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
          out.println(); // after the terminal's ^C
          break;
        }
        failure = demo.failure();
        if (failure != null) {
          break;
        }
        out.println(
            demo.client() == null ? status.next(demo.produced()) : status.next(demo.client()));
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
    stopAll(demo, options, out);
    if (failure != null) {
      err.println("streamprop demo: " + failure + "; see " + logFile());
      return 1;
    }
    out.println("streamprop demo: stopped");
    return 0;
  }

  /** Says what stops, in the order {@link Demo#close()} stops it, then stops it. */
  private static void stopAll(Demo demo, DemoOptions options, PrintWriter out) {
    out.println(stoppingLine(options));
    demo.close();
  }

  /** {@code streamprop demo: stopping (producer, trainer, scorer, broker) ...}: the parts run. */
  static String stoppingLine(DemoOptions options) {
    return "streamprop demo: stopping ("
        + (options.labelDelay() == null ? "producer" : "simulated client")
        + ", trainer, scorer, broker) ...";
  }

  private static void printIntro(PrintWriter out, Demo demo, DemoOptions options) {
    String what =
        options.labelDelay() == null
            ? String.format(
                Locale.ROOT,
                "streaming %s at %,.0f examples/s",
                source(demo, options),
                options.rate())
            : String.format(
                Locale.ROOT,
                "a simulated client predicts %s at %,.0f rows/s and sends each label %s later"
                    + " (between %s and %s)",
                source(demo, options),
                options.rate(),
                StatusLine.seconds(options.labelDelay()),
                StatusLine.seconds(options.labelDelay().dividedBy(2)),
                StatusLine.seconds(options.labelDelay().multipliedBy(3).dividedBy(2)));
    out.printf(
        Locale.ROOT,
        "streamprop demo: model '%s' (%s, %s), %s%s%n",
        demo.modelId(),
        demo.spec().hasFeatures()
            ? demo.spec().features().size() + " raw features"
            : demo.spec().inputs() + " inputs",
        demo.spec().task().name().toLowerCase(Locale.ROOT),
        what,
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
            + " -d '{\"instances\": ["
            + demo.firstInstance().replace("'", "'\\''")
            + "]}'");
    out.println("  scorer metrics:  http://localhost:" + demo.scorerPort() + "/metrics");
    out.println("  trainer metrics: http://localhost:" + demo.trainerMetricsPort() + "/metrics");
    out.println("  logs:            " + logFile());
    if (demo.client() != null) {
      out.printf(
          Locale.ROOT,
          "  bootstrap:       until the scorer serves a first version, at most %,d rows go to the"
              + " examples topic as labeled examples (seeded); after that the model learns only"
              + " from joined labels%n",
          demo.client().seedLimit());
    }
    out.println("Press Ctrl-C to stop.");
  }

  private static Object source(Demo demo, DemoOptions options) {
    return options.data() == null ? "the bundled UCI Letter Recognition data" : demo.data();
  }

  static Path logFile() {
    return Path.of(System.getProperty("java.io.tmpdir"), "streamprop-demo.log");
  }
}
