package io.streamprop.trainer;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.streamprop.config.TrainerKeys;
import io.streamprop.nn.kernel.Kernels;
import io.streamprop.spec.SpecException;
import io.streamprop.trainer.admin.TopicSetupException;
import io.streamprop.trainer.config.TrainerConfig;
import io.streamprop.trainer.metrics.MetricsServer;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * The trainer's main class: {@code streamprop trainer --bootstrap-server HOST:PORT [--config FILE]}
 * (options in {@link TrainerCommand}). Loads the configuration, starts the metrics endpoint and the
 * trainer, and stops both cleanly on SIGTERM. Exits 2 on a usage or configuration error, 1 when the
 * trainer cannot start or fails.
 */
public final class TrainerMain {
  private static final Logger log = LoggerFactory.getLogger(TrainerMain.class);

  private TrainerMain() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs {@code streamprop trainer} with {@code args}; returns the exit status. */
  static int run(String[] args) {
    return new CommandLine(new TrainerCommand()).setCommandName("streamprop trainer").execute(args);
  }

  /** Runs the trainer until SIGTERM or a fatal error; returns the exit status. */
  static int serve(TrainerConfig config) {
    log.info("starting with {}", config);
    log.info("engine kernels: {}", Kernels.description());
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);

    MetricsServer metricsServer;
    try {
      metricsServer = startMetrics(config, registry);
    } catch (IOException e) {
      System.err.println("streamprop trainer: " + e.getMessage());
      return 1;
    }
    TrainerApp app;
    try {
      app = TrainerApp.start(config, registry);
    } catch (TopicSetupException | SpecException e) {
      System.err.println("streamprop trainer: " + e.getMessage());
      closeQuietly(metricsServer);
      return 1;
    } catch (Exception e) {
      System.err.println("streamprop trainer: cannot start: " + e);
      log.error("cannot start", e);
      closeQuietly(metricsServer);
      return 1;
    }

    CountDownLatch stopped = new CountDownLatch(1);
    MetricsServer server = metricsServer;
    Thread hook =
        new Thread(
            () -> {
              log.info("shutdown requested");
              app.close();
              closeQuietly(server);
              stopped.countDown();
            },
            "streamprop-trainer-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);

    // Wait until Streams stops on its own (a fatal error) or the hook has closed it.
    try {
      if (app.awaitStop() == KafkaStreams.State.ERROR) {
        System.err.println("streamprop trainer: Kafka Streams failed; see the log");
        return 1;
      }
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  /**
   * Starts the metrics endpoint on {@link TrainerKeys#METRICS_PORT}, or returns null when that is
   * -1.
   *
   * @throws IOException if the port cannot be bound; its one-line message names the address and the
   *     key
   */
  static MetricsServer startMetrics(TrainerConfig config, PrometheusMeterRegistry registry)
      throws IOException {
    int port = config.metricsPort();
    if (port < 0) {
      return null;
    }
    MetricsServer server;
    try {
      server = MetricsServer.start(port, registry);
    } catch (IOException e) {
      throw new IOException(
          "metrics endpoint: "
              + e.getMessage()
              + "; set "
              + TrainerKeys.METRICS_PORT
              + " (now "
              + port
              + ") to a free port, 0 for any free port, or -1 for no endpoint",
          e);
    }
    log.info("metrics on http://localhost:{}/metrics", server.port());
    return server;
  }

  private static void closeQuietly(AutoCloseable closeable) {
    if (closeable == null) {
      return;
    }
    try {
      closeable.close();
    } catch (Exception e) {
      log.warn("error while closing {}", closeable, e);
    }
  }
}
