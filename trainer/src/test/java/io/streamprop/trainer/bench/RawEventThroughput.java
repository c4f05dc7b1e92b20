package io.streamprop.trainer.bench;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamprop.local.LocalKafka;
import io.streamprop.trainer.TrainerApp;
import io.streamprop.trainer.config.TrainerConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The trainer-throughput benchmark on raw events (run by {@code trainer/bench/throughput.sh raw},
 * not a test): the 20-field mixed event (8 numeric, 8 categorical, 2 boolean and 2 tokens
 * fields of about 10 tokens, some values missing) trained at mini-batch 8, against the pass-through
 * Kafka Streams app over the same records, on one local broker in the same run, as {@link
 * TrainerThroughput} does for vectors. Prints a markdown section for {@code docs/benchmarks.md}.
 */
public final class RawEventThroughput {
  private RawEventThroughput() {}

  static final int NUMERIC = 8;
  static final int CATEGORICAL = 8;
  static final int BOOLEAN = 2;
  static final int TOKENS = 2;

  /** Every kind with its default buckets and widths, Adam, mini-batch 8. */
  static String spec() {
    StringBuilder features = new StringBuilder();
    for (int i = 0; i < NUMERIC; i++) {
      features.append("\"n").append(i).append("\": \"numeric\", ");
    }
    for (int i = 0; i < CATEGORICAL; i++) {
      features.append("\"c").append(i).append("\": \"categorical\", ");
    }
    for (int i = 0; i < BOOLEAN; i++) {
      features.append("\"b").append(i).append("\": \"boolean\", ");
    }
    for (int i = 0; i < TOKENS; i++) {
      features.append("\"t").append(i).append("\": \"tokens\"").append(i + 1 < TOKENS ? ", " : "");
    }
    return "{\"features\": {"
        + features
        + "}, \"class_names\": [\"stay\", \"churned\"], \"hidden\": [64, 32],"
        + " \"batch_size\": 8, \"optimizer\": {\"name\": \"adam\"},"
        + " \"snapshot\": {\"every_examples\": 0, \"every_seconds\": 1}}";
  }

  /**
   * {@code n} events: numbers with a few decimals, categories of 10 to 1,000 values, booleans,
   * token texts of 8 to 12 words from a vocabulary of 1,000; about 5% of the values null; the label
   * by name from a fixed rule of some fields.
   */
  static byte[][] events(int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    byte[][] values = new byte[n][];
    StringBuilder e = new StringBuilder(512);
    for (int k = 0; k < n; k++) {
      e.setLength(0);
      e.append("{\"features\": {");
      double score = 0;
      for (int i = 0; i < NUMERIC; i++) {
        double x = random.nextGaussian() * (i + 1) * 10;
        score += i == 0 ? x / 10 : 0;
        e.append("\"n").append(i).append("\": ");
        appendOrNull(e, random, String.format(Locale.ROOT, "%.3f", x)).append(", ");
      }
      for (int i = 0; i < CATEGORICAL; i++) {
        int value = random.nextInt(i % 2 == 0 ? 10 : 1000);
        score += i == 1 && value % 3 == 0 ? 1 : 0;
        e.append("\"c").append(i).append("\": ");
        appendOrNull(e, random, "\"v" + value + "\"").append(", ");
      }
      for (int i = 0; i < BOOLEAN; i++) {
        e.append("\"b").append(i).append("\": ");
        appendOrNull(e, random, random.nextBoolean() ? "true" : "false").append(", ");
      }
      for (int i = 0; i < TOKENS; i++) {
        e.append("\"t").append(i).append("\": \"");
        int words = 8 + random.nextInt(5);
        for (int w = 0; w < words; w++) {
          e.append(w == 0 ? "" : " ").append("w").append(random.nextInt(1000));
        }
        e.append(i + 1 < TOKENS ? "\", " : "\"");
      }
      e.append("}, \"label\": \"").append(score > 1 ? "churned" : "stay").append("\"}");
      values[k] = e.toString().getBytes(StandardCharsets.UTF_8);
    }
    return values;
  }

