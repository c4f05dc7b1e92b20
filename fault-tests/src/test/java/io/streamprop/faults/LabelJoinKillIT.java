package io.streamprop.faults;

import static io.streamprop.trainer.testing.KafkaTestClient.header;
import static io.streamprop.trainer.testing.KafkaTestClient.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamprop.faults.rig.Children;
import io.streamprop.faults.rig.FaultReport;
import io.streamprop.faults.rig.FaultSizes;
import io.streamprop.faults.rig.Pipeline;
import io.streamprop.faults.rig.SyntheticStream;
import io.streamprop.learn.OnlineLearner;
import io.streamprop.learn.state.ModelState;
import io.streamprop.local.LocalKafka;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import io.streamprop.trainer.config.TrainerConfig;
import io.streamprop.trainer.join.LabelJoin;
import io.streamprop.trainer.testing.KafkaTestClient;
import io.streamprop.trainer.testing.States;
import io.streamprop.wire.Example;
import io.streamprop.wire.ExampleParser;
import io.streamprop.wire.SnapshotCodec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * The trainer, a child JVM, is SIGKILLed while logged predictions and their delayed labels flow
 * through its label join (3,000 predictions and 2 kills in the short run; 30,000 and 4 in the full
 * one), and restarted each time. Every label must be joined exactly once (one example per id on the
 * examples topic, read committed), and the final snapshot must equal, bit for bit, the model
 * trained offline on those joined examples in the order of the examples partition.
 *
 * <p>The stream comes in slices, one more than the kills: each slice sends a few labels ahead of
 * their predictions (they wait the grace), then the slice's predictions, then the rest of its
 * labels; a kill lands once a snapshot (committed or not) shows half of the slice learned, so the
 * join's stores hold pending predictions and waiting labels when the trainer dies. The last slice
 * is sent after the last restart.
 */
class LabelJoinKillIT {
  private static final Logger log = LoggerFactory.getLogger(LabelJoinKillIT.class);
  static final String SPEC =
      "{\"learner\": \"single\", \"inputs\": 8, \"classes\": 4, \"hidden\": [16], \"batch_size\": 8,"
          + " \"snapshot\": {\"every_examples\": 200, \"every_seconds\": 1}}";

  @TempDir Path dir;

  /** Row {@code i}'s prediction as the scorer logs it, at {@code time}. */
  private static byte[] logged(SyntheticStream stream, int i, long time) {
    StringBuilder json =
        new StringBuilder("{\"id\": \"")
            .append(id(i))
            .append("\", \"model\": \"m\", \"version\": ")
            .append(1 + i / 1000)
            .append(", \"time\": ")
            .append(time)
            .append(", \"features\": [");
    float[] x = stream.features(i);
    for (int j = 0; j < x.length; j++) {
      json.append(j == 0 ? "" : ", ").append(x[j]);
    }
    return utf8(
        json.append("], \"prediction\": {\"class\": 0, \"probabilities\": [0.4, 0.2, 0.2, 0.2]}}")
            .toString());
  }

  private static byte[] label(SyntheticStream stream, int i) {
    int y = (int) stream.label(i);
    return utf8(i % 5 == 0 ? "{\"label\": " + y + ", \"weight\": 0.5}" : "{\"label\": " + y + "}");
  }

  private static String id(int i) {
    return "p-" + i;
  }

