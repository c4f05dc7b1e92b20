package io.streamprop.trainer.bench;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamprop.local.LocalKafka;
import io.streamprop.trainer.TrainerApp;
import io.streamprop.trainer.config.TrainerConfig;
import io.streamprop.wire.Snapshots;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The label-to-snapshot benchmark (run by {@code trainer/bench/label-freshness.sh}, not a test): on
 * one local broker, the trainer with one model (54→[64,32]→7, {@code learner: single}, Adam,
 * mini-batch 32, snapshot every 1,000 examples or 0.1 s: the freshness spec of {@link
 * TrainerThroughput}); N predictions of that model pre-logged on {@code predictions} (the scorer's
 * contract records) and joined into the join's store before the clock starts; then their N labels
 * written at a steady rate, in the order of the predictions. With one partition each label joins
 * exactly one prediction, in label order, so label k is the k-th example of the model: the latency
 * of label k is the time from its write to the first committed snapshot ({@code read_committed})
 * whose examples counter reaches k. In the same run, as a baseline, {@link
 * TrainerThroughput#freshness} at the same rate: examples written to {@code examples} directly.
 * Prints a markdown section for {@code docs/benchmarks.md}.
 */
public final class LabelFreshness {
  static final String SPEC =
      "{\"inputs\": 54, \"classes\": 7, \"learner\": \"single\", \"hidden\": [64, 32],"
          + " \"batch_size\": 32, \"optimizer\": {\"name\": \"adam\"},"
          + " \"snapshot\": {\"every_examples\": 1000, \"every_seconds\": 0.1}}";

  private LabelFreshness() {}

  /** Sorted latencies (ms) of the labels a snapshot covered, the achieved rate and the count. */
  record Result(long[] millis, double rate, int labels, double joined) {}

  public static void main(String[] args) throws Exception {
    int rate = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    String load =
        String.format(
            Locale.ROOT,
            "%.1f",
            java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                .getSystemLoadAverage());
    Path stateDir = BenchDirs.temporary("label-bench");
    try (LocalKafka kafka = LocalKafka.builder().mode(LocalKafka.Mode.CHILD_PROCESS).start()) {
      String bootstrap = kafka.bootstrapServers();
      // The first run pays the JVM's warm-up: the join and the training compile while labels
      // arrive. It is reported on its own row; the runs after it are the steady state.
      Result cold = labels(bootstrap, rate, seconds, stateDir, 1, "cold");
      System.err.printf("labels, fresh JVM: %s%n", summary(cold.millis()));
      Result labels = labels(bootstrap, rate, seconds, stateDir, 1, "warm");
      System.err.printf("labels: %s%n", summary(labels.millis()));
      Result labels2 = labels(bootstrap, rate, seconds, stateDir, 2, "warm");
      System.err.printf("labels, 2 threads: %s%n", summary(labels2.millis()));
      long[] examples = TrainerThroughput.freshness(bootstrap, rate, seconds, stateDir);
      System.err.printf("examples: %s%n", summary(examples));
      System.out.print(report(rate, seconds, load, cold, labels, labels2, examples));
    }
  }

  /**
   * The label run with {@code threads} stream threads (2: the join and the training apart), on
   * topics and an application of its own named by {@code run}.
   */
  static Result labels(
      String bootstrap, int rate, int seconds, Path stateDir, int threads, String run)
      throws Exception {
    String prefix = "labels" + threads + run;
    TrainerConfig config =
        TrainerThroughput.config(
            bootstrap, prefix, stateDir, Map.of("num.stream.threads", Integer.toString(threads)));
    // As for examples (TrainerThroughput.freshness): the labels of the first FRESH_WARM_SECONDS (a
    // young JVM compiling the join and the training) and of the last FRESH_TAIL_SECONDS are
    // written but not measured, so the figure is the steady state of both.
    int first = rate * TrainerThroughput.FRESH_WARM_SECONDS;
    int end = first + rate * seconds;
    int n = end + rate * TrainerThroughput.FRESH_TAIL_SECONDS;
    byte[][] ids = new byte[n][];
    byte[][] labels = new byte[n][];
    long time = System.currentTimeMillis();
    try (KafkaProducer<byte[], byte[]> producer = TrainerThroughput.producer(bootstrap)) {
      producer.send(
          new ProducerRecord<>(
              config.topics().specs(),
              "m".getBytes(StandardCharsets.UTF_8),
              SPEC.getBytes(StandardCharsets.UTF_8)));
      SplittableRandom random = new SplittableRandom(13);
      float[][] w = new float[7][54];
      for (float[] row : w) {
        for (int j = 0; j < row.length; j++) {
          row[j] = (float) random.nextGaussian();
        }
      }
      for (int i = 0; i < n; i++) {
        String id = "order-" + i;
        ids[i] = id.getBytes(StandardCharsets.UTF_8);
        int y = logPrediction(producer, config.topics().predictions(), id, time, w, random);
        labels[i] = ("{\"label\": " + y + "}").getBytes(StandardCharsets.UTF_8);
      }
    }
    System.err.printf("logged %,d predictions%n", n);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    long[] sendNanos = new long[n];
    long[] seenNanos = new long[n];
    Arrays.fill(seenNanos, -1);
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (TrainerApp app = TrainerApp.start(config, registry);
        KafkaConsumer<byte[], byte[]> snapshots =
            new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        KafkaProducer<byte[], byte[]> producer = TrainerThroughput.producer(bootstrap)) {
      while (app.streams().state() != KafkaStreams.State.RUNNING) {
        LockSupport.parkNanos(10_000_000);
      }
      awaitCommitted(bootstrap, "bench-" + prefix, config.topics().predictions(), n);
      System.err.println("predictions joined into the store; labels start");
      TopicPartition tp = new TopicPartition(config.topics().snapshots(), 0);
      snapshots.assign(List.of(tp));
      snapshots.seekToEnd(List.of(tp));
      snapshots.position(tp);
      Thread writer =
          new Thread(
              () -> {
                long start = System.nanoTime();
                for (int i = 0; i < n; i++) {
                  long due = start + (long) (i * 1e9 / rate);
                  while (System.nanoTime() < due) {
                    LockSupport.parkNanos(100_000);
                  }
                  sendNanos[i] = System.nanoTime();
                  producer.send(new ProducerRecord<>(config.topics().labels(), ids[i], labels[i]));
                }
                producer.flush();
              });
      writer.start();
      int covered = 0;
      long deadline = System.nanoTime() + Duration.ofSeconds(seconds + 60).toNanos();
      long nextReport = System.nanoTime();
      while (covered < n && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : snapshots.poll(Duration.ofMillis(20))) {
          long now = System.nanoTime();
          long examples = Snapshots.served(r.value()).state().examples();
          while (covered < Math.min(examples, n)) {
            seenNanos[covered++] = now;
          }
        }
        if (System.nanoTime() >= nextReport) {
          nextReport += 1_000_000_000L;
          System.err.printf(
              "  covered %,d, joined %s, trained %s%n",
              covered,
              count(registry, "streamprop.labels.joined"),
              count(registry, "streamprop.examples.trained"));
        }
      }
      writer.join();
    }
    long[] millis = new long[end - first];
    int m = 0;
    for (int i = first; i < end; i++) {
      if (seenNanos[i] >= 0) {
        millis[m++] = (seenNanos[i] - sendNanos[i]) / 1_000_000;
      }
    }
    long[] sorted = Arrays.copyOf(millis, m);
    Arrays.sort(sorted);
    Counter joined = registry.find("streamprop.labels.joined").counter();
    return new Result(
        sorted,
        (end - first - 1) / ((sendNanos[end - 1] - sendNanos[first]) / 1e9),
        end - first,
        joined == null ? 0 : joined.count());
  }

  private static double count(SimpleMeterRegistry registry, String name) {
    Counter c = registry.find(name).counter();
    return c == null ? 0 : c.count();
  }

  /**
   * Logs one prediction as the scorer does (key id, header {@code streamprop.model}, timestamp =
   * time): covertype-like features, a uniform prediction; returns the true class (argmax of a fixed
   * random linear model over the binary features).
   */
  private static int logPrediction(
      KafkaProducer<byte[], byte[]> producer,
      String topic,
      String id,
      long time,
      float[][] w,
      SplittableRandom random) {
    float[] x = new float[54];
    StringBuilder features = new StringBuilder("[");
    for (int j = 0; j < 54; j++) {
      x[j] = j < 10 ? (float) (random.nextGaussian() * 100 + 2000) : random.nextInt(2);
      features.append(j == 0 ? "" : ",").append(x[j]);
    }
    int best = 0;
    double bestScore = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < 7; c++) {
      double s = 0;
      for (int j = 10; j < 54; j++) {
        s += w[c][j] * x[j];
      }
      if (s > bestScore) {
        bestScore = s;
        best = c;
      }
    }
    String value =
        "{\"id\":\""
            + id
            + "\",\"model\":\"m\",\"version\":1,\"time\":"
            + time
            + ",\"features\":"
            + features
            + "],\"prediction\":{\"class\":0,\"probabilities\":"
            + "[0.2,0.1,0.1,0.2,0.1,0.2,0.1]}}";
    ProducerRecord<byte[], byte[]> record =
        new ProducerRecord<>(
            topic,
            null,
            time,
            id.getBytes(StandardCharsets.UTF_8),
            value.getBytes(StandardCharsets.UTF_8));
    record
        .headers()
        .add(new RecordHeader("streamprop.model", "m".getBytes(StandardCharsets.UTF_8)));
    producer.send(record);
    return best;
  }

  /** Waits until the application {@code group} has committed {@code n} offsets of {@code topic}. */
  private static void awaitCommitted(String bootstrap, String group, String topic, long n)
      throws Exception {
    TopicPartition tp = new TopicPartition(topic, 0);
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      while (true) {
        OffsetAndMetadata committed =
            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().get(tp);
        if (committed != null && committed.offset() >= n) {
          return;
        }
        LockSupport.parkNanos(100_000_000);
      }
    }
  }

  private static String percentile(long[] sorted, double q) {
    return sorted.length == 0
        ? "n/a"
        : sorted[(int) Math.min(sorted.length - 1, sorted.length * q)] + " ms";
  }

  private static String summary(long[] sorted) {
    return String.format(
        Locale.ROOT,
        "%,d covered, p50 %s, p99 %s, max %s",
        sorted.length,
        percentile(sorted, 0.5),
        percentile(sorted, 0.99),
        sorted.length == 0 ? "n/a" : sorted[sorted.length - 1] + " ms");
  }

  /** A table row: p50, p99 and max, with how many of the N were covered when not all. */
  private static String row(String name, long[] sorted, int n) {
    return String.format(
        Locale.ROOT,
        "| %s | %s | %s | %s |%n",
        name
            + (sorted.length == n
                ? ""
                : String.format(Locale.ROOT, " (%,d of %,d)", sorted.length, n)),
        percentile(sorted, 0.5),
        percentile(sorted, 0.99),
        sorted.length == 0 ? "n/a" : sorted[sorted.length - 1] + " ms");
  }

  private static double p99(long[] sorted) {
    return sorted.length == 0
        ? Double.NaN
        : sorted[(int) Math.min(sorted.length - 1, sorted.length * 0.99)];
  }

  static String report(
      int rate,
      int seconds,
      String load,
      Result cold,
      Result labels,
      Result labels2,
      long[] examples) {
    int n = rate * seconds;
    return String.format(
        Locale.ROOT,
        "## Label to snapshot%n%n"
            + "Measured %s UTC (`nproc` = %d, load average %s), one local broker, one partition per"
            + " topic: %,d predictions of one model (54→[64,32]→7, `learner: single`, mini-batch"
            + " 32, snapshot every 1,000 examples or 0.1 s) pre-logged on `predictions` and in the"
            + " join's store; then their labels written at %,d/s for %d s (achieved %,.0f/s; %,.0f"
            + " joined), after 5 s of warm-up and before 1 s more, neither measured. Latency: a label's write to the first committed snapshot"
            + " (`read_committed`) whose examples counter reaches its example. Baseline in the same"
            + " run: the model fed examples directly (`TrainerThroughput.freshness`).%n%n"
            + "| fed by | p50 | p99 | max |%n| --- | ---: | ---: | ---: |%n"
            + "%s%s%s%s%n"
            + "Goal p99 < 1 s. p99 against the baseline: %.2f× (1 thread), %.2f× (2 threads)."
            + " Command: `trainer/bench/label-freshness.sh %d %d`.%n",
        java.time.LocalDateTime.now(java.time.ZoneOffset.UTC).withNano(0),
        Runtime.getRuntime().availableProcessors(),
        load,
        rate
            * (TrainerThroughput.FRESH_WARM_SECONDS
                + seconds
                + TrainerThroughput.FRESH_TAIL_SECONDS),
        rate,
        seconds,
        labels.rate(),
        labels.joined(),
        row(
            "labels, 1 stream thread, the JVM's first run (the join and the training compiling)",
            cold.millis(),
            n),
        row(
            "labels, 1 stream thread (the default: join and training share it)",
            labels.millis(),
            n),
        row("labels, 2 stream threads (`num.stream.threads=2`)", labels2.millis(), n),
        row("examples, 1 stream thread", examples, n),
        p99(labels.millis()) / p99(examples),
        p99(labels2.millis()) / p99(examples),
        rate,
        seconds);
  }
}
