package io.streamprop.trainer;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.streamprop.nn.kernel.Kernels;
import io.streamprop.spec.SpecException;
import io.streamprop.trainer.admin.TopicSetupException;
import io.streamprop.trainer.config.ConfigException;
import io.streamprop.trainer.config.TrainerConfig;
import io.streamprop.trainer.metrics.MetricsServer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code streamprop trainer --bootstrap-server HOST:PORT [--config FILE]}: loads the configuration,
 * starts the metrics endpoint and the trainer, and stops both cleanly on SIGTERM. Exits 2 on a
 * usage or configuration error, 1 when the trainer cannot start or fails.
 */
public final class TrainerMain {
  private static final Logger log = LoggerFactory.getLogger(TrainerMain.class);

  private TrainerMain() {}

  static final String USAGE =
      "usage: streamprop trainer --bootstrap-server HOST:PORT [--config FILE]\n"
          + "  --bootstrap-server  Kafka brokers (else bootstrap.servers from the config file or"
          + " KAFKA_BOOTSTRAP_SERVERS)\n"
          + "  --config            a Java properties file: streamprop.* settings and any Kafka"
          + " client or Streams property\n"
          + "Environment: STREAMPROP_X_Y sets streamprop.x.y; KAFKA_X_Y sets x.y (see"
          + " docs/trainer.md).";

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String[] args) {
    TrainerConfig config;
    try {
      config = parse(args);
    } catch (ConfigException e) {
      System.err.println("streamprop trainer: " + e.getMessage());
      System.err.println(USAGE);
      return 2;
    }
    if (config == null) {
      System.out.println(USAGE);
      return 0;
    }

    log.info("engine kernels: {}", Kernels.description());
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);

    MetricsServer metricsServer = null;
    TrainerApp app;
    try {
      if (config.metricsPort() >= 0) {
        metricsServer = MetricsServer.start(config.metricsPort(), registry);
        log.info("metrics on http://localhost:{}/metrics", metricsServer.port());
      }
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

  /** Parses the arguments; null means "print usage". */
  static TrainerConfig parse(String[] args) {
    Path configFile = null;
    Map<String, String> overrides = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "-h", "--help" -> {
          return null;
        }
        case "--bootstrap-server", "--bootstrap-servers" -> {
          overrides.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, value(args, ++i, arg));
        }
        case "--config" -> configFile = Path.of(value(args, ++i, arg));
        default -> throw new ConfigException("unknown argument '" + arg + "'");
      }
    }
    Map<String, String> file =
        configFile == null ? Map.of() : TrainerConfig.readPropertiesFile(configFile);
    return TrainerConfig.from(file, System.getenv(), overrides);
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length || args[i].startsWith("--")) {
      throw new ConfigException(option + " needs a value");
    }
    return args[i];
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
