package io.streamprop.trainer.bench;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamprop.config.ConfigSources;
import io.streamprop.config.Topics;
import io.streamprop.config.TrainerKeys;
import io.streamprop.local.LocalKafka;
import io.streamprop.spec.ModelSpec;
import io.streamprop.trainer.TrainerApp;
import io.streamprop.trainer.admin.TopicAdmin;
import io.streamprop.trainer.config.TrainerConfig;
import io.streamprop.wire.ExampleJson;
import io.streamprop.wire.Snapshots;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The trainer-throughput benchmark (run by {@code trainer/bench/throughput.sh}, not a test): on one
 * local broker, in one run, (a) a pass-through Kafka Streams app that reads the example records as
 * bytes and counts them, (b) the trainer on model M (54→[64,32]→7, Adam, mini-batch 32), both
 * exactly-once on one partition and one stream thread; (c) the cost of the default model: the
 * trainer on the default spec of those inputs as one learner ({@code learner: single}: one hidden
 * layer of 64, Adam 0.01, mini-batch 8) and as the open spec's population, alternately, {@link
 * #ROUNDS} times each; then the freshness: the time from an example's write to the first committed
 * snapshot that includes it, with examples written at a steady rate. Prints a markdown section for
 * {@code docs/benchmarks.md}.
 */
public final class TrainerThroughput {
  static final String SPEC_M =
      "{\"inputs\": 54, \"classes\": 7, \"hidden\": [64, 32], \"batch_size\": 32,"
          + " \"optimizer\": {\"name\": \"adam\"},"
          + " \"snapshot\": {\"every_examples\": 0, \"every_seconds\": 1}}";

  /** Today's single-learner default of these inputs: every key left to its default. */
  static final String SPEC_DEFAULT_SINGLE =
      "{\"inputs\": 54, \"classes\": 7, \"learner\": \"single\"}";

  /** The default model: the open spec, which trains a population. */
  static final String SPEC_DEFAULT_OPEN = "{\"inputs\": 54, \"classes\": 7}";

  /** Alternating runs of each default, so that both share the machine's load. */
  static final int ROUNDS = 3;

