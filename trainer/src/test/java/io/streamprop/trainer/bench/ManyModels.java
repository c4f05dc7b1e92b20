package io.streamprop.trainer.bench;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The many-models benchmark (run by {@code trainer/bench/many-models.sh} in a JVM held to {@code
 * -Xmx512m}, not a test): on one local broker (a child JVM), for each model count N the same number
 * of examples of the small spec (8 inputs → [16] → 2 classes, one Adam learner, mini-batch 4, a
 * snapshot every 5 s), spread evenly — example j belongs to model j mod N, the worst order for a
 * least-recently-used cache — through one trainer (one partition, one stream thread, exactly-once,
 * default configuration). Per N: examples/s, snapshots/s, time to the first snapshot, the process's
 * resident set after the run, and the restore time of a trainer started afterwards over an empty
 * state directory (the changelog replayed). Prints a markdown section.
 */
public final class ManyModels {
  /** The small spec's mini-batch size. */
  static final int BATCH = 4;

  static final String SPEC =
      "{\"inputs\": 8, \"classes\": 2, \"learner\": \"single\", \"hidden\": [16],"
          + " \"batch_size\": "
          + BATCH
          + ", \"optimizer\": {\"name\": \"adam\"},"
          + " \"snapshot\": {\"every_examples\": 0, \"every_seconds\": 5}}";

  record Result(
      int models,
      long examples,
      double examplesPerSecond,
      double snapshotsPerSecond,
      double firstSnapshotSeconds,
      long rssBytes,
      double restoreSeconds,
      double trainerCpuMicros,
      double brokerCpuMicros) {}

  public static void main(String[] args) throws Exception {
    long examples = args.length > 0 ? Long.parseLong(args[0]) : 1_200_000;
    List<Integer> counts = new ArrayList<>();
    for (String n : (args.length > 1 ? args[1] : "1,1000,10000,100000").split(",")) {
      counts.add(Integer.parseInt(n.trim()));
    }
    // Each run's state directories hold about a gigabyte at 100,000 models.
    Path stateDir = BenchDirs.temporary("many-models");
    List<Result> results = new ArrayList<>();
    try (LocalKafka kafka = LocalKafka.builder().mode(LocalKafka.Mode.CHILD_PROCESS).start()) {
      // Not reported: the JIT compilers of this JVM and the broker's compile the trainer's and the
      // clients' code, which the first row would otherwise pay alone.
      System.err.println(
          "warm-up: " + run(kafka.bootstrapServers(), "warm", 1, examples / 2, stateDir));
      for (int models : counts) {
        Result r = run(kafka.bootstrapServers(), models, examples, stateDir);
        System.err.println(r);
        results.add(r);
      }
    }
    System.out.print(report(examples, results));
  }

  static Result run(String bootstrap, int models, long examples, Path stateDir) throws Exception {
    return run(bootstrap, "mm" + models, models, examples, stateDir);
  }

