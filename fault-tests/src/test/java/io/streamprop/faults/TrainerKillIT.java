package io.streamprop.faults;

import static io.streamprop.trainer.testing.KafkaTestClient.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamprop.faults.rig.Children;
import io.streamprop.faults.rig.FaultReport;
import io.streamprop.faults.rig.FaultSizes;
import io.streamprop.faults.rig.Pipeline;
import io.streamprop.faults.rig.SyntheticStream;
import io.streamprop.learn.state.ModelState;
import io.streamprop.local.LocalKafka;
import io.streamprop.spec.SpecJson;
import io.streamprop.trainer.config.TrainerConfig;
import io.streamprop.trainer.testing.KafkaTestClient;
import io.streamprop.trainer.testing.States;
import io.streamprop.wire.SnapshotCodec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trainer, a child JVM, is killed with SIGKILL at random points while a stream flows (30,000
 * examples and 2 kills in the short run; 200,000 and 5 in the full one), and restarted each time.
 * The final snapshot must equal, bit for bit, the model trained offline on the same records in
 * order, and count exactly the records sent: nothing lost, nothing applied twice.
 *
 * <p>Each kill must land before the stream is fully trained, or the restart has nothing to recover:
 * the examples offset the trainer had committed when it died is read from the broker and must be
 * below the stream's length. The last {@link #TAIL} of the stream is produced only after the last
 * restart, so that a trainer fast enough to finish between the snapshot that triggers a kill and
 * the kill itself cannot empty the test.
 */
class TrainerKillIT {
  // 8·96 + 96·48 + 48·4 = 5,568 dense weights: by default the model learns on the learning lane
  // beside the stream thread, so the kills also land while examples wait on it.
  private static final Logger log = LoggerFactory.getLogger(TrainerKillIT.class);
  static final String SPEC =
      "{\"inputs\": 8, \"classes\": 4, \"learner\": \"single\", \"hidden\": [96, 48], \"batch_size\": 16,"
          + " \"snapshot\": {\"every_examples\": 2000, \"every_seconds\": 1}}";

  /** The share of the stream held back until every kill is done (kill points lie below 90%). */
  static final double TAIL = 0.05;

  @TempDir Path dir;

  /** The examples offsets the trainer's group has committed, summed over the topic's partitions. */
  static long committedExamples(Admin admin, TrainerConfig config, Duration timeout)
      throws Exception {
    Map<TopicPartition, OffsetAndMetadata> offsets =
        admin
            .listConsumerGroupOffsets(config.applicationId())
            .partitionsToOffsetAndMetadata()
            .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    long sum = 0;
    for (Map.Entry<TopicPartition, OffsetAndMetadata> e : offsets.entrySet()) {
      if (e.getKey().topic().equals(config.topics().examples()) && e.getValue() != null) {
        sum += e.getValue().offset();
      }
    }
    return sum;
  }