  static final String SPEC_FRESH =
      "{\"inputs\": 54, \"classes\": 7, \"hidden\": [64, 32], \"batch_size\": 32,"
          + " \"optimizer\": {\"name\": \"adam\"},"
          + " \"snapshot\": {\"every_examples\": 1000, \"every_seconds\": 0.1}}";

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 500_000;
    int freshRate = args.length > 1 ? Integer.parseInt(args[1]) : 5_000;
    int freshSeconds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    Path stateDir = BenchDirs.temporary("trainer-bench");
    try (LocalKafka kafka = LocalKafka.builder().mode(LocalKafka.Mode.CHILD_PROCESS).start()) {
      String bootstrap = kafka.bootstrapServers();
      byte[][] values = examples(n, 7);
      System.err.printf("producing %,d examples of %d bytes%n", n, values[0].length);
      createTopic(bootstrap, "bench.examples");
      produce(bootstrap, "bench.examples", "m", values);

      double passThrough = passThrough(bootstrap, "bench.examples", n, stateDir);
      System.err.printf("pass-through: %,.0f examples/s%n", passThrough);
      double trainer = trainer(bootstrap, n, stateDir, "bench", SPEC_M)[0];
      System.err.printf("trainer: %,.0f examples/s%n", trainer);
      double[][] single = new double[ROUNDS][];
      double[][] open = new double[ROUNDS][];
      for (int r = 0; r < ROUNDS; r++) {
        single[r] = trainer(bootstrap, n, stateDir, "single" + r, SPEC_DEFAULT_SINGLE);
        System.err.printf(
            "trainer, default single: %,.0f examples/s, %,.0f per CPU-s%n",
            single[r][0], single[r][1]);
        open[r] = trainer(bootstrap, n, stateDir, "open" + r, SPEC_DEFAULT_OPEN);
        System.err.printf(
            "trainer, default population: %,.0f examples/s, %,.0f per CPU-s%n",
            open[r][0], open[r][1]);
      }
      long[] fresh = freshness(bootstrap, freshRate, freshSeconds, stateDir);
      System.out.print(
          report(
              n,
              values[0].length,
              passThrough,
              trainer,
              single,
              open,
              freshRate,
              freshSeconds,
              fresh));
    }
  }

  /** Synthetic covertype-like rows: 54 features, a label from a fixed random linear model. */
  static byte[][] examples(int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[][] w = new float[7][54];
    for (float[] row : w) {
      for (int j = 0; j < row.length; j++) {
        row[j] = (float) random.nextGaussian();
      }
    }
    byte[][] values = new byte[n][];
    for (int i = 0; i < n; i++) {
      float[] x = new float[54];
      for (int j = 0; j < 54; j++) {
        x[j] = j < 10 ? (float) (random.nextGaussian() * 100 + 2000) : random.nextInt(2);
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
      values[i] = ExampleJson.writeBytes(x, new float[] {best}, ModelSpec.Task.CLASSIFICATION);
    }
    return values;
  }

  static void createTopic(String bootstrap, String topic) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
    }
  }

  static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(512 * 1024));
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  static void produce(String bootstrap, String topic, String key, byte[][] values) {
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
      for (byte[] v : values) {
        producer.send(new ProducerRecord<>(topic, k, v));
      }
    }
  }

  /** (a) Reads the records as bytes and counts them, exactly once; returns records/s. */
  static double passThrough(String bootstrap, String topic, int n, Path stateDir) throws Exception {
    return passThrough(bootstrap, topic, n, stateDir, "bench-pass-through");
  }

  /** (a) As an application of its own id (a second run reads the topic from the start too). */
  static double passThrough(String bootstrap, String topic, int n, Path stateDir, String appId)
      throws Exception {
    AtomicLong count = new AtomicLong();
    AtomicLong firstNanos = new AtomicLong();
    Topology topology = new Topology();
    topology.addSource("source", new ByteArrayDeserializer(), new ByteArrayDeserializer(), topic);
    topology.addProcessor(
        "count",
        () ->
            new Processor<byte[], byte[], Void, Void>() {
              @Override
              public void process(Record<byte[], byte[]> record) {
                if (count.getAndIncrement() == 0) {
                  firstNanos.set(System.nanoTime());
                }
              }
            },
        "source");
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100");
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve(appId).toString());
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    try (KafkaStreams streams = new KafkaStreams(topology, p)) {
      streams.start();
      while (count.get() < n) {
        LockSupport.parkNanos(1_000_000);
      }
      System.err.println(StreamThreadMetrics.of(appId));
      return (n - 1) / ((System.nanoTime() - firstNanos.get()) / 1e9);
    }
  }

  static TrainerConfig config(String bootstrap, String prefix, Path stateDir) throws Exception {
    return config(bootstrap, prefix, stateDir, Map.of());
  }

  /** As above, with {@code extra} trainer or Kafka Streams properties. */
  static TrainerConfig config(
      String bootstrap, String prefix, Path stateDir, Map<String, String> extra) throws Exception {
    Map<String, String> p = new HashMap<>(extra);
    p.put("bootstrap.servers", bootstrap);
    p.put("application.id", "bench-" + prefix);
    p.put("state.dir", stateDir.resolve(prefix).toString());
    p.put(Topics.PREFIX, prefix + ".");
    p.put(TrainerKeys.TOPIC_PARTITIONS, "1");
    p.put(TrainerKeys.METRICS_PORT, "-1");
    TrainerConfig config = TrainerConfig.load(ConfigSources.of(p));
    try (Admin admin = Admin.create(config.adminProperties())) {
      TopicAdmin.ensureTopics(admin, config);
    }
    return config;
  }

  /**
   * The trainer on the spec over the same records, under its own topics; returns examples per
   * second of wall time and per CPU-second of this JVM (the trainer's threads; the broker runs in
   * its own process), which the machine's other load moves far less.
   */
  static double[] trainer(String bootstrap, int n, Path stateDir, String prefix, String spec)
      throws Exception {
    TrainerConfig config = config(bootstrap, prefix, stateDir);
    // The same records as the pass-through app read, copied into the trainer's examples topic.
    copy(bootstrap, "bench.examples", config.topics().examples(), n);
    try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
      producer.send(
          new ProducerRecord<>(
              config.topics().specs(),
              "m".getBytes(StandardCharsets.UTF_8),
              spec.getBytes(StandardCharsets.UTF_8)));
    }
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    try (TrainerApp app = TrainerApp.start(config, registry)) {
      long first = 0;
      long firstCpu = 0;
      while (true) {
        Counter trained = registry.find("streamprop.examples.trained").counter();
        double done = trained == null ? 0 : trained.count();
        if (first == 0 && done > 0) {
          first = System.nanoTime();
          firstCpu = os.getProcessCpuTime();
        }
        if (done >= n) {
          return new double[] {
            (n - 1) / ((System.nanoTime() - first) / 1e9),
            (n - 1) / ((os.getProcessCpuTime() - firstCpu) / 1e9)
          };
        }
        LockSupport.parkNanos(1_000_000);
      }
    }
  }

  static void copy(String bootstrap, String from, String to, int n) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (KafkaConsumer<byte[], byte[]> consumer =
            new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
      TopicPartition tp = new TopicPartition(from, 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      int copied = 0;
      while (copied < n) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          producer.send(new ProducerRecord<>(to, r.key(), r.value()));
          copied++;
        }
      }
    }
  }

  static final int FRESH_WARM_SECONDS = 5;
  static final int FRESH_TAIL_SECONDS = 1;

  /**
   * Examples written at once before the timed ones, and seen in a snapshot before those start: a
   * whole number of SPEC_FRESH's mini-batches.
   */
  static final int FRESH_PRIMING_EXAMPLES = 1024;

  /**
   * Writes {@link #FRESH_PRIMING_EXAMPLES} at once and waits until a snapshot holds them, then
   * writes examples at {@code rate}/s for {@code seconds} (after {@link #FRESH_WARM_SECONDS} and
   * before {@link #FRESH_TAIL_SECONDS} more, not measured) while the trainer runs (snapshot every
   * 1,000 examples or 0.1 s) and returns, per measured example, milliseconds from its write to the
   * first committed snapshot whose examples counter includes it.
   */
  static long[] freshness(String bootstrap, int rate, int seconds, Path stateDir) throws Exception {
    return freshness(bootstrap, rate, seconds, FRESH_WARM_SECONDS, stateDir);
  }

  /** As above, with {@code warmSeconds} of examples written before the measured ones. */
  static long[] freshness(String bootstrap, int rate, int seconds, int warmSeconds, Path stateDir)
      throws Exception {
    TrainerConfig config = config(bootstrap, "fresh", stateDir);
    // The priming examples (written at once; the timed ones start when a snapshot holds them, so
    // the trainer's start, its group's first assignment and its first transaction are behind),
    // the examples of the first warmSeconds (a young JVM compiling) and of the last TAIL_SECONDS
    // (the end of a stream, published by housekeeping rather than by the next example) are
    // written but not measured: the figure is the steady state.
    int primed = FRESH_PRIMING_EXAMPLES;
    int first = primed + rate * warmSeconds;
    int end = first + rate * seconds;
    int n = end + rate * FRESH_TAIL_SECONDS;
    byte[][] values = examples(n, 11);
    long[] writeNanos = new long[n];
    long[] seenNanos = new long[n];
    // When the broker acknowledged each write (acks=all), before the trainer can read it.
    long[] ackNanos = new long[n];
    Arrays.fill(seenNanos, -1);
    List<Long> commitLags = new ArrayList<>();
    try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
      producer
          .send(
              new ProducerRecord<>(
                  config.topics().specs(),
                  "m".getBytes(StandardCharsets.UTF_8),
                  SPEC_FRESH.getBytes(StandardCharsets.UTF_8)))
          .get();
    }
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (TrainerApp app = TrainerApp.start(config, registry);
        KafkaConsumer<byte[], byte[]> snapshots =
            new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
      while (app.streams().state() != KafkaStreams.State.RUNNING) {
        LockSupport.parkNanos(10_000_000);
      }
      TopicPartition tp = new TopicPartition(config.topics().snapshots(), 0);
      snapshots.assign(List.of(tp));
      snapshots.seekToEnd(List.of(tp));
      snapshots.position(tp);
      byte[] key = "m".getBytes(StandardCharsets.UTF_8);
      for (int i = 0; i < primed; i++) {
        writeNanos[i] = System.nanoTime();
        producer.send(new ProducerRecord<>(config.topics().examples(), key, values[i]));
      }
      producer.flush();
      long primingStart = System.nanoTime();
      long primingDeadline = primingStart + Duration.ofMinutes(10).toNanos();
      long seenExamples = 0;
      while (seenExamples < primed) {
        if (System.nanoTime() > primingDeadline) {
          throw new IllegalStateException(
              "no snapshot of the " + primed + " priming examples in 10 minutes");
        }
        for (ConsumerRecord<byte[], byte[]> r : snapshots.poll(Duration.ofMillis(20))) {
          seenExamples = Math.max(seenExamples, Snapshots.served(r.value()).state().examples());
        }
      }
      System.err.printf(
          "freshness: the priming examples in a snapshot after %d ms%n",
          (System.nanoTime() - primingStart) / 1_000_000);
      int covered = primed;
      AtomicInteger written = new AtomicInteger(primed);
      Thread writer =
          new Thread(
              () -> {
                long start = System.nanoTime();
                for (int i = primed; i < n; i++) {
                  long due = start + (long) ((i - primed) * 1e9 / rate);
                  while (System.nanoTime() < due) {
                    LockSupport.parkNanos(100_000);
                  }
                  writeNanos[i] = System.nanoTime();
                  int index = i;
                  producer.send(
                      new ProducerRecord<>(config.topics().examples(), key, values[i]),
                      (metadata, e) -> ackNanos[index] = System.nanoTime());
                  written.incrementAndGet();
                }
                producer.flush();
              });
      writer.start();
      Map<Long, ThreadCpu.Sample> threadsAtStart = ThreadCpu.sample();
      long deadline = System.nanoTime() + Duration.ofSeconds(seconds + 60).toNanos();
      long nextReport = System.nanoTime();
      while (covered < end && System.nanoTime() < deadline) {
        if (System.nanoTime() >= nextReport) {
          nextReport += 1_000_000_000L;
          Counter trained = registry.find("streamprop.examples.trained").counter();
          System.err.printf(
              "freshness: written %d, trained %.0f, in a snapshot %d%n",
              written.get(), trained == null ? 0 : trained.count(), covered);
        }
        for (ConsumerRecord<byte[], byte[]> r : snapshots.poll(Duration.ofMillis(20))) {
          long now = System.nanoTime();
          var snapshot = Snapshots.served(r.value());
          commitLags.add(System.currentTimeMillis() - snapshot.createdAtMillis());
          long examples = snapshot.state().examples();
          while (covered < Math.min(examples, n)) {
            seenNanos[covered++] = now;
          }
        }
      }
      writer.join();
      // The CPU of this JVM's threads (the trainer's, the writer's and the reader's) from the
      // first timed write on, per example in a snapshot since.
      System.err.println(
          "freshness: CPU per example by thread: "
              + ThreadCpu.perExample(threadsAtStart, ThreadCpu.sample(), covered - primed));
      System.err.println(StreamThreadMetrics.of(config.applicationId()));
    }
    // From a snapshot's creation to its being visible: the wait for its transaction's commit.
    commitLags.sort(null);
    if (!commitLags.isEmpty()) {
      System.err.printf(
          "freshness: %d snapshots, creation to visible median %d ms, p99 %d ms%n",
          commitLags.size(),
          commitLags.get(commitLags.size() / 2),
          commitLags.get((int) (commitLags.size() * 0.99)));
    }
    long[] acks = new long[end - first];
    for (int i = first; i < end; i++) {
      acks[i - first] = (ackNanos[i] - writeNanos[i]) / 1_000_000;
    }
    Arrays.sort(acks);
    if (acks.length > 0) {
      System.err.printf(
          "freshness: write to acknowledgement median %d ms, p99 %d ms%n",
          acks[acks.length / 2], acks[(int) (acks.length * 0.99)]);
    }
    // Where the slow ones are: the worst latency of each second of the run, the warm-up's before
    // the bar.
    StringBuilder worst = new StringBuilder("freshness: worst ms by second:");
    for (int from = primed; from < end; from += rate) {
      if (from == first) {
        worst.append(" |");
      }
      long max = -1;
      for (int i = from; i < Math.min(end, from + rate); i++) {
        if (seenNanos[i] >= 0) {
          max = Math.max(max, (seenNanos[i] - writeNanos[i]) / 1_000_000);
        }
      }
      worst.append(' ').append(max);
    }
    System.err.println(worst);
    long[] millis = new long[n];
    int m = 0;
    for (int i = first; i < end; i++) {
      if (seenNanos[i] >= 0) {
        millis[m++] = (seenNanos[i] - writeNanos[i]) / 1_000_000;
      }
    }
    long[] result = Arrays.copyOf(millis, m);
    Arrays.sort(result);
    return result;
  }

  static String report(
      int n,
      int bytes,
      double passThrough,
      double trainer,
      double[][] single,
      double[][] open,
      int freshRate,
      int freshSeconds,
      long[] fresh) {
    String median = fresh.length == 0 ? "n/a" : fresh[fresh.length / 2] + " ms";
    String p99 = fresh.length == 0 ? "n/a" : fresh[(int) (fresh.length * 0.99)] + " ms";
    StringBuilder rounds = new StringBuilder();
    for (int r = 0; r < single.length; r++) {
      rounds.append(
          String.format(
              Locale.ROOT,
              "| %d | %,.0f | %,.0f | %.2f | %,.0f | %,.0f | %.2f |%n",
              r + 1,
              single[r][0],
              open[r][0],
              open[r][0] / single[r][0],
              single[r][1],
              open[r][1],
              open[r][1] / single[r][1]));
    }
    return String.format(
        Locale.ROOT,
        "## Trainer throughput%n%n"
            + "Measured %s UTC on this machine (`nproc` = %d, load average at start %s), one local"
            + " KRaft broker in a child JVM, %,d example records of %d bytes (54 features), one"
            + " partition, one stream thread, `exactly_once_v2`, commit interval 100 ms.%n%n"
            + "| app | examples/s |%n| --- | ---: |%n"
            + "| (a) pass-through Kafka Streams app (bytes, count) | %,.0f |%n"
            + "| (b) trainer, model M (54→[64,32]→7, Adam, mini-batch 32) | %,.0f |%n"
            + "| ratio (b)/(a) | %.0f%% |%n%n"
            + "The default model's cost: the trainer on the default spec of these inputs (one hidden"
            + " layer of 64, mini-batch 8, snapshots every 10,000 examples or 5 s) as one learner"
            + " (`learner: single`, Adam 0.01) and as the open spec's population (the standard plan: twelve members, widths × {1, 2} at three rates, the spec's width at three rates on symlog inputs and three linear members, during a warm-up of 2,000 examples at mini-batch 1, then at most 6 single steps of members of the leader's width and input transform, each with a moving average of its weights),"
            + " alternately on the same records, in examples per second of wall time and per"
            + " CPU-second of the trainer's JVM (the broker excluded). Goal: the population at least"
            + " half as fast.%n%n"
            + "| round | one learner /s | population /s | ratio | one learner /CPU-s |"
            + " population /CPU-s | ratio |%n"
            + "| --- | ---: | ---: | ---: | ---: | ---: | ---: |%n"
            + "%s%n"
            + "Freshness (examples written at %,d/s for %d s, once a snapshot holds 1,024 priming"
            + " examples written at once, after 5 s of warm-up and before 1 s more, neither"
            + " measured; snapshot every 1,000 examples or 0.1 s; time from an"
            + " example's write to the first committed snapshot that includes it, read with"
            + " `read_committed`): median %s, p99 %s.%n%n"
            + "Command: `trainer/bench/throughput.sh %d %d %d`%n",
        java.time.LocalDateTime.now(java.time.ZoneOffset.UTC).withNano(0),
        Runtime.getRuntime().availableProcessors(),
        String.format(
            Locale.ROOT,
            "%.1f",
            java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                .getSystemLoadAverage()),
        n,
        bytes,
        passThrough,
        trainer,
        100 * trainer / passThrough,
        rounds,
        freshRate,
        freshSeconds,
        median,
        p99,
        n,
        freshRate,
        freshSeconds);
  }
}
