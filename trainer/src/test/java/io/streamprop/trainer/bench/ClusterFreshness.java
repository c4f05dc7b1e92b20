package io.streamprop.trainer.bench;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamprop.local.LocalKafkaCluster;
import io.streamprop.trainer.TrainerApp;
import io.streamprop.trainer.config.TrainerConfig;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;

/**
 * Freshness on a replicated cluster (run by {@code BROKERS=3 trainer/bench/throughput.sh}, not a
 * test): the measurement of {@link TrainerThroughput#freshness} (examples written at a steady rate,
 * time from an example's write to the first committed snapshot that includes it) against a {@link
 * LocalKafkaCluster} of three nodes in child JVMs, every topic with replication factor 3 and {@code
 * min.insync.replicas} 2, so each write of the trainer's transaction (changelog, snapshot, offsets,
 * markers) waits for two replicas. Prints a markdown section for {@code docs/benchmarks.md}, with
 * the replication the broker reports for the examples and snapshot topics.
 */
public final class ClusterFreshness {
  private ClusterFreshness() {}

  static final String HEADING = "Trainer freshness, three brokers";

  public static void main(String[] args) throws Exception {
    int rate = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    int warmSeconds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    Path stateDir = BenchDirs.temporary("trainer-bench-cluster");
    String loadAtStart = loadAverage();
    try (LocalKafkaCluster cluster = LocalKafkaCluster.builder().brokers(3).start()) {
      String bootstrap = cluster.bootstrapServers();
      warmUp(bootstrap, stateDir);
      long[] fresh = TrainerThroughput.freshness(bootstrap, rate, seconds, warmSeconds, stateDir);
      var topics = TrainerThroughput.config(bootstrap, "fresh", stateDir).topics();
      Map<String, String> replication =
          replication(
              bootstrap, Map.of("examples", topics.examples(), "snapshots", topics.snapshots()));
      System.out.print(
          report(rate, seconds, warmSeconds, fresh, loadAtStart, loadAverage(), replication));
    }
  }

  /** Examples of the warm-up run: enough for some hundred transactions. */
  static final int WARM_EXAMPLES = 20_000;

  /**
   * A first trainer on topics of its own, run until it has trained {@link #WARM_EXAMPLES}: a new
   * cluster creates its transaction and offsets topics (50 partitions each, 3 replicas) on their
   * first use, which on this machine took longer than the measurement's own warm-up and left the
   * trainer some 20 s behind for the whole run. A cluster in service has them; this one then does.
   */
  static void warmUp(String bootstrap, Path stateDir) throws Exception {
    TrainerConfig config = TrainerThroughput.config(bootstrap, "warm", stateDir);
    try (KafkaProducer<byte[], byte[]> producer = TrainerThroughput.producer(bootstrap)) {
      producer
          .send(
              new ProducerRecord<>(
                  config.topics().specs(),
                  "m".getBytes(StandardCharsets.UTF_8),
                  TrainerThroughput.SPEC_FRESH.getBytes(StandardCharsets.UTF_8)))
          .get();
    }
    TrainerThroughput.produce(
        bootstrap, config.topics().examples(), "m", TrainerThroughput.examples(WARM_EXAMPLES, 3));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
    try (TrainerApp app = TrainerApp.start(config, registry)) {
      while (true) {
        Counter trained = registry.find("streamprop.examples.trained").counter();
        if (trained != null && trained.count() >= WARM_EXAMPLES) {
          return;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "warm-up: the trainer did not train " + WARM_EXAMPLES + " examples in 10 minutes");
        }
        LockSupport.parkNanos(10_000_000);
      }
    }
  }

  /**
   * "replicas R, min.insync.replicas M" of each topic (short name → topic) as the cluster reports
   * them, by short name.
   */
  static Map<String, String> replication(String bootstrap, Map<String, String> topics)
      throws Exception {
    Map<String, String> out = new TreeMap<>();
    try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrap))) {
      for (Map.Entry<String, String> e : topics.entrySet()) {
        String name = e.getKey();
        String topic = e.getValue();
        int replicas =
            admin
                .describeTopics(List.of(topic))
                .allTopicNames()
                .get(30, TimeUnit.SECONDS)
                .get(topic)
                .partitions()
                .get(0)
                .replicas()
                .size();
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config =
            admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
        out.put(
            name,
            "replicas "
                + replicas
                + ", min.insync.replicas "
                + config.get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG).value());
      }
    }
    return out;
  }

  static String loadAverage() {
    return String.format(
        Locale.ROOT, "%.1f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  static String report(
      int rate,
      int seconds,
      int warmSeconds,
      long[] fresh,
      String loadAtStart,
      String loadAtEnd,
      Map<String, String> replication) {
    String median = fresh.length == 0 ? "n/a" : fresh[fresh.length / 2] + " ms";
    String p99 = fresh.length == 0 ? "n/a" : fresh[(int) (fresh.length * 0.99)] + " ms";
    String max = fresh.length == 0 ? "n/a" : fresh[fresh.length - 1] + " ms";
    return String.format(
        Locale.ROOT,
        "## %s%n%n"
            + "Measured %s UTC on this machine (`nproc` = %d, load average %s at the start and %s at"
            + " the end), a `LocalKafkaCluster` of three KRaft nodes (each broker and controller, a"
            + " child JVM of %d MiB heap) on loopback; the examples topic %s, the snapshot topic"
            + " %s. The trainer as in the one-broker freshness above: one partition, one stream"
            + " thread, `exactly_once_v2`, commit interval 100 ms, model M with a snapshot every"
            + " 1,000 examples or 0.1 s, started after a first trainer on topics of its own has"
            + " trained %,d examples on the new cluster (its transaction and offsets topics"
            + " created and loaded, as on a cluster in service); examples written at %,d/s for"
            + " %d s, once a snapshot holds 1,024 priming examples written at once, after %d s of"
            + " warm-up and before 1 s more, neither measured; time from an example's write"
            + " (`acks=all`)"
            + " to the first committed snapshot that includes it, read with `read_committed`.%n%n"
            + "| brokers | examples measured | median | p99 | max |%n"
            + "| ---: | ---: | ---: | ---: | ---: |%n"
            + "| 3 | %,d | %s | %s | %s |%n%n"
            + "Command: `BROKERS=3 trainer/bench/throughput.sh %d %d %d`%n",
        HEADING,
        java.time.LocalDateTime.now(java.time.ZoneOffset.UTC).withNano(0),
        Runtime.getRuntime().availableProcessors(),
        loadAtStart,
        loadAtEnd,
        LocalKafkaCluster.DEFAULT_CHILD_HEAP_MEGABYTES,
        replication.get("examples"),
        replication.get("snapshots"),
        WARM_EXAMPLES,
        rate,
        seconds,
        warmSeconds,
        fresh.length,
        median,
        p99,
        max,
        rate,
        seconds,
        warmSeconds);
  }
}