  static Result run(String bootstrap, String prefix, int models, long examples, Path stateDir)
      throws Exception {
    TrainerConfig config = config(bootstrap, prefix, stateDir.resolve(prefix));
    produce(bootstrap, config.topics(), models, examples);
    System.gc();
    MeterRegistry registry = new SimpleMeterRegistry();
    long start = System.nanoTime();
    double examplesPerSecond;
    double snapshotsPerSecond;
    double firstSnapshot = Double.NaN;
    long rss;
    double trainerCpu;
    double brokerCpu;
    // Progress from the committed offset and the snapshot topic's end, not from the meters
    // (reading 100,000 models' meters would cost the trainer CPU).
    TopicPartition examplesPartition = new TopicPartition(config.topics().examples(), 0);
    TopicPartition snapshotsPartition = new TopicPartition(config.topics().snapshots(), 0);
    try (TrainerApp app = TrainerApp.start(config, registry);
        Admin admin = Admin.create(config.adminProperties())) {
      long first = 0;
      long firstDone = 0;
      long trainerCpuAtFirst = 0;
      long brokerCpuAtFirst = 0;
      Map<Long, ThreadCpu.Sample> threadsAtFirst = Map.of();
      while (true) {
        OffsetAndMetadata committed =
            admin
                .listConsumerGroupOffsets(config.applicationId())
                .partitionsToOffsetAndMetadata()
                .get()
                .get(examplesPartition);
        long done = committed == null ? 0 : committed.offset();
        long now = System.nanoTime();
        if (first == 0 && done > 0) {
          firstDone = done;
          first = now;
          trainerCpuAtFirst = cpuNanos(ProcessHandle.current());
          brokerCpuAtFirst = brokerCpuNanos();
          threadsAtFirst = ThreadCpu.sample();
        }
        if (Double.isNaN(firstSnapshot)
            && admin
                    .listOffsets(Map.of(snapshotsPartition, OffsetSpec.latest()))
                    .partitionResult(snapshotsPartition)
                    .get()
                    .offset()
                > 0) {
          firstSnapshot = (now - start) / 1e9;
        }
        if (done >= examples) {
          double seconds = (now - first) / 1e9;
          examplesPerSecond = examples / seconds;
          snapshotsPerSecond = sum(registry, "streamprop.snapshots.published") / seconds;
          // CPU over the same window, per example: what a loaded machine does not move.
          long measured = examples - firstDone;
          trainerCpu =
              (cpuNanos(ProcessHandle.current()) - trainerCpuAtFirst) / 1e3 / Math.max(1, measured);
          brokerCpu = (brokerCpuNanos() - brokerCpuAtFirst) / 1e3 / Math.max(1, measured);
          System.err.println(
              models
                  + " models, trainer CPU per example by thread: "
                  + ThreadCpu.perExample(threadsAtFirst, ThreadCpu.sample(), measured));
          break;
        }
        LockSupport.parkNanos(100_000_000);
      }
      rss = rssBytes();
      // Leave the group now, so that the next instance is assigned at once, not after the
      // session timeout.
      app.streams()
          .close(
              CloseOptions.groupMembershipOperation(
                      CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                  .withTimeout(Duration.ofSeconds(60)));
    }
    // A new instance over an empty state directory restores every model from the changelog.
    TrainerConfig again = config(bootstrap, prefix, stateDir.resolve(prefix + "-restored"));
    long restoreStart = System.nanoTime();
    double restore;
    try (TrainerApp app = TrainerApp.start(again, new SimpleMeterRegistry())) {
      while (app.streams().state() != KafkaStreams.State.RUNNING) {
        LockSupport.parkNanos(5_000_000);
      }
      restore = (System.nanoTime() - restoreStart) / 1e9;
    }
    return new Result(
        models,
        examples,
        examplesPerSecond,
        snapshotsPerSecond,
        firstSnapshot,
        rss,
        restore,
        trainerCpu,
        brokerCpu);
  }

  /** CPU time (all threads) of a process so far, in ns; 0 where the platform does not tell. */
  static long cpuNanos(ProcessHandle process) {
    return process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
  }

  /** CPU time of the broker, the child JVM of this process. */
  static long brokerCpuNanos() {
    return ProcessHandle.current().children().mapToLong(ManyModels::cpuNanos).sum();
  }

  private static double sum(MeterRegistry registry, String name) {
    double total = 0;
    for (Counter c : registry.find(name).counters()) {
      total += c.count();
    }
    return total;
  }

  static TrainerConfig config(String bootstrap, String prefix, Path stateDir) throws Exception {
    Map<String, String> p = new HashMap<>();
    p.put("bootstrap.servers", bootstrap);
    p.put("application.id", "bench-" + prefix);
    p.put("state.dir", stateDir.toString());
    p.put(Topics.PREFIX, prefix + ".");
    p.put(TrainerKeys.TOPIC_PARTITIONS, "1");
    p.put(TrainerKeys.METRICS_PORT, "-1");
    TrainerConfig config = TrainerConfig.load(ConfigSources.of(p));
    try (Admin admin = Admin.create(config.adminProperties())) {
      TopicAdmin.ensureTopics(admin, config);
    }
    return config;
  }

  /** N specs, then the examples, generated as they are sent (nothing held in memory). */
  static void produce(String bootstrap, Topics topics, int models, long examples) {
    SplittableRandom random = new SplittableRandom(7);
    byte[] spec = SPEC.getBytes(StandardCharsets.UTF_8);
    try (KafkaProducer<byte[], byte[]> producer = TrainerThroughput.producer(bootstrap)) {
      for (int m = 0; m < models; m++) {
        producer.send(new ProducerRecord<>(topics.specs(), key(m), spec));
      }
      float[] x = new float[8];
      for (long j = 0; j < examples; j++) {
        double s = 0;
        for (int i = 0; i < 8; i++) {
          x[i] = (float) random.nextGaussian();
          s += (i % 2 == 0 ? 1 : -1) * x[i];
        }
        byte[] value =
            ExampleJson.writeBytes(x, new float[] {s > 0 ? 1 : 0}, ModelSpec.Task.CLASSIFICATION);
        producer.send(new ProducerRecord<>(topics.examples(), key((int) (j % models)), value));
      }
    }
  }

  private static byte[] key(int model) {
    return String.format("model-%06d", model).getBytes(StandardCharsets.UTF_8);
  }

  /** VmRSS of this process, from /proc. */
  static long rssBytes() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    return -1;
  }

