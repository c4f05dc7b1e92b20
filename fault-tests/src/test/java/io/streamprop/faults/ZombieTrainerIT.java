package io.streamprop.faults;

import static io.streamprop.trainer.testing.KafkaTestClient.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.streamprop.config.TrainerKeys;
import io.streamprop.faults.rig.Children;
import io.streamprop.faults.rig.FaultReport;
import io.streamprop.faults.rig.FaultSizes;
import io.streamprop.faults.rig.Group;
import io.streamprop.faults.rig.NetNamespace;
import io.streamprop.faults.rig.Pipeline;
import io.streamprop.faults.rig.SyntheticStream;
import io.streamprop.faults.rig.ThreadDumps;
import io.streamprop.learn.state.ModelState;
import io.streamprop.local.LocalKafkaCluster;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import io.streamprop.trainer.testing.KafkaTestClient;
import io.streamprop.trainer.testing.States;
import io.streamprop.wire.SnapshotCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A zombie trainer: two trainer instances of one application share four models on a three-node
 * {@link LocalKafkaCluster}, trainer a on this host (loopback), trainer b inside a network
 * namespace ({@link NetNamespace}) that reaches the nodes only through their external listener on
 * the host end of a veth pair. While b trains, the pair is cut: b's process runs on, with an open
 * transaction, but no packet reaches a broker. The cut lasts until the group coordinator has
 * dropped b (its heartbeats stopped for longer than the consumer's liveness timeout, 6 s here), the
 * survivor has taken b's models over and trained every model past 75%, and at least the poll
 * interval b's consumer is allowed (15 s here) has passed. Then the pair is restored: b comes back
 * believing it still owns its tasks, must be fenced (its transaction was aborted by the coordinator
 * when it timed out, its producer epoch is stale, its group generation is gone), rejoin, and take
 * models again; the last quarter of the stream flows once it holds partitions.
 *
 * <p>Checked: every model's final committed snapshot bit-identical to the offline run of its
 * examples (nothing lost, nothing applied twice, in particular nothing of b's aborted work), each
 * model's committed snapshot versions and example counts rising with no duplicate version, no dead
 * letters, both processes still the original ones and b holding partitions again at the end.
 */
class ZombieTrainerIT {
  private static final Logger log = LoggerFactory.getLogger(ZombieTrainerIT.class);
  static final String SPEC =
      "{\"inputs\": 8, \"classes\": 4, \"learner\": \"single\", \"hidden\": [24, 12], \"batch_size\": 16,"
          + " \"snapshot\": {\"every_examples\": 250, \"every_seconds\": 1}}";
  static final int PARTITIONS = 4;

  /** The broker's smallest allowed {@code session.timeout.ms}: b is dropped 6 s after the cut. */
  static final int LIVENESS_TIMEOUT_MS = 6000;

  /** b's consumer leaves its tasks by itself after this long without a poll. */
  static final int MAX_POLL_INTERVAL_MS = 15000;

  /**
   * Kept when the test fails: the trainers' logs ({@code trainer-a.log}, {@code trainer-b.log}).
   */
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  @Test
  void cutOffPastItsTimeouts_fencedOnReturn_everyModelEqualsAnUninterruptedRun() throws Exception {
    String unavailable = NetNamespace.unavailableReason();
    assumeTrue(unavailable.isEmpty(), () -> "skipped: no network namespaces here: " + unavailable);

    int rows = FaultSizes.zombieExamplesPerModel();
    String[] models = Group.oneModelPerPartition("z", PARTITIONS, PARTITIONS);
    Map<String, SyntheticStream> streams = new LinkedHashMap<>();
    for (int k = 0; k < models.length; k++) {
      streams.put(models[k], new SyntheticStream(500 + k, 8, 4, rows));
    }
    Duration timeout = Duration.ofSeconds(FaultSizes.FULL ? 600 : 240);

    try (NetNamespace ns = NetNamespace.create();
        LocalKafkaCluster cluster =
            LocalKafkaCluster.builder().externalAddress(ns.hostAddress()).start();
        Children children = new Children(dir);
        KafkaTestClient client = new KafkaTestClient(cluster.bootstrapServers());
        Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
      Map<String, String> trainerOnly = new LinkedHashMap<>();
      trainerOnly.put(TrainerKeys.TOPIC_PARTITIONS, Integer.toString(PARTITIONS));
      trainerOnly.put("consumer.session.timeout.ms", Integer.toString(LIVENESS_TIMEOUT_MS));
      trainerOnly.put("consumer.heartbeat.interval.ms", "1000");
      trainerOnly.put("consumer.max.poll.interval.ms", Integer.toString(MAX_POLL_INTERVAL_MS));
      Pipeline pipeline =
          new Pipeline(
              Map.of("bootstrap.servers", cluster.bootstrapServers()),
              trainerOnly,
              dir,
              children,
              "zombie");
      String group = pipeline.config().applicationId();
      String examples = pipeline.config().topics().examples();
      String snapshots = pipeline.config().topics().snapshots();
      String a = pipeline.memberId("a");
      String b = pipeline.memberId("b");

      Process trainerA = pipeline.startTrainerInstance("trainer-a.log", "a");
      Process trainerB =
          pipeline.startTrainerInstance(
              "trainer-b.log",
              "b",
              Map.of("bootstrap.servers", cluster.externalBootstrapServers()),
              ns.launcher());
      for (String model : models) {
        client.send(pipeline.config().topics().specs(), model, utf8(SPEC));
      }
      client.flush();
      Map<String, TreeSet<Integer>> shared =
          Group.awaitAssignment(
              admin,
              group,
              examples,
              "trainers a (host) and b (namespace) both holding examples partitions",
              owned -> holds(owned, a) && holds(owned, b) && owned.size() == 2,
              timeout);
      Set<Integer> partitionsOfB = Set.copyOf(shared.get(b));
      List<String> modelsOfB = new ArrayList<>();
      for (String model : models) {
        if (partitionsOfB.contains(Group.partitionOf(model, PARTITIONS))) {
          modelsOfB.add(model);
        }
      }
      log.info("assignment {}; models of b {}", shared, modelsOfB);

      int half = rows / 2;
      int threeQuarters = rows * 3 / 4;
      MultiInstanceIT.send(client, examples, streams, 0, half);
      // Cut b off while it trains: once a snapshot (committed or not) of one of its models shows
      // a tenth of its examples.
      ConsumerRecord<byte[], byte[]> seen =
          client.awaitRecord(
              snapshots,
              true,
              r ->
                  modelsOfB.contains(MultiInstanceIT.key(r))
                      && r.value() != null
                      && SnapshotCodec.decode(r.value()).examples() >= rows / 10,
              timeout);
      ns.cut();
      long cut = System.nanoTime();
      long examplesAtCut = SnapshotCodec.decode(seen.value()).examples();
      Map<Integer, Long> committedAtCut = Group.committed(admin, group, examples, PARTITIONS);
      Map<Integer, Long> endAtCut = Group.endOffsets(admin, examples, PARTITIONS);
      long untrainedOfB = 0;
      long committedOfB = 0;
      for (int p : partitionsOfB) {
        untrainedOfB += endAtCut.get(p) - committedAtCut.get(p);
        committedOfB += committedAtCut.get(p);
      }
      log.info(
          "cut b off after a snapshot of {} examples of {}; committed {}, end {}",
          examplesAtCut,
          MultiInstanceIT.key(seen),
          committedAtCut,
          endAtCut);
      assertThat(untrainedOfB)
          .as("examples of b's partitions not yet committed when the cut came")
          .isPositive();

      MultiInstanceIT.send(client, examples, streams, half, threeQuarters);
      Map<String, TreeSet<Integer>> onlyA =
          Group.awaitAssignment(
              admin,
              group,
              examples,
              "the group without b, a holding every examples partition",
              owned ->
                  !owned.containsKey(b)
                      && owned.getOrDefault(a, new TreeSet<>()).size() == PARTITIONS,
              timeout);
      long droppedMillis = FaultReport.millisSince(cut);
      long before = committedOfB;
      await("the survivor committing examples of b's partitions")
          .atMost(timeout)
          .pollInterval(Duration.ofMillis(200))
          .ignoreExceptions()
          .until(
              () -> {
                Map<Integer, Long> now = Group.committed(admin, group, examples, PARTITIONS);
                return partitionsOfB.stream().mapToLong(now::get).sum() > before;
              });
      long takeoverMillis = FaultReport.millisSince(cut);
      MultiInstanceIT.awaitEveryModel(client, snapshots, models, threeQuarters, timeout);
      long pastThreeQuartersMillis = FaultReport.millisSince(cut);
      // The cut is a fault of a given length, not a wait for something: b must stay cut off for
      // longer than its consumer may go without a poll too.
      await("the cut lasting longer than b's max.poll.interval.ms")
          .atMost(timeout)
          .pollInterval(Duration.ofMillis(200))
          .until(() -> FaultReport.millisSince(cut) > MAX_POLL_INTERVAL_MS);
      assertThat(trainerB.isAlive()).as("b's process while it is cut off").isTrue();

      ns.restore();
      long restored = System.nanoTime();
      long cutMillis = FaultReport.millisSince(cut);
      Map<String, TreeSet<Integer>> rejoined;
      try {
        rejoined =
            Group.awaitAssignment(
                admin,
                group,
                examples,
                "b back in the group, holding examples partitions again (or b's process gone)",
                owned -> !trainerB.isAlive() || holds(owned, a) && holds(owned, b),
                timeout);
      } catch (ConditionTimeoutException e) {
        // Where b's threads wait tells why it did not come back; the directory is kept.
        throw new AssertionError(
            "b not back in the group "
                + timeout
                + " after the restore; last assignment "
                + Group.assignment(admin, group, examples)
                + "; thread dumps "
                + ThreadDumps.write(trainerB, dir.resolve("trainer-b.threads.txt"))
                + ", "
                + ThreadDumps.write(trainerA, dir.resolve("trainer-a.threads.txt"))
                + "; logs in "
                + dir,
            e);
      }
      assertThat(trainerB.isAlive())
          .as("b's process after the restore (its log: %s)", dir.resolve("trainer-b.log"))
          .isTrue();
      long rejoinMillis = FaultReport.millisSince(restored);
      log.info("assignment after b rejoined {}", rejoined);

      MultiInstanceIT.send(client, examples, streams, threeQuarters, rows);
      Map<Integer, Long> end = Group.endOffsets(admin, examples, PARTITIONS);
      await("the group committing every examples partition to its end " + end)
          .atMost(timeout)
          .pollInterval(Duration.ofMillis(200))
          .ignoreExceptions()
          .until(() -> Group.committed(admin, group, examples, PARTITIONS).equals(end));
      Map<String, ModelState> finals = awaitFinalSnapshots(client, snapshots, models, rows);

      ModelSpec spec = SpecJson.parse(SPEC);
      Map<String, List<Long>> versions = new TreeMap<>();
      Map<String, List<Long>> counts = new TreeMap<>();
      for (ConsumerRecord<byte[], byte[]> r : client.readAll(snapshots, timeout)) {
        ModelState state = SnapshotCodec.decode(r.value());
        versions
            .computeIfAbsent(MultiInstanceIT.key(r), k -> new ArrayList<>())
            .add(state.version());
        counts
            .computeIfAbsent(MultiInstanceIT.key(r), k -> new ArrayList<>())
            .add(state.examples());
      }
      for (String model : models) {
        States.assertSameModel(finals.get(model), streams.get(model).train(spec, rows).state());
        assertThat(versions.get(model))
            .as("committed snapshot versions of %s", model)
            .isNotEmpty()
            .isSorted()
            .doesNotHaveDuplicates();
        assertThat(counts.get(model))
            .as("examples in the committed snapshots of %s, in topic order", model)
            .isSorted();
      }
      assertThat(client.readAll(pipeline.config().topics().deadLetters(), timeout)).isEmpty();
      assertThat(trainerA.isAlive()).as("trainer a is the original process").isTrue();
      assertThat(trainerB.isAlive()).as("trainer b, the zombie, is the original process").isTrue();
      Map<String, TreeSet<Integer>> last = Group.assignment(admin, group, examples);
      assertThat(last.get(b)).as("partitions of trainer b at the end").isNotEmpty();
      Map<String, Long> fencing = fencingSigns(dir.resolve("trainer-b.log"));

      Map<String, Object> figures = new LinkedHashMap<>();
      figures.put("cluster / trainers", "3 nodes; a on loopback, b in a network namespace");
      figures.put("models / examples partitions / examples per model", "4 / 4 / " + rows);
      figures.put(
          "consumer liveness timeout / max poll interval (ms)",
          LIVENESS_TIMEOUT_MS + " / " + MAX_POLL_INTERVAL_MS);
      figures.put("assignment of a and b (examples partitions)", shared);
      figures.put("examples in b's snapshot seen before the cut", examplesAtCut);
      figures.put("examples of b's partitions not committed at the cut", untrainedOfB);
      figures.put("cut to the group without b (ms)", droppedMillis);
      figures.put("cut to the survivor committing on b's partitions (ms)", takeoverMillis);
      figures.put("cut to every model past 75% (ms)", pastThreeQuartersMillis);
      figures.put("cut length (ms)", cutMillis);
      figures.put("restore to b holding partitions again (ms)", rejoinMillis);
      figures.put("assignment after b rejoined", rejoined);
      figures.put("assignment while b was cut off", onlyA);
      figures.put("lines of b's log per sign of its fencing", fencing);
      figures.put(
          "committed snapshot versions per model (count)",
          versions.entrySet().stream()
              .collect(
                  TreeMap::new, (m, e) -> m.put(e.getKey(), e.getValue().size()), Map::putAll));
      figures.put("every model vs offline run", "bit-identical; versions rise; 0 dead letters");
      FaultReport.write("A trainer cut off by a network partition, then reconnected", figures);
    }
  }

  /**
   * Every model's committed snapshot of all its {@code rows} examples, once the group has committed
   * every example: only a snapshot due to the clock ({@code every_seconds}: 1) can still be on its
   * way, so a minute is plenty. A model that never gets there lost examples (a zombie's stale state
   * written over the survivor's, say); the failure names each model's last count.
   */
  private static Map<String, ModelState> awaitFinalSnapshots(
      KafkaTestClient client, String snapshots, String[] models, int rows) {
    try {
      return MultiInstanceIT.awaitEveryModel(
          client, snapshots, models, rows, Duration.ofSeconds(60));
    } catch (ConditionTimeoutException e) {
      Map<String, Long> last = new TreeMap<>();
      for (ConsumerRecord<byte[], byte[]> r : client.readAll(snapshots, Duration.ofSeconds(60))) {
        last.put(MultiInstanceIT.key(r), SnapshotCodec.decode(r.value()).examples());
      }
      throw new AssertionError(
          "every example is committed, but not every model's committed snapshot counts all "
              + rows
              + " of its examples; last committed counts: "
              + last,
          e);
    }
  }

  private static boolean holds(Map<String, TreeSet<Integer>> owned, String member) {
    return !owned.getOrDefault(member, new TreeSet<>()).isEmpty();
  }

  /**
   * What b's log says of its time cut off, as lines per sign: Kafka's warning that its poll
   * interval expired, a fenced producer, a task migrated, a fenced static member (its own earlier
   * join claiming its {@code group.instance.id}), a task opened with models in its store (restored
   * from the changelog after the restore; before the cut b's tasks started empty). Which signs
   * appear depends on where the cut caught b's stream thread, so they are reported, not asserted.
   */
  private static Map<String, Long> fencingSigns(Path logFile) throws Exception {
    List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
    Map<String, Long> signs = new LinkedHashMap<>();
    for (String sign :
        List.of(
            "poll timeout has expired",
            "ProducerFencedException",
            "TaskMigratedException",
            "FencedInstanceIdException")) {
      signs.put(sign, lines.stream().filter(l -> l.contains(sign)).count());
    }
    Pattern restored = Pattern.compile("task \\d+_\\d+: [1-9]\\d* models in the store");
    signs.put(
        "task opened with models in its store",
        lines.stream().filter(l -> restored.matcher(l).find()).count());
    return signs;
  }
}
