package io.streamprop.demo;

import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.streamprop.config.ConfigSources;
import io.streamprop.config.ScorerKeys;
import io.streamprop.config.TrainerKeys;
import io.streamprop.data.DataFileException;
import io.streamprop.data.RawExamples;
import io.streamprop.data.SpecInference;
import io.streamprop.local.LocalKafka;
import io.streamprop.scorer.Scorer;
import io.streamprop.scorer.config.ScorerConfig;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import io.streamprop.trainer.TrainerApp;
import io.streamprop.trainer.config.TrainerConfig;
import io.streamprop.trainer.metrics.MetricsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running demo: a single-node KRaft broker in this JVM, the trainer (Kafka Streams, exactly-once)
 * with its {@code /metrics} endpoint, the scorer (HTTP predictions and {@code /metrics}), and a
 * producer streaming a dataset as examples of one model whose spec the trainer publishes at start,
 * or, with a label delay, a simulated client that asks the scorer for predictions and sends their
 * labels later ({@link DemoClient}), so that the model learns only from labels the trainer joins
 * with its logged predictions.
 *
 * <p>Call order: {@link #start(DemoOptions)}, then the accessors, then {@link #close()}, which
 * stops the parts in the order that loses nothing (producer; trainer, which publishes its final
 * snapshots; the trainer's metrics endpoint; scorer; broker) and deletes the run's temporary
 * directory. Every run gets fresh directories, so a second run starts from nothing.
 */
public final class Demo implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Demo.class);

  /** The bundled dataset and its spec (see the README beside them). */
  static final String BUNDLED_DATA = "letter.csv.gz";

  static final String BUNDLED_SPEC = "letter.json";

  private final DemoOptions options;
  private final Path runDir;
  private LocalKafka kafka;
  private PrometheusMeterRegistry trainerRegistry;
  private MetricsServer metricsServer;
  private TrainerApp trainer;
  private Scorer scorer;
  private DemoProducer producer;
  private DemoClient client;
  private Path data;
  private ModelSpec spec;
  private boolean closed;

  private Demo(DemoOptions options, Path runDir) {
    this.options = options;
    this.runDir = runDir;
  }

  /**
   * Starts every part; on failure stops what had started and throws.
   *
   * @throws DemoException for a problem the user can fix (a missing file, a taken port)
   */
  public static Demo start(DemoOptions options) {
    Path runDir;
    try {
      runDir = Files.createTempDirectory("streamprop-demo-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary directory", e);
    }
    Demo demo = new Demo(options, runDir);
    try {
      demo.startParts();
      return demo;
    } catch (RuntimeException | Error e) {
      demo.close();
      throw e;
    }
  }

  private void startParts() {
    String specJson;
    try {
      data = options.data() == null ? extractBundled(BUNDLED_DATA) : options.data();
      if (!Files.isRegularFile(data)) {
        throw new DemoException("no such data file: " + data);
      }
      if (options.spec() != null) {
        specJson = Files.readString(options.spec(), StandardCharsets.UTF_8);
      } else if (options.data() == null) {
        specJson = Files.readString(extractBundled(BUNDLED_SPEC), StandardCharsets.UTF_8);
      } else {
        specJson = SpecJson.write(SpecInference.infer(data));
      }
      spec = SpecJson.parse(specJson);
      DemoProducer.check(data, spec);
    } catch (DataFileException e) {
      throw new DemoException(e.getMessage(), e);
    } catch (NoSuchFileException e) {
      throw new DemoException("no such file: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new DemoException("cannot read the data or spec: " + e.getMessage(), e);
    }

    kafka = LocalKafka.builder().start();
    log.info("broker on {}", kafka.bootstrapServers());

    trainerRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(trainerRegistry);
    new JvmGcMetrics().bindTo(trainerRegistry);
    new JvmThreadMetrics().bindTo(trainerRegistry);
    new ProcessorMetrics().bindTo(trainerRegistry);
    new UptimeMetrics().bindTo(trainerRegistry);
    try {
      metricsServer = MetricsServer.start(options.metricsPort(), trainerRegistry);
    } catch (IOException e) {
      throw portTaken("--metrics-port", options.metricsPort(), e);
    }
    TrainerConfig trainerConfig = TrainerConfig.load(ConfigSources.of(trainerProperties(specJson)));
    trainer = TrainerApp.start(trainerConfig, trainerRegistry);

    try {
      scorer = new Scorer(ScorerConfig.load(ConfigSources.of(scorerProperties())));
    } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("cannot open the scorer's prediction log: " + e, e);
    }
    try {
      scorer.start();
    } catch (Exception e) {
      throw portTaken("--port", options.port(), e);
    }

    if (options.labelDelay() != null) {
      client =
          new DemoClient(
              kafka.bootstrapServers(),
              trainerConfig.topics().examples(),
              trainerConfig.topics().labels(),
              options.modelId(),
              scorer.port(),
              data,
              spec,
              options.rate(),
              options.labelDelay());
      client.start();
      return;
    }
    producer =
        new DemoProducer(
            kafka.bootstrapServers(),
            trainerConfig.topics().examples(),
            options.modelId(),
            data,
            spec,
            options.rate());
    producer.start();
  }

  private Map<String, String> trainerProperties(String specJson) {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    properties.put(StreamsConfig.STATE_DIR_CONFIG, runDir.resolve("streams").toString());
    properties.put(TrainerKeys.METRICS_PORT, Integer.toString(metricsServer.port()));
    // One model, one partition: nothing to spread, and the lightest broker load.
    properties.put(TrainerKeys.TOPIC_PARTITIONS, "1");
    properties.put(TrainerKeys.MODEL_ID, options.modelId());
    properties.put(TrainerKeys.MODEL_SPEC, specJson);
    return properties;
  }

  private Map<String, String> scorerProperties() {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    properties.put(ScorerKeys.HTTP_PORT, Integer.toString(options.port()));
    properties.put(ScorerKeys.HTTP_THREADS, "8");
    return properties;
  }

  private static DemoException portTaken(String option, int port, Exception e) {
    Throwable cause = e;
    while (cause.getCause() != null && !(cause instanceof BindException)) {
      cause = cause.getCause();
    }
    return new DemoException(
        "cannot listen on port "
            + port
            + " ("
            + cause.getMessage()
            + "); is another demo or service running? Choose another with "
            + option,
        e);
  }

  private Path extractBundled(String name) throws IOException {
    Path target = runDir.resolve(name);
    try (InputStream in = Demo.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("the bundled " + name + " is missing from the build");
      }
      Files.copy(in, target);
    }
    return target;
  }

  public String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  /** The scorer's HTTP port (predictions and {@code /metrics}). */
  public int scorerPort() {
    return scorer.port();
  }

  /** The trainer's {@code /metrics} port. */
  public int trainerMetricsPort() {
    return metricsServer.port();
  }

  public String modelId() {
    return options.modelId();
  }

  public ModelSpec spec() {
    return spec;
  }

  /** The data file being streamed (the extracted copy for the bundled dataset). */
  public Path data() {
    return data;
  }

  public PrometheusMeterRegistry trainerRegistry() {
    return trainerRegistry;
  }

  /**
   * One instance of a predict request for the data file's first row: a list of its numbers in the
   * spec's input order, or, for a spec with raw {@code features}, the object of its raw features.
   */
  public String firstInstance() {
    if (!spec.hasFeatures()) {
      StringBuilder out = new StringBuilder("[");
      float[] features = firstFeatures();
      for (int i = 0; i < features.length; i++) {
        out.append(i == 0 ? "" : ",").append(number(features[i]));
      }
      return out.append(']').toString();
    }
    try (RawExamples file = RawExamples.open(data, spec)) {
      return file.next().features().toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String number(float value) {
    return value == Math.rint(value) && Math.abs(value) < 1e7
        ? Long.toString((long) value)
        : Float.toString(value);
  }

  /**
   * The features of the data file's first row, in the spec's input order (for a sample request); a
   * spec of numbers only.
   */
  public float[] firstFeatures() {
    try (io.streamprop.data.DataFile file = io.streamprop.data.DataFile.open(data)) {
      int[] columns = DemoProducer.columns(data, spec);
      float[] row = file.next().features();
      if (columns == null) {
        return row;
      }
      float[] features = new float[columns.length];
      for (int i = 0; i < columns.length; i++) {
        features[i] = row[columns[i]];
      }
      return features;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Examples handed to the producer so far (0 when the simulated client runs instead). */
  public long produced() {
    return producer == null ? 0 : producer.sent();
  }

  /** The simulated client of {@code --label-delay}, or null when the producer runs instead. */
  DemoClient client() {
    return client;
  }

  /** The error that stopped the producer or the trainer, or null while all is well. */
  public String failure() {
    if (producer != null && producer.failure() != null) {
      return "the producer failed: " + producer.failure();
    }
    if (client != null && client.failure() != null) {
      return "the simulated client failed: " + client.failure();
    }
    if (trainer != null && !trainer.streams().state().isRunningOrRebalancing()) {
      return "the trainer stopped: Kafka Streams is " + trainer.streams().state();
    }
    return null;
  }

  /** The run's temporary directory, deleted by {@link #close()}. */
  public Path runDir() {
    return runDir;
  }

  /** Stops every part in order and deletes the run's directory; safe to call more than once. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    // Producer (or client) first: nothing new arrives while the trainer publishes its final
    // snapshot.
    closeQuietly("producer", producer);
    closeQuietly("simulated client", client);
    closeQuietly("trainer", trainer);
    closeQuietly("trainer metrics", metricsServer);
    closeQuietly("scorer", scorer);
    if (trainerRegistry != null) {
      trainerRegistry.close();
    }
    closeQuietly("broker", kafka);
    deleteRecursively(runDir);
  }

  private static void closeQuietly(String what, AutoCloseable closeable) {
    if (closeable == null) {
      return;
    }
    try {
      closeable.close();
    } catch (Exception e) {
      log.warn("error while stopping the {}", what, e);
    }
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.delete(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
              Files.delete(d);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      log.warn("cannot delete {}", dir, e);
    }
  }
}