  private static StringBuilder appendOrNull(StringBuilder e, SplittableRandom random, String v) {
    return e.append(random.nextInt(20) == 0 ? "null" : v);
  }

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    // Further arguments KEY=VALUE are trainer (or Kafka Streams) properties, e.g.
    // commit.interval.ms=1000; the report names them.
    Map<String, String> properties = new TreeMap<>();
    for (int a = 1; a < args.length; a++) {
      int eq = args[a].indexOf('=');
      if (eq < 1) {
        throw new IllegalArgumentException("expected KEY=VALUE, got '" + args[a] + "'");
      }
      properties.put(args[a].substring(0, eq), args[a].substring(eq + 1));
    }
    Path stateDir = BenchDirs.temporary("trainer-bench-raw");
    try (LocalKafka kafka = LocalKafka.builder().mode(LocalKafka.Mode.CHILD_PROCESS).start()) {
      String bootstrap = kafka.bootstrapServers();
      byte[][] values = events(n, 20);
      int bytes = 0;
      for (byte[] v : values) {
        bytes += v.length;
      }
      System.err.printf("producing %,d raw events of %d bytes on average%n", n, bytes / n);
      TrainerThroughput.createTopic(bootstrap, "bench.raw.examples");
      TrainerThroughput.produce(bootstrap, "bench.raw.examples", "raw", values);

      double passThrough =
          TrainerThroughput.passThrough(bootstrap, "bench.raw.examples", n, stateDir);
      System.err.printf("pass-through: %,.0f examples/s%n", passThrough);
      double trainer = trainer(bootstrap, n, stateDir, properties);
      System.err.printf("trainer: %,.0f examples/s%n", trainer);
      // The first run of the pass-through app pays the JIT compilation of the Kafka clients and
      // Streams, which the trainer, run after it in the same JVM, does not: run it once more.
      double warm =
          TrainerThroughput.passThrough(
              bootstrap, "bench.raw.examples", n, stateDir, "bench-pass-through-again");
      System.err.printf("pass-through again: %,.0f examples/s%n", warm);
      System.out.print(report(n, bytes / n, properties, passThrough, trainer, warm));
    }
  }

  /** The trainer on the raw-event model over the same records; returns examples/s. */
  static double trainer(String bootstrap, int n, Path stateDir, Map<String, String> properties)
      throws Exception {
    TrainerConfig config = TrainerThroughput.config(bootstrap, "bench-raw", stateDir, properties);
    TrainerThroughput.copy(bootstrap, "bench.raw.examples", config.topics().examples(), n);
    try (KafkaProducer<byte[], byte[]> producer = TrainerThroughput.producer(bootstrap)) {
      producer.send(
          new ProducerRecord<>(
              config.topics().specs(),
              "raw".getBytes(StandardCharsets.UTF_8),
              spec().getBytes(StandardCharsets.UTF_8)));
    }
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (TrainerApp app = TrainerApp.start(config, registry)) {
      long first = 0;
      long halfway = 0;
      Map<Long, ThreadCpu.Sample> threadsAtHalf = Map.of();
      while (true) {
        Counter trained = registry.find("streamprop.examples.trained").counter();
        Counter dead = registry.find("streamprop.dead.letters").counter();
        if (dead != null && dead.count() > 0) {
          throw new IllegalStateException("the trainer dead-lettered a benchmark event");
        }
        double done = trained == null ? 0 : trained.count();
        if (first == 0 && done > 0) {
          first = System.nanoTime();
        }
        if (halfway == 0 && done >= n / 2) {
          halfway = (long) done;
          threadsAtHalf = ThreadCpu.sample();
        }
        if (done >= n) {
          // Where the second half's CPU went (its first half holds the JIT's warm-up), per thread.
          System.err.println(
              "trainer CPU per example, second half: "
                  + ThreadCpu.perExample(threadsAtHalf, ThreadCpu.sample(), n - halfway));
          System.err.println(StreamThreadMetrics.of(config.applicationId()));
          return (n - 1) / ((System.nanoTime() - first) / 1e9);
        }
        LockSupport.parkNanos(1_000_000);
      }
    }
  }

  static String report(
      int n,
      int bytes,
      Map<String, String> properties,
      double passThrough,
      double trainer,
      double warm) {
    StringBuilder given = new StringBuilder();
    properties.forEach((k, v) -> given.append(' ').append(k).append('=').append(v));
    return String.format(
        Locale.ROOT,
        "## Trainer throughput, raw events%n%n"
            + "Measured %s UTC on this machine (`nproc` = %d, load average at start %s), one local"
            + " KRaft broker in a child JVM, %,d raw event records of %d bytes on average (20"
            + " fields: 8 numeric, 8 categorical, 2 boolean, 2 tokens of 8–12 words; about 5%% of"
            + " the values null), one partition, one stream thread, `exactly_once_v2`, commit"
            + " interval 100 ms%s. Goal: the trainer at least 50%% of the pass-through app.%n%n"
            + "| app | examples/s |%n| --- | ---: |%n"
            + "| (a) pass-through Kafka Streams app (bytes, count) | %,.0f |%n"
            + "| (b) trainer: featurize, embed, %s | %,.0f |%n"
            + "| ratio (b)/(a) | %.0f%% |%n"
            + "| (a') the pass-through app again, after the trainer (its code compiled) | %,.0f |%n"
            + "| ratio (b)/(a') | %.0f%% |%n%n"
            + "Command: `trainer/bench/throughput.sh raw %d%s`%n",
        java.time.LocalDateTime.now(java.time.ZoneOffset.UTC).withNano(0),
        Runtime.getRuntime().availableProcessors(),
        String.format(
            Locale.ROOT,
            "%.1f",
            java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                .getSystemLoadAverage()),
        n,
        bytes,
        properties.isEmpty() ? "" : "; the trainer with" + given,
        passThrough,
        "[64,32]→2, Adam, mini-batch 8",
        trainer,
        100 * trainer / passThrough,
        warm,
        100 * trainer / warm,
        n,
        given);
  }
}