  /** The labels offsets the trainer's group has committed, summed over the partitions. */
  private static long committedLabels(Admin admin, TrainerConfig config) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> offsets =
        admin
            .listConsumerGroupOffsets(config.applicationId())
            .partitionsToOffsetAndMetadata()
            .get(60, TimeUnit.SECONDS);
    long sum = 0;
    for (Map.Entry<TopicPartition, OffsetAndMetadata> e : offsets.entrySet()) {
      if (e.getKey().topic().equals(config.topics().labels()) && e.getValue() != null) {
        sum += e.getValue().offset();
      }
    }
    return sum;
  }

  /** Sends slice {@code [from, to)}: a tenth of its labels first, its predictions, the rest. */
  private static void sendSlice(
      KafkaTestClient client, TrainerConfig config, SyntheticStream stream, int from, int to) {
    String predictions = config.topics().predictions();
    String labels = config.topics().labels();
    for (int i = from; i < to; i++) {
      if (i % 10 == 7) {
        client.send(labels, id(i), label(stream, i)); // overtakes its prediction
      }
    }
    client.flush();
    for (int i = from; i < to; i++) {
      client.send(predictions, id(i), logged(stream, i, System.currentTimeMillis()));
    }
    client.flush();
    for (int i = from; i < to; i++) {
      if (i % 10 != 7) {
        client.send(labels, id(i), label(stream, i));
      }
    }
    client.flush();
  }

  @Test
  void trainerKilledWhileLabelsJoin_eachLabelAppliedOnce_modelOfTheJoinedExamplesBitForBit()
      throws Exception {
    int n = FaultSizes.labelJoinPredictions();
    int kills = FaultSizes.labelJoinKills();
    SyntheticStream stream = new SyntheticStream(23, 8, 4, n);
    Duration timeout = Duration.ofSeconds(FaultSizes.FULL ? 600 : 150);
    int slices = kills + 1;
    try (LocalKafka kafka = LocalKafka.builder().start();
        Children children = new Children(dir);
        KafkaTestClient client = new KafkaTestClient(kafka.bootstrapServers());
        Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      Pipeline pipeline = new Pipeline(kafka.bootstrapServers(), dir, children, "joinkill");
      TrainerConfig config = pipeline.config();
      String snapshots = config.topics().snapshots();
      client.send(config.topics().specs(), "m", utf8(SPEC));
      client.flush();
      Process trainer = pipeline.startTrainer("trainer-0.log");

      List<Long> seenAtKill = new ArrayList<>();
      List<Long> labelsCommittedAtKill = new ArrayList<>();
      List<Long> restartMillis = new ArrayList<>();
      for (int k = 0; k < kills; k++) {
        int from = n * k / slices;
        int to = n * (k + 1) / slices;
        sendSlice(client, config, stream, from, to);
        long point = from + (to - from) / 2;
        ConsumerRecord<byte[], byte[]> seen =
            client.awaitRecord(
                snapshots,
                true,
                r -> r.value() != null && SnapshotCodec.decode(r.value()).examples() >= point,
                timeout);
        Children.sigkill(trainer);
        long examplesAtKill = SnapshotCodec.decode(seen.value()).examples();
        long labelsCommitted = committedLabels(admin, config);
        seenAtKill.add(examplesAtKill);
        labelsCommittedAtKill.add(labelsCommitted);
        log.info(
            "kill {}: SIGKILL after a snapshot of {} examples; {} labels committed of {} sent",
            k + 1,
            examplesAtKill,
            labelsCommitted,
            to);
        long restart = System.nanoTime();
        trainer = pipeline.startTrainer("trainer-" + (k + 1) + ".log");
        if (examplesAtKill < to) {
          // Recovery time: until the restarted trainer commits a snapshot beyond the kill point.
          client.awaitRecord(
              snapshots,
              r -> r.value() != null && SnapshotCodec.decode(r.value()).examples() > examplesAtKill,
              timeout);
          restartMillis.add(FaultReport.millisSince(restart));
        } else {
          log.info("kill {}: after the whole slice was learned; no recovery time", k + 1);
        }
      }
      sendSlice(client, config, stream, n * kills / slices, n);

      ConsumerRecord<byte[], byte[]> last =
          client.awaitRecord(
              snapshots,
              r -> r.value() != null && SnapshotCodec.decode(r.value()).examples() == n,
              timeout);
      ModelState recovered = SnapshotCodec.decode(last.value());

      // Each label applied once: one committed example per id, with that id's row.
      ModelSpec spec = SpecJson.parse(SPEC);
      ExampleParser parser = new ExampleParser(spec);
      OnlineLearner offline = OnlineLearner.create(spec);
      Set<String> ids = new HashSet<>();
      List<ConsumerRecord<byte[], byte[]>> examples =
          client.readAll(config.topics().examples(), timeout);
      for (ConsumerRecord<byte[], byte[]> r : examples) {
        String id = header(r, LabelJoin.ID_HEADER).orElseThrow();
        assertThat(ids.add(id)).as("id %s joined twice", id).isTrue();
        int i = Integer.parseInt(id.substring(2));
        Example example = parser.parse(r.value());
        assertThat(example.features()).containsExactly(stream.features(i));
        assertThat(example.label()).containsExactly(stream.label(i));
        assertThat(header(r, LabelJoin.VERSION_HEADER)).contains(Long.toString(1 + i / 1000));
        // Offline: the joined examples in the order of the examples partition ("m" is one key).
        offline.learn(example.features(), example.label(), example.weight());
      }
      assertThat(ids).hasSize(n);
      States.assertSameModel(recovered, offline.state());
      assertThat(client.readAll(config.topics().deadLetters(), timeout)).isEmpty();

      Map<String, Object> figures = new LinkedHashMap<>();
      figures.put("predictions logged, each labeled once", n);
      figures.put("labels sent ahead of their prediction", n / 10);
      figures.put("SIGKILLs", kills);
      figures.put("examples in the snapshot seen before each kill", seenAtKill);
      figures.put("labels offset committed when each kill landed", labelsCommittedAtKill);
      figures.put("restart to first new committed snapshot (ms)", restartMillis);
      figures.put("committed examples on the examples topic", examples.size());
      figures.put("final model vs offline run on the joined examples", "bit-identical");
      figures.put("dead letters", 0);
      FaultReport.write("Trainer killed with SIGKILL while labels join", figures);
    }
  }
}