  static String report(long examples, List<Result> results) {
    StringBuilder s = new StringBuilder();
    double single = results.get(0).examplesPerSecond;
    s.append(
        String.format(
            Locale.ROOT,
            "## Many models%n%n"
                + "Measured %s UTC on this machine (`nproc` = %d, load average at start %.1f):"
                + " one local KRaft broker in a child JVM; the trainer in a JVM with `-Xmx%dm`"
                + " and the default model cache (%s of the heap); one partition, one stream"
                + " thread, `exactly_once_v2`, commit interval 100 ms. Per row, %,d examples of"
                + " the small spec (8 inputs → [16] → 2 classes, one Adam learner, mini-batch 4,"
                + " a snapshot every 5 s) spread evenly: example j trains model j mod N, the worst"
                + " order for a least-recently-used cache (the trainer's admits by frequency and"
                + " keeps the models it holds); the rows after a run of one model that"
                + " is not reported (the JIT compilers' warm-up). CPU/example: the CPU time of the"
                + " trainer's JVM (every thread: GC, JIT and RocksDB included) and of the broker's,"
                + " over the measured window, per example in it; a loaded machine moves it less"
                + " than examples/s. Mini-batches per model: the optimizer steps each model"
                + " takes (its examples over the mini-batch of 4); a model of fewer than 4"
                + " examples only holds them.%n%n"
                + "| models | mini-batches per model | examples/s | vs 1 model | snapshots/s | first snapshot | trainer"
                + " RSS | restore (empty state dir) | trainer CPU/example | broker CPU/example"
                + " |%n"
                + "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |%n",
            java.time.LocalDateTime.now(java.time.ZoneOffset.UTC).withNano(0),
            Runtime.getRuntime().availableProcessors(),
            java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                .getSystemLoadAverage(),
            Runtime.getRuntime().maxMemory() >> 20,
            TrainerKeys.DEFAULTS.get(TrainerKeys.MODEL_CACHE_MAX_BYTES),
            examples));
    for (Result r : results) {
      s.append(
          String.format(
              Locale.ROOT,
              "| %,d | %,d | %,.0f | %.0f%% | %,.0f | %s | %,d MiB | %.1f s | %,.0f µs | %,.0f µs |%n",
              r.models,
              examples / r.models / BATCH,
              r.examplesPerSecond,
              100 * r.examplesPerSecond / single,
              r.snapshotsPerSecond,
              // none before the end: the run was shorter than the snapshot interval
              Double.isNaN(r.firstSnapshotSeconds)
                  ? "–"
                  : String.format(Locale.ROOT, "%.1f s", r.firstSnapshotSeconds),
              r.rssBytes >> 20,
              r.restoreSeconds,
              r.trainerCpuMicros,
              r.brokerCpuMicros));
    }
    return s.toString();
  }
}
