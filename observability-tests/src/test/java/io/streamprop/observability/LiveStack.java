package io.streamprop.observability;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.streamprop.config.ConfigSources;
import io.streamprop.config.ScorerKeys;
import io.streamprop.config.TrainerKeys;
import io.streamprop.local.LocalKafka;
import io.streamprop.scorer.Scorer;
import io.streamprop.scorer.config.ScorerConfig;
import io.streamprop.trainer.TrainerApp;
import io.streamprop.trainer.config.TrainerConfig;
import io.streamprop.trainer.metrics.MetricsServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.GZIPInputStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A whole pipeline in this JVM: a real single-node Kafka, the trainer (its {@code /metrics} on a
 * free port, as {@code streamprop trainer} serves it), the scorer, a feeder that streams the
 * shuttle dataset at a steady rate, and a client that keeps asking for predictions. The feeder also
 * sends a few records that cannot be used (they go to dead letters) and one corrupt snapshot (the
 * scorer rejects it), so that the pipeline dashboard's counters exist; a feedback loop logs
 * predictions and sends their labels, so that the label join's meters (the feedback dashboard) have
 * data; and a requester scores over Kafka ({@code prediction-requests}), for the serving
 * dashboard's prediction-request panel (the HTTP client's requests fill its prediction-log panels).
 */
final class LiveStack implements AutoCloseable {
  static final String MODEL = "shuttle";
  static final String SPEC =
      "{\"inputs\": 9, \"classes\": 7, \"hidden\": [32, 16], \"batch_size\": 16,"
          + " \"snapshot\": {\"every_examples\": 0, \"every_seconds\": 1}}";

  /** Examples per second the feeder sends: enough for rates, light on a shared machine. */
  static final int RATE = 400;

  final LocalKafka kafka;
  final PrometheusMeterRegistry trainerRegistry;
  final MetricsServer trainerMetrics;
  final TrainerConfig trainerConfig;
  final TrainerApp trainer;
  final ScorerConfig scorerConfig;
  final Scorer scorer;
  private final KafkaProducer<String, byte[]> producer;
  private final List<byte[]> examples;
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean running = true;

