package io.streamprop.demo;

import io.streamprop.data.DataFile;
import io.streamprop.data.DataFileException;
import io.streamprop.data.RawExamples;
import io.streamprop.spec.ModelSpec;
import io.streamprop.wire.ExampleException;
import io.streamprop.wire.ExampleJson;
import io.streamprop.wire.ExampleParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams the rows of a data file to the examples topic as JSON examples keyed by the model id (for
 * a spec with raw {@code features}, raw example records from {@link RawExamples}: CSV with string
 * columns and empty cells, or mixed JSON lines), at a steady rate, starting over at the end of the
 * file (so a run of any length has data). Pacing follows the wall clock: after {@code t} seconds
 * about {@code rate · t} examples have been sent, so a slow moment is caught up rather than lost.
 */
final class DemoProducer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DemoProducer.class);

  private final Path data;
  private final ModelSpec spec;
  private final byte[] key;
  private final String topic;
  private final double rate;
  private final KafkaProducer<byte[], byte[]> producer;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicReference<Exception> failure = new AtomicReference<>();
  private final Thread thread;
  private volatile boolean running = true;

  DemoProducer(
      String bootstrapServers,
      String topic,
      String modelId,
      Path data,
      ModelSpec spec,
      double rate) {
    this.data = data;
    this.spec = spec;
    this.key = modelId.getBytes(StandardCharsets.UTF_8);
    this.topic = topic;
    this.rate = rate;
    this.producer = producer(bootstrapServers, "streamprop-demo-producer");
    this.thread = new Thread(this::run, "streamprop-demo-producer");
    this.thread.setDaemon(true);
  }

  /**
   * Checks the file against the spec before anything is sent, so that a bad row stops the demo with
   * its line instead of going to the dead-letter topic: for a spec of numbers its columns and
   * widths, then every row as the example record the producer sends, read by the trainer's own
   * {@link ExampleParser} (a class index in range, the number of targets, finite values); returns
   * the spec's column order ({@link #columns}). For a spec with raw {@code features} every row is
   * featurized (returning null). The demo runs it once, at its start.
   */
  static int[] check(Path data, ModelSpec spec) throws IOException {
    if (spec.hasFeatures()) {
      try (RawExamples file = RawExamples.open(data, spec)) {
        while (file.next() != null) {
          // each row featurized and its label read: a bad one throws, naming its line
        }
      } catch (DataFileException e) {
        throw new DemoException(e.getMessage(), e);
      }
      return null;
    }
    int[] columns = columns(data, spec);
    ExampleParser parser = new ExampleParser(spec);
    String name = data.getFileName() == null ? data.toString() : data.getFileName().toString();
    try (DataFile file = DataFile.open(data)) {
      DataFile.Row row;
      while ((row = file.next()) != null) {
        try {
          float[] features = columns == null ? row.features() : pick(row.features(), columns);
          parser.parse(ExampleJson.writeBytes(features, row.label(), spec.task()));
        } catch (ExampleException e) {
          throw new DemoException(name + ":" + row.line() + ": " + e.getMessage(), e);
        }
      }
    } catch (DataFileException e) {
      throw new DemoException(e.getMessage(), e);
    }
    return columns;
  }

  /**
   * The spec's column order for a file of numbers, its width checked (null: the file's own order is
   * right, or the spec has raw features, read by name); reads the header only.
   */
  static int[] columns(Path data, ModelSpec spec) throws IOException {
    if (spec.hasFeatures()) {
      return null;
    }
    try (DataFile file = DataFile.open(data)) {
      if (file.featureCount() != spec.inputs()) {
        throw new DemoException(
            data
                + " has "
                + file.featureCount()
                + " feature columns but the spec has "
                + spec.inputs()
                + " inputs");
      }
      List<String> fileNames = file.featureNames();
      List<String> specNames = spec.featureNames();
      if (specNames.isEmpty() || fileNames.isEmpty() || specNames.equals(fileNames)) {
        return null;
      }
      if (!new HashSet<>(specNames).equals(new HashSet<>(fileNames))) {
        throw new DemoException(
            data + ": its feature names " + fileNames + " differ from the spec's " + specNames);
      }
      // The spec's feature order decides which input each column feeds.
      int[] columns = new int[specNames.size()];
      for (int i = 0; i < columns.length; i++) {
        columns[i] = fileNames.indexOf(specNames.get(i));
      }
      return columns;
    }
  }

  void start() {
    thread.start();
  }

  /** Examples acknowledged-or-in-flight so far. */
  long sent() {
    return sent.get();
  }

  /** The error that stopped the producer, or null while it runs (or after a clean stop). */
  Exception failure() {
    return failure.get();
  }

  private void run() {
    long startNanos = System.nanoTime();
    try {
      int[] columns = columns(data, spec);
      while (running && spec.hasFeatures()) {
        try (RawExamples file = RawExamples.open(data, spec)) {
          RawExamples.RawExample example;
          while (running && (example = file.next()) != null) {
            awaitBudget(startNanos);
            send(example.recordBytes());
          }
        }
      }
      while (running) {
        try (DataFile file = DataFile.open(data)) {
          DataFile.Row row;
          while (running && (row = file.next()) != null) {
            awaitBudget(startNanos);
            float[] features = columns == null ? row.features() : pick(row.features(), columns);
            send(ExampleJson.writeBytes(features, row.label(), spec.task()));
          }
        }
      }
    } catch (Exception e) {
      failure.compareAndSet(null, e);
      log.error("demo producer stopped", e);
    }
  }

  private void send(byte[] value) {
    producer.send(
        new ProducerRecord<>(topic, key, value),
        (metadata, e) -> {
          if (e != null) {
            failure.compareAndSet(null, e);
          }
        });
    sent.incrementAndGet();
  }

  /** Waits until the wall clock allows one more example at the configured rate. */
  private void awaitBudget(long startNanos) {
    while (running) {
      double allowed = rate * (System.nanoTime() - startNanos) / 1e9;
      if (sent.get() < allowed) {
        return;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
  }

  private static float[] pick(float[] row, int[] columns) {
    float[] features = new float[columns.length];
    for (int i = 0; i < columns.length; i++) {
      features[i] = row[columns[i]];
    }
    return features;
  }

  /** Stops sending, waits for the thread, and flushes what was sent. */
  @Override
  public void close() {
    running = false;
    try {
      thread.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close(java.time.Duration.ofSeconds(10));
  }

  /** An idempotent producer of byte records (acks=all, linger 5 ms), as the demo's writers use. */
  static KafkaProducer<byte[], byte[]> producer(String bootstrapServers, String clientId) {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers,
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            true,
            ProducerConfig.LINGER_MS_CONFIG,
            5,
            ProducerConfig.CLIENT_ID_CONFIG,
            clientId),
        new ByteArraySerializer(),
        new ByteArraySerializer());
  }
}
