package io.streamprop.faults;

import static io.streamprop.trainer.testing.KafkaTestClient.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamprop.config.TrainerKeys;
import io.streamprop.faults.rig.Children;
import io.streamprop.faults.rig.FaultReport;
import io.streamprop.faults.rig.FaultSizes;
import io.streamprop.faults.rig.Group;
import io.streamprop.faults.rig.Pipeline;
import io.streamprop.faults.rig.SyntheticStream;
import io.streamprop.learn.state.ModelState;
import io.streamprop.local.LocalKafka;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import io.streamprop.trainer.testing.KafkaTestClient;
import io.streamprop.trainer.testing.States;
import io.streamprop.wire.SnapshotCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Several trainer instances of one application (child JVMs, one {@code application.id}, each its
 * own {@code state.dir}) share six models on a six-partition examples topic, one model per
 * partition, with one standby replica. Trainer B is killed with SIGKILL while its models are being
 * trained; trainer A takes its models over; then trainer C joins with an empty state directory and
 * the rebalance moves models to it, their state restored from the changelog. Every model's final
 * snapshot must equal, bit for bit, the model trained offline on its records in order (nothing
 * lost, nothing applied twice), and each model's committed snapshot versions only rise.
 *
 * <p>The stream is sent in three parts, so that each event has work left after it: half before the
 * kill (which lands once a snapshot of one of B's models shows a tenth of its examples), up to 90%
 * after it, and the rest only once C holds partitions.
 */
class MultiInstanceIT {
  // 5,568 dense weights: the models learn on the instances' learning lanes, which the rebalances
  // release and acquire with the tasks.
  private static final Logger log = LoggerFactory.getLogger(MultiInstanceIT.class);
  static final String SPEC =
      "{\"inputs\": 8, \"classes\": 4, \"learner\": \"single\", \"hidden\": [96, 48], \"batch_size\": 16,"
          + " \"snapshot\": {\"every_examples\": 250, \"every_seconds\": 1}}";
  static final int PARTITIONS = 6;

  @TempDir Path dir;

  @Test
  void twoInstancesShareSixModels_oneKilled_aThirdJoins_everyModelEqualsAnUninterruptedRun()
      throws Exception {
    int rows = FaultSizes.multiInstanceExamplesPerModel();
    String[] models = Group.oneModelPerPartition("m", PARTITIONS, PARTITIONS);
    Map<String, SyntheticStream> streams = new LinkedHashMap<>();
    for (int k = 0; k < models.length; k++) {
      streams.put(models[k], new SyntheticStream(100 + k, 8, 4, rows));
    }
    Duration timeout = Duration.ofSeconds(FaultSizes.FULL ? 600 : 180);

    try (LocalKafka kafka = LocalKafka.builder().start();
        Children children = new Children(dir);
        KafkaTestClient client = new KafkaTestClient(kafka.bootstrapServers());
        Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      Map<String, String> trainerOnly = new LinkedHashMap<>();
      trainerOnly.put(TrainerKeys.TOPIC_PARTITIONS, Integer.toString(PARTITIONS));
      trainerOnly.put("num.standby.replicas", "1");
      // The broker's smallest allowed session: the survivor takes over a killed static member's
      // tasks once its session expires.
      trainerOnly.put("consumer.session.timeout.ms", "6000");
      trainerOnly.put("consumer.heartbeat.interval.ms", "1000");
      Pipeline pipeline =
          new Pipeline(
              Map.of("bootstrap.servers", kafka.bootstrapServers()),
              trainerOnly,
              dir,
              children,
              "multi");
      String group = pipeline.config().applicationId();
      String examples = pipeline.config().topics().examples();
      String snapshots = pipeline.config().topics().snapshots();
      String a = pipeline.memberId("a");
      String b = pipeline.memberId("b");
      String c = pipeline.memberId("c");

      pipeline.startTrainerInstance("trainer-a.log", "a");
      Process trainerB = pipeline.startTrainerInstance("trainer-b.log", "b");
      for (String model : models) {
        client.send(pipeline.config().topics().specs(), model, utf8(SPEC));
      }
      client.flush();
      Map<String, TreeSet<Integer>> shared =
          Group.awaitAssignment(
              admin,
              group,
              examples,
              "trainers a and b both holding examples partitions",
              owned ->
                  owned.size() == 2
                      && !owned.getOrDefault(a, new TreeSet<>()).isEmpty()
                      && !owned.getOrDefault(b, new TreeSet<>()).isEmpty(),
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
      int ninety = rows * 9 / 10;
      send(client, examples, streams, 0, half);
      // Kill b once a snapshot (committed or not) shows one of its models a tenth of the way.
      ConsumerRecord<byte[], byte[]> seen =
          client.awaitRecord(
              snapshots,
              true,
              r ->
                  modelsOfB.contains(key(r))
                      && r.value() != null
                      && SnapshotCodec.decode(r.value()).examples() >= rows / 10,
              timeout);
      Children.sigkill(trainerB);
      long killed = System.nanoTime();
      long examplesAtKill = SnapshotCodec.decode(seen.value()).examples();
      Map<Integer, Long> committedAtKill = Group.committed(admin, group, examples, PARTITIONS);
      Map<Integer, Long> endAtKill = Group.endOffsets(admin, examples, PARTITIONS);
      long untrainedOfB = 0;
      for (int p : partitionsOfB) {
        untrainedOfB += endAtKill.get(p) - committedAtKill.get(p);
      }
      log.info(
          "SIGKILL of b after a snapshot of {} examples of {}; committed {}, end {}",
          examplesAtKill,
          key(seen),
          committedAtKill,
          endAtKill);
      assertThat(untrainedOfB)
          .as("examples of b's partitions not yet committed when the kill landed")
          .isPositive();

      send(client, examples, streams, half, ninety);
      // b is dead: only the survivor can move the offsets committed on b's partitions.
      long committedOfB = 0;
      for (int p : partitionsOfB) {
        committedOfB += committedAtKill.get(p);
      }
      long before = committedOfB;
      await("the survivor committing examples of b's partitions")
          .atMost(timeout)
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> {
                Map<Integer, Long> now = Group.committed(admin, group, examples, PARTITIONS);
                return partitionsOfB.stream().mapToLong(now::get).sum() > before;
              });
      long takeoverMillis = FaultReport.millisSince(killed);
      awaitEveryModel(client, snapshots, models, ninety, timeout);

      long joining = System.nanoTime();
      pipeline.startTrainerInstance("trainer-c.log", "c");
      Map<String, TreeSet<Integer>> afterJoin =
          Group.awaitAssignment(
              admin,
              group,
              examples,
              "trainer c holding examples partitions",
              owned ->
                  !owned.getOrDefault(c, new TreeSet<>()).isEmpty()
                      && !owned.getOrDefault(a, new TreeSet<>()).isEmpty(),
              timeout);
      long joinMillis = FaultReport.millisSince(joining);
      log.info("assignment after c joined {}", afterJoin);

      send(client, examples, streams, ninety, rows);
      long tail = System.nanoTime();
      Map<String, ModelState> finals = awaitEveryModel(client, snapshots, models, rows, timeout);
      long tailMillis = FaultReport.millisSince(tail);

      Map<String, List<Long>> versions = new TreeMap<>();
      for (ConsumerRecord<byte[], byte[]> r : client.readAll(snapshots, timeout)) {
        versions
            .computeIfAbsent(key(r), k -> new ArrayList<>())
            .add(SnapshotCodec.decode(r.value()).version());
      }
      ModelSpec spec = SpecJson.parse(SPEC);
      Map<String, Long> finalExamples = new TreeMap<>();
      for (String model : models) {
        ModelState state = finals.get(model);
        States.assertSameModel(state, streams.get(model).train(spec, rows).state());
        finalExamples.put(model, state.examples());
        assertThat(versions.get(model))
            .as("committed snapshot versions of %s", model)
            .isNotEmpty()
            .isSorted()
            .doesNotHaveDuplicates();
      }
      assertThat(client.readAll(pipeline.config().topics().deadLetters(), timeout)).isEmpty();
      Map<String, TreeSet<Integer>> last = Group.assignment(admin, group, examples);
      assertThat(last.get(c)).as("partitions of trainer c at the end").isNotEmpty();

      Map<String, Object> figures = new LinkedHashMap<>();
      figures.put("models / examples partitions / standby replicas", "6 / 6 / 1");
      figures.put("examples per model", rows);
      figures.put("assignment of a and b (examples partitions)", shared);
      figures.put("examples in b's snapshot seen before the SIGKILL", examplesAtKill);
      figures.put("examples of b's partitions not committed at the kill", untrainedOfB);
      figures.put(
          "kill to the survivor committing examples of b's partitions (ms)", takeoverMillis);
      figures.put("c started to c holding partitions (ms)", joinMillis);
      figures.put("assignment after c joined", afterJoin);
      figures.put("held-back 10% sent to every final snapshot (ms)", tailMillis);
      figures.put("final snapshots: examples per model", finalExamples);
      figures.put(
          "committed snapshot versions per model (count)",
          versions.entrySet().stream()
              .collect(
                  TreeMap::new, (m, e) -> m.put(e.getKey(), e.getValue().size()), Map::putAll));
      figures.put("every model vs offline run", "bit-identical; versions rise; 0 dead letters");
      FaultReport.write("Three trainer instances: one killed, one joining", figures);
    }
  }

  /** Rows {@code [from, to)} of every model, interleaved row by row. */
  static void send(
      KafkaTestClient client,
      String topic,
      Map<String, SyntheticStream> streams,
      int from,
      int to) {
    for (int i = from; i < to; i++) {
      for (Map.Entry<String, SyntheticStream> e : streams.entrySet()) {
        client.send(topic, e.getKey(), e.getValue().json(i));
      }
    }
    client.flush();
  }

  /** Waits until every model has a committed snapshot of at least {@code examples}; the latest. */
  static Map<String, ModelState> awaitEveryModel(
      KafkaTestClient client, String snapshots, String[] models, long examples, Duration timeout) {
    Map<String, ModelState> latest = new HashMap<>();
    client.awaitRecord(
        snapshots,
        r -> {
          if (r.value() != null) {
            latest.put(key(r), SnapshotCodec.decode(r.value()));
          }
          for (String model : models) {
            ModelState state = latest.get(model);
            if (state == null || state.examples() < examples) {
              return false;
            }
          }
          return true;
        },
        timeout);
    return latest;
  }

  static String key(ConsumerRecord<byte[], byte[]> record) {
    return new String(record.key(), StandardCharsets.UTF_8);
  }
}