  private LiveStack(Path stateDir) throws Exception {
    examples = loadShuttle();
    kafka = LocalKafka.builder().start();
    try {
      Map<String, String> p = new HashMap<>();
      p.put("bootstrap.servers", kafka.bootstrapServers());
      p.put("application.id", "observability-it");
      p.put("state.dir", stateDir.toString());
      p.put(TrainerKeys.HOUSEKEEPING_MS, "100");
      p.put(TrainerKeys.METRICS_PORT, "0");
      trainerConfig = TrainerConfig.load(ConfigSources.of(p));
      trainerRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      trainerMetrics = MetricsServer.start(trainerConfig.metricsPort(), trainerRegistry);
      trainer = TrainerApp.start(trainerConfig, trainerRegistry);

      Map<String, String> props = new HashMap<>();
      props.put("bootstrap.servers", kafka.bootstrapServers());
      props.put(ScorerKeys.HTTP_HOST, "127.0.0.1");
      props.put(ScorerKeys.HTTP_PORT, "0");
      props.put(ScorerKeys.PREDICTION_REQUESTS_ENABLED, "true");
      scorerConfig = ScorerConfig.load(ConfigSources.of(props));
      scorer = new Scorer(scorerConfig).start();

      Map<String, Object> producerProps = new HashMap<>();
      producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
      producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 5);
      producer =
          new KafkaProducer<>(producerProps, new StringSerializer(), new ByteArraySerializer());
    } catch (Exception | Error e) {
      kafka.close();
      throw e;
    }
  }

  /** Starts everything and the feeding and predicting threads. */
  static LiveStack start(Path stateDir) throws Exception {
    LiveStack stack = new LiveStack(stateDir);
    try {
      stack.sendAndWait(stack.trainerConfig.topics().specs(), MODEL, utf8(SPEC));
      stack.sendPoison();
      stack.thread("feeder", stack::feed);
      stack.thread("predictor", stack::predict);
      stack.thread("feedback", stack::feedback);
      stack.thread("requester", stack::request);
    } catch (Exception | Error e) {
      stack.close();
      throw e;
    }
    return stack;
  }

  private void thread(String name, Runnable body) {
    Thread thread = new Thread(body, "live-stack-" + name);
    thread.setDaemon(true);
    threads.add(thread);
    thread.start();
  }

  /**
   * Records the dead-letter and snapshot-reject panels need: a wrong width, bad JSON, an unknown
   * model (each dead-lettered by the trainer), and a snapshot that fails its checksum.
   */
  private void sendPoison() throws Exception {
    sendAndWait(
        trainerConfig.topics().examples(), MODEL, utf8("{\"features\": [1, 2], \"label\": 0}"));
    sendAndWait(trainerConfig.topics().examples(), MODEL, utf8("{not json"));
    sendAndWait(trainerConfig.topics().examples(), "no-such-model", examples.get(0));
    sendAndWait(
        trainerConfig.topics().snapshots(), MODEL, utf8("SPSNAP but not a snapshot at all"));
  }

  /** Sends one record and waits for the broker's acknowledgement. */
  void sendAndWait(String topic, String key, byte[] value)
      throws InterruptedException, ExecutionException, TimeoutException {
    producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
  }

  /** Streams the dataset in order, round and round, at {@link #RATE} examples per second. */
  private void feed() {
    long intervalNanos = TimeUnit.SECONDS.toNanos(1) / RATE;
    long next = System.nanoTime();
    for (int i = 0; running; i = (i + 1) % examples.size()) {
      producer.send(
          new ProducerRecord<>(trainerConfig.topics().examples(), MODEL, examples.get(i)));
      // Pacing, not waiting for a condition: the feeder models a steady producer.
      next += intervalNanos;
      LockSupport.parkNanos(next - System.nanoTime());
    }
  }

  /** Asks for one prediction every 20 ms (404 until the first snapshot is served). */
  private void predict() {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(
                    "http://127.0.0.1:" + scorer.port() + "/v1/models/" + MODEL + ":predict"))
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"instances\": [[50, 0, 81, 0, 44, 0, 31, 37, 6]]}"))
            .build();
    while (running) {
      try {
        http.send(request, HttpResponse.BodyHandlers.discarding());
      } catch (IOException e) {
        // The scorer is stopping; the loop ends with it.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
    }
  }

  /**
   * Sends a predict body with an id to the scorer's {@code prediction-requests} topic 10 times a
   * second, as a stream application scoring over Kafka would (dead-lettered as an unknown model
   * until the first snapshot is served).
   */
  private void request() {
    long intervalNanos = TimeUnit.MILLISECONDS.toNanos(100);
    long next = System.nanoTime();
    for (int i = 0; running; i++) {
      producer.send(
          new ProducerRecord<>(
              scorerConfig.predictionRequestsTopic(),
              MODEL,
              utf8(
                  "{\"instances\": [[50, 0, 81, 0, 44, 0, 31, 37, 6]], \"ids\": [\"request-"
                      + i
                      + "\"]}")));
      // Pacing, not waiting for a condition: a steady client scoring over Kafka.
      next += intervalNanos;
      LockSupport.parkNanos(next - System.nanoTime());
    }
  }

  /**
   * Logs a prediction of {@link #MODEL} as the scorer logs it and sends its label right after, 20
   * times a second; each prediction's time lies 0 to 30 s back, so the label delay spreads.
   */
  private void feedback() {
    long intervalNanos = TimeUnit.MILLISECONDS.toNanos(50);
    long next = System.nanoTime();
    for (int i = 0; running; i++) {
      String example = new String(examples.get(i % examples.size()), StandardCharsets.UTF_8);
      String features = example.substring(example.indexOf('['), example.indexOf(']') + 1);
      String label = example.substring(example.lastIndexOf(':') + 1, example.length() - 1).strip();
      String id = "live-" + i;
      long time = System.currentTimeMillis() - (i * 7919L) % 30_000;
      producer.send(
          new ProducerRecord<>(
              trainerConfig.topics().predictions(),
              id,
              utf8(
                  "{\"id\": \""
                      + id
                      + "\", \"model\": \""
                      + MODEL
                      + "\", \"version\": 1, \"time\": "
                      + time
                      + ", \"features\": "
                      + features
                      + ", \"prediction\": {\"class\": 0, \"probabilities\":"
                      + " [0.4, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1]}}")));
      producer.send(
          new ProducerRecord<>(
              trainerConfig.topics().labels(), id, utf8("{\"label\": " + label + "}")));
      // Pacing, not waiting for a condition: a steady client labeling its predictions.
      next += intervalNanos;
      LockSupport.parkNanos(next - System.nanoTime());
    }
  }

  int trainerMetricsPort() {
    return trainerMetrics.port();
  }

  int scorerPort() {
    return scorer.port();
  }

  /** GET on localhost; the body of a 200 response. */
  String get(int port, String path) throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("GET " + path + " on port " + port + ": " + response.statusCode());
    }
    return response.body();
  }

  private static List<byte[]> loadShuttle() throws IOException {
    try (InputStream raw = LiveStack.class.getResourceAsStream("/data/shuttle.csv.gz")) {
      if (raw == null) {
        throw new IllegalStateException("no test resource /data/shuttle.csv.gz");
      }
      BufferedReader reader =
          new BufferedReader(
              new InputStreamReader(new GZIPInputStream(raw), StandardCharsets.UTF_8));
      reader.readLine(); // header
      List<byte[]> rows = new ArrayList<>();
      String line;
      // The first 10,000 rows: more than a test run streams, and quick to load.
      while ((line = reader.readLine()) != null && rows.size() < 10_000) {
        int label = line.lastIndexOf(',');
        rows.add(
            utf8(
                "{\"features\": ["
                    + line.substring(0, label)
                    + "], \"label\": "
                    + line.substring(label + 1)
                    + "}"));
      }
      return rows;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws Exception {
    running = false;
    for (Thread thread : threads) {
      thread.join(TimeUnit.SECONDS.toMillis(10));
    }
    closeAll(producer, scorer, trainer, trainerMetrics, kafka);
  }

  private static void closeAll(AutoCloseable... closeables) throws Exception {
    Exception first = null;
    for (AutoCloseable closeable : closeables) {
      try {
        if (closeable != null) {
          closeable.close();
        }
      } catch (Exception e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
