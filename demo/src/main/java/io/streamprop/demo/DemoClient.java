package io.streamprop.demo;

import io.streamprop.spec.ModelSpec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulated client of {@code streamprop demo --label-delay D}: it asks the scorer for a
 * prediction of each row of the data file (real HTTP, {@code POST /v1/models/{m}:predict} with the
 * ids {@code demo-<n>}, n counting rows from 1), and once a row's prediction is answered (so logged
 * on {@code predictions}: the scorer answers after the log write is acknowledged) it schedules the
 * row's true label in {@link DelayedLabels}; when due, the label goes to the {@code labels} topic
 * keyed by the id, with the Java producer's default partitioner (so on the partition of its
 * prediction). The trainer's join makes each label an example; the model learns only from those.
 *
 * <p>Pacing follows the wall clock as for {@link DemoProducer}: after {@code t} seconds about
 * {@code rate · t} rows have been taken, the rows due sent together in one request (at most {@value
 * #MAX_BATCH}), so a slow answer is caught up rather than lost.
 *
 * <p>Bootstrap: the scorer predicts only once the trainer has published a first snapshot, and the
 * trainer publishes only what it learned. Until the first prediction is answered, rows the scorer
 * cannot predict (404, model not served; 503, not ready) are counted as not ready, and the first
 * {@link #seedLimit(ModelSpec)} of them go to {@code examples} as ordinary labeled examples
 * (seeds), so that the trainer publishes version 1. After the first answer no row is seeded: a 404
 * or 503 is counted and its rows dropped (they were not logged, so a label would meet nothing).
 */
final class DemoClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DemoClient.class);

  /** The most rows in one predict request. */
  static final int MAX_BATCH = 100;

  /** The jitter's seed: the same run of rows gets the same delays. */
  private static final long JITTER_SEED = 0x5eed_1abe1L;

  private final URI predict;
  private final String examplesTopic;
  private final String labelsTopic;
  private final byte[] modelKey;
  private final Path data;
  private final ModelSpec spec;
  private final double rate;
  private final Duration labelDelay;
  private final long seedLimit;
  private final DelayedLabels pending;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final KafkaProducer<byte[], byte[]> producer;
  private final AtomicLong predicted = new AtomicLong();
  private final AtomicLong notReady = new AtomicLong();
  private final AtomicLong seeded = new AtomicLong();
  private final AtomicLong labelsSent = new AtomicLong();
  private final AtomicLong waiting = new AtomicLong();
  private final AtomicReference<Exception> failure = new AtomicReference<>();
  private final Thread thread;
  private volatile boolean running = true;
  private boolean served;

  DemoClient(
      String bootstrapServers,
      String examplesTopic,
      String labelsTopic,
      String modelId,
      int scorerPort,
      Path data,
      ModelSpec spec,
      double rate,
      Duration labelDelay) {
    this.predict =
        URI.create("http://127.0.0.1:" + scorerPort + "/v1/models/" + modelId + ":predict");
    this.examplesTopic = examplesTopic;
    this.labelsTopic = labelsTopic;
    this.modelKey = modelId.getBytes(StandardCharsets.UTF_8);
    this.data = data;
    this.spec = spec;
    this.rate = rate;
    this.labelDelay = labelDelay;
    this.seedLimit = seedLimit(spec);
    this.pending = new DelayedLabels(labelDelay, JITTER_SEED);
    this.producer = DemoProducer.producer(bootstrapServers, "streamprop-demo-client");
    this.thread = new Thread(this::run, "streamprop-demo-client");
    this.thread.setDaemon(true);
  }

  /**
   * The most rows seeded before the first prediction: one mini-batch (the spec's {@code
   * batch_size}), enough for the trainer to publish within {@code every_seconds}; a spec that
   * snapshots by count only ({@code every_seconds} 0) gets {@code every_examples}.
   */
  static long seedLimit(ModelSpec spec) {
    long batch = Math.max(1, spec.batchSize());
    ModelSpec.SnapshotPolicy snapshot = spec.snapshot();
    return snapshot.everySeconds() > 0 ? batch : Math.max(batch, snapshot.everyExamples());
  }

  void start() {
    thread.start();
  }

  /** Rows whose prediction the scorer answered. */
  long predicted() {
    return predicted.get();
  }

  /** Rows the scorer could not predict yet (404 or 503). */
  long notReady() {
    return notReady.get();
  }

  /** Rows sent as labeled examples before the first prediction. */
  long seeded() {
    return seeded.get();
  }

  /** Labels handed to the producer. */
  long labelsSent() {
    return labelsSent.get();
  }

  /** Labels waiting for their delay to pass. */
  long labelsWaiting() {
    return waiting.get();
  }

  Duration labelDelay() {
    return labelDelay;
  }

  long seedLimit() {
    return seedLimit;
  }

  /** The error that stopped the client, or null while it runs (or after a clean stop). */
  Exception failure() {
    return failure.get();
  }

  private void run() {
    long startNanos = System.nanoTime();
    long taken = 0;
    try (DemoRows rows = new DemoRows(data, spec)) {
      while (running) {
        sendDueLabels(System.nanoTime());
        long allowed = (long) (rate * (System.nanoTime() - startNanos) / 1e9);
        int n = (int) Math.min(allowed - taken, MAX_BATCH);
        if (n <= 0) {
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
          continue;
        }
        List<DemoRows.Row> batch = new ArrayList<>(n);
        List<String> ids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          batch.add(rows.next());
          ids.add("demo-" + (++taken));
        }
        predict(batch, ids);
      }
    } catch (Exception e) {
      if (running) {
        failure.compareAndSet(null, e);
        log.error("demo client stopped", e);
      }
    }
  }

  private void predict(List<DemoRows.Row> batch, List<String> ids)
      throws IOException, InterruptedException {
    StringBuilder body = new StringBuilder("{\"instances\":[");
    for (int i = 0; i < batch.size(); i++) {
      body.append(i == 0 ? "" : ",").append(batch.get(i).instance());
    }
    body.append("],\"ids\":[");
    for (int i = 0; i < ids.size(); i++) {
      body.append(i == 0 ? "\"" : ",\"").append(ids.get(i)).append('"');
    }
    body.append("]}");
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(predict)
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    int status = response.statusCode();
    if (status == 200) {
      served = true;
      long answered = System.nanoTime();
      for (int i = 0; i < batch.size(); i++) {
        pending.add(answered, ids.get(i), batch.get(i).labelValue());
      }
      waiting.set(pending.size());
      predicted.addAndGet(batch.size());
    } else if (status == 404 || status == 503) {
      notReady.addAndGet(batch.size());
      for (DemoRows.Row row : batch) {
        if (served || seeded.get() >= seedLimit) {
          break;
        }
        producer.send(new ProducerRecord<>(examplesTopic, modelKey, row.example()), this::sent);
        seeded.incrementAndGet();
      }
    } else {
      throw new IllegalStateException(
          "the scorer answered " + status + " to a predict request: " + response.body());
    }
  }

  private void sendDueLabels(long nowNanos) {
    for (DelayedLabels.Label label : pending.due(nowNanos)) {
      byte[] key = label.id().getBytes(StandardCharsets.UTF_8);
      producer.send(new ProducerRecord<>(labelsTopic, key, label.value()), this::sent);
      labelsSent.incrementAndGet();
    }
    waiting.set(pending.size());
  }

  private void sent(org.apache.kafka.clients.producer.RecordMetadata metadata, Exception e) {
    if (e != null) {
      failure.compareAndSet(null, e);
    }
  }

  /**
   * Stops predicting, waits for the thread, and flushes what was sent; labels still waiting for
   * their delay are not sent (as when a real client stops).
   */
  @Override
  public void close() {
    running = false;
    try {
      thread.join(TimeUnit.SECONDS.toMillis(40));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close(Duration.ofSeconds(10));
  }
}
