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
import io.streamprop.local.LocalKafkaCluster;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import io.streamprop.trainer.testing.KafkaTestClient;
import io.streamprop.trainer.testing.States;
import io.streamprop.wire.SnapshotCodec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trainer (child JVM) on a three-node KRaft cluster ({@link LocalKafkaCluster}: every node broker
 * and controller, replication factor 3, {@code min.insync.replicas} 2), three models on a
 * three-partition examples topic. A node is killed with SIGKILL mid-stream, a quarter of the stream
 * flows while it is down, then it is started again and the rest flows. Each scenario ends with
 * every model bit-identical to its offline run, each model's committed snapshot versions rising, no
 * dead letters, the trainer the original process, and the restarted node back in the in-sync
 * replicas of every examples partition. The victims: a node leading no examples partition, the
 * leader of examples partition 0, and the active controller of the metadata quorum (found with
 * {@code Admin#describeMetadataQuorum}); when the controller dies the other two elect one of
 * themselves, which the scenario checks while the node is down. The topics are created by the
 * trainer with the broker's default replication (3).
 */
class ClusterFaultIT {
  static final String SPEC =
      "{\"inputs\": 8, \"classes\": 4, \"learner\": \"single\", \"hidden\": [24, 12], \"batch_size\": 16,"
          + " \"snapshot\": {\"every_examples\": 250, \"every_seconds\": 1}}";
  static final int PARTITIONS = 3;

  private static LocalKafkaCluster cluster;
  private static long clusterStartMillis;

  @TempDir Path dir;

  @BeforeAll
  static void startCluster() {
    long start = System.nanoTime();
    cluster = LocalKafkaCluster.builder().start();
    clusterStartMillis = FaultReport.millisSince(start);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** Which node a scenario kills, given the examples topic. */
  interface Victim {
    int choose(String examplesTopic) throws Exception;
  }

  @Test
  void brokerKilledMidStream_andRestarted_everyModelEqualsAnUninterruptedRun() throws Exception {
    // A node that leads no examples partition if there is one: a follower's loss alone.
    run(
        "cluster-broker",
        "Three-broker cluster: a broker killed with SIGKILL and restarted",
        examples -> {
          List<Integer> leaders = new ArrayList<>();
          for (int p = 0; p < PARTITIONS; p++) {
            leaders.add(cluster.leader(examples, p));
          }
          for (int id = cluster.size(); id >= 1; id--) {
            if (!leaders.contains(id)) {
              return id;
            }
          }
          return cluster.size();
        });
  }

  @Test
  void leaderOfExamplesKilled_leadershipMoves_everyModelEqualsAnUninterruptedRun()
      throws Exception {
    run(
        "cluster-leader",
        "Three-broker cluster: the leader of examples partition 0 killed with SIGKILL",
        examples -> cluster.leader(examples, 0));
  }

  @Test
  void activeControllerKilled_quorumElectsAnother_everyModelEqualsAnUninterruptedRun()
      throws Exception {
    // Combined mode: the active controller is also a broker, so its partitions move too.
    run(
        "cluster-controller",
        "Three-broker cluster: the active controller killed with SIGKILL",
        examples -> activeController());
  }

  private void run(String name, String title, Victim victim) throws Exception {
    int rows = FaultSizes.clusterExamplesPerModel();
    String[] models = Group.oneModelPerPartition("c", PARTITIONS, PARTITIONS);
    Map<String, SyntheticStream> streams = new LinkedHashMap<>();
    for (int k = 0; k < models.length; k++) {
      streams.put(models[k], new SyntheticStream(300 + k, 8, 4, rows));
    }
    Duration timeout = Duration.ofSeconds(FaultSizes.FULL ? 600 : 180);
    String bootstrap = cluster.bootstrapServers();

    try (Children children = new Children(dir);
        KafkaTestClient client = new KafkaTestClient(bootstrap);
        Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      Pipeline pipeline =
          new Pipeline(
              Map.of("bootstrap.servers", bootstrap),
              Map.of(TrainerKeys.TOPIC_PARTITIONS, Integer.toString(PARTITIONS)),
              dir,
              children,
              name);
      String examples = pipeline.config().topics().examples();
      String snapshots = pipeline.config().topics().snapshots();
      Process trainer = pipeline.startTrainer("trainer.log");
      for (String model : models) {
        client.send(pipeline.config().topics().specs(), model, utf8(SPEC));
      }
      int half = rows / 2;
      int threeQuarters = rows * 3 / 4;
      MultiInstanceIT.send(client, examples, streams, 0, half);
      client.awaitRecord(
          snapshots,
          r -> r.value() != null && SnapshotCodec.decode(r.value()).examples() >= rows / 10,
          timeout);
      Map<String, Integer> replicas = replicasOf(admin, pipeline);

      int killed = victim.choose(examples);
      List<Integer> leadersBefore = leaders(examples);
      int controllerBefore = activeController();
      long down = System.nanoTime();
      cluster.kill(killed);
      MultiInstanceIT.send(client, examples, streams, half, threeQuarters);
      MultiInstanceIT.awaitEveryModel(client, snapshots, models, threeQuarters, timeout);
      long trainedWhileDown = FaultReport.millisSince(down);
      List<Integer> leadersWhileDown = leaders(examples);
      int controllerWhileDown = activeController();
      if (killed == controllerBefore) {
        assertThat(controllerWhileDown)
            .as("active controller after node %d, the active one, was killed", killed)
            .isPositive()
            .isNotEqualTo(killed);
      }

      long restart = System.nanoTime();
      cluster.start(killed);
      long restartMillis = FaultReport.millisSince(restart);
      MultiInstanceIT.send(client, examples, streams, threeQuarters, rows);
      Map<String, ModelState> finals =
          MultiInstanceIT.awaitEveryModel(client, snapshots, models, rows, timeout);
      long isrMillis = awaitFullIsr(admin, examples, timeout, restart);

      ModelSpec spec = SpecJson.parse(SPEC);
      Map<String, List<Long>> versions = new TreeMap<>();
      for (ConsumerRecord<byte[], byte[]> r : client.readAll(snapshots, timeout)) {
        versions
            .computeIfAbsent(MultiInstanceIT.key(r), k -> new ArrayList<>())
            .add(SnapshotCodec.decode(r.value()).version());
      }
      for (String model : models) {
        States.assertSameModel(finals.get(model), streams.get(model).train(spec, rows).state());
        assertThat(versions.get(model))
            .as("committed snapshot versions of %s", model)
            .isNotEmpty()
            .isSorted()
            .doesNotHaveDuplicates();
      }
      assertThat(client.readAll(pipeline.config().topics().deadLetters(), timeout)).isEmpty();
      assertThat(trainer.isAlive()).as("trainer process survived the broker's death").isTrue();

      Map<String, Object> figures = new LinkedHashMap<>();
      figures.put("cluster start, three nodes at once (ms)", clusterStartMillis);
      figures.put("replicas per topic (created by the trainer)", replicas);
      figures.put("models / examples partitions / examples per model", "3 / 3 / " + rows);
      figures.put("node killed", killed);
      figures.put(
          "leaders of examples partitions before / while down",
          leadersBefore + " / " + leadersWhileDown);
      figures.put(
          "active controller before / while down", controllerBefore + " / " + controllerWhileDown);
      figures.put("kill to every model past 75% while the node is down (ms)", trainedWhileDown);
      figures.put("node start (ms)", restartMillis);
      figures.put("node start to its return to every examples ISR (ms)", isrMillis);
      figures.put(
          "committed snapshot versions per model (count)",
          versions.entrySet().stream()
              .collect(
                  TreeMap::new, (m, e) -> m.put(e.getKey(), e.getValue().size()), Map::putAll));
      figures.put("every model vs offline run", "bit-identical; versions rise; 0 dead letters");
      FaultReport.write(title, figures);
    }
  }

  private static List<Integer> leaders(String topic) throws Exception {
    List<Integer> leaders = new ArrayList<>();
    for (int p = 0; p < PARTITIONS; p++) {
      leaders.add(cluster.leader(topic, p));
    }
    return leaders;
  }

  /**
   * The node leading the KRaft metadata quorum now (the active controller), asked of the running
   * nodes; waits while an election is under way.
   */
  private static int activeController() {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
      int[] leader = {-1};
      await("an active controller")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .ignoreExceptions()
          .until(
              () -> {
                leader[0] =
                    admin
                        .describeMetadataQuorum()
                        .quorumInfo()
                        .get(30, TimeUnit.SECONDS)
                        .leaderId();
                return leader[0] > 0;
              });
      return leader[0];
    }
  }

  /** Replicas of the first partition of each of the pipeline's topics and of the changelog. */
  private static Map<String, Integer> replicasOf(Admin admin, Pipeline pipeline) throws Exception {
    List<String> topics =
        List.of(
            pipeline.config().topics().examples(),
            pipeline.config().topics().specs(),
            pipeline.config().topics().snapshots(),
            pipeline.config().topics().deadLetters(),
            pipeline.config().applicationId() + "-model-state-changelog");
    Map<String, TopicDescription> described =
        admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS);
    Map<String, Integer> replicas = new TreeMap<>();
    for (String topic : topics) {
      for (TopicPartitionInfo p : described.get(topic).partitions()) {
        assertThat(p.replicas()).as("replicas of %s-%d", topic, p.partition()).hasSize(3);
      }
      replicas.put(topic, described.get(topic).partitions().get(0).replicas().size());
    }
    return replicas;
  }

  /** Waits until every examples partition has all three replicas in sync; ms since {@code t0}. */
  private static long awaitFullIsr(Admin admin, String topic, Duration timeout, long t0) {
    await("every partition of " + topic + " with 3 in-sync replicas")
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .until(
            () ->
                admin
                    .describeTopics(List.of(topic))
                    .allTopicNames()
                    .get(30, TimeUnit.SECONDS)
                    .get(topic)
                    .partitions()
                    .stream()
                    .allMatch(p -> p.isr().size() == 3));
    return FaultReport.millisSince(t0);
  }
}