  @Test
  void trainerKilledAtRandomPoints_andRestarted_publishesTheModelOfAnUninterruptedRun()
      throws Exception {
    int rows = FaultSizes.killStreamExamples();
    int kills = FaultSizes.trainerKills();
    SyntheticStream stream = new SyntheticStream(11, 8, 4, rows);
    long seed = System.nanoTime();
    Random random = new Random(seed);
    // Kill points spread over the stream: each lies in its own slice of [5%, 90%).
    List<Integer> killPoints = new ArrayList<>();
    for (int k = 0; k < kills; k++) {
      double from = 0.05 + 0.85 * k / kills;
      killPoints.add((int) (rows * (from + random.nextDouble() * 0.85 / kills)));
    }
    log.info("kill points {} (seed {})", killPoints, seed);
    Duration timeout = Duration.ofSeconds(FaultSizes.FULL ? 600 : 150);

    int upFront = (int) (rows * (1 - TAIL));
    try (LocalKafka kafka = LocalKafka.builder().start();
        Children children = new Children(dir);
        KafkaTestClient client = new KafkaTestClient(kafka.bootstrapServers());
        Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      Pipeline pipeline = new Pipeline(kafka.bootstrapServers(), dir, children, "kill");
      String snapshots = pipeline.config().topics().snapshots();
      Process trainer = pipeline.startTrainer("trainer-0.log");
      client.send(pipeline.config().topics().specs(), "m", utf8(SPEC));
      for (int i = 0; i < upFront; i++) {
        client.send(pipeline.config().topics().examples(), "m", stream.json(i));
      }
      client.flush();

      List<Long> seenAtKill = new ArrayList<>();
      List<Long> committedAtKill = new ArrayList<>();
      List<Long> restartMillis = new ArrayList<>();
      for (int k = 0; k < kills; k++) {
        int point = killPoints.get(k);
        // Kill once a snapshot, even one not yet committed, shows the chosen progress.
        ConsumerRecord<byte[], byte[]> seen =
            client.awaitRecord(
                snapshots,
                true,
                r -> r.value() != null && SnapshotCodec.decode(r.value()).examples() >= point,
                timeout);
        Children.sigkill(trainer);
        long examplesAtKill = SnapshotCodec.decode(seen.value()).examples();
        seenAtKill.add(examplesAtKill);
        // The dead trainer commits nothing more (a transaction it left open is aborted, never
        // committed): its committed offset is what the restarted trainer resumes from.
        long committed = committedExamples(admin, pipeline.config(), timeout);
        committedAtKill.add(committed);
        log.info(
            "kill {}: SIGKILL after a snapshot of {} examples, {} committed",
            k + 1,
            examplesAtKill,
            committed);
        assertThat(committed)
            .as(
                "examples committed when kill %d landed: the stream is not yet fully trained",
                k + 1)
            .isLessThan(rows);
        long restart = System.nanoTime();
        trainer = pipeline.startTrainer("trainer-" + (k + 1) + ".log");
        if (examplesAtKill < upFront) {
          // Recovery time: until the restarted trainer commits a snapshot beyond the kill point.
          client.awaitRecord(
              snapshots,
              r -> r.value() != null && SnapshotCodec.decode(r.value()).examples() > examplesAtKill,
              timeout);
          restartMillis.add(FaultReport.millisSince(restart));
        } else {
          // The trainer had learned every example sent so far before the kill landed (it can run
          // ahead of this loop): the restarted one has nothing new to publish until the held-back
          // examples arrive, and the final wait below covers its recovery.
          log.info("kill {}: after every example sent so far; no recovery time", k + 1);
        }
      }

      for (int i = upFront; i < rows; i++) {
        client.send(pipeline.config().topics().examples(), "m", stream.json(i));
      }
      client.flush();
      long start = System.nanoTime();
      ConsumerRecord<byte[], byte[]> last =
          client.awaitRecord(
              snapshots,
              r -> r.value() != null && SnapshotCodec.decode(r.value()).examples() == rows,
              timeout);
      long drainMillis = FaultReport.millisSince(start);
      ModelState recovered = SnapshotCodec.decode(last.value());
      States.assertSameModel(recovered, stream.train(SpecJson.parse(SPEC), rows).state());

      // Committed snapshot versions only rise: an aborted transaction's snapshots are invisible.
      List<Long> versions =
          client.readAll(snapshots, timeout).stream()
              .map(r -> SnapshotCodec.decode(r.value()).version())
              .toList();
      assertThat(versions).isNotEmpty().isSorted().doesNotHaveDuplicates();
      assertThat(client.readAll(pipeline.config().topics().deadLetters(), timeout)).isEmpty();

      Map<String, Object> figures = new LinkedHashMap<>();
      figures.put("examples sent", rows);
      figures.put("SIGKILLs", kills);
      figures.put("examples held back until after the last restart", rows - upFront);
      figures.put("examples in the snapshot seen before each kill", seenAtKill);
      figures.put("examples offset committed when each kill landed", committedAtKill);
      figures.put("restart to first new committed snapshot (ms)", restartMillis);
      figures.put("final snapshot: examples", recovered.examples());
      figures.put(
          "final snapshot: steps / skipped", recovered.steps() + " / " + recovered.skippedSteps());
      figures.put("final model vs offline run", "bit-identical (every state array)");
      figures.put("dead letters", 0);
      figures.put("after the held-back examples, wait for the final snapshot (ms)", drainMillis);
      FaultReport.write("Trainer killed with SIGKILL", figures);
    }
  }
}
