package io.streamprop.faults;

import static io.streamprop.trainer.testing.KafkaTestClient.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamprop.faults.rig.Children;
import io.streamprop.faults.rig.FaultReport;
import io.streamprop.faults.rig.FaultSizes;
import io.streamprop.faults.rig.Pipeline;
import io.streamprop.faults.rig.ScorerClient;
import io.streamprop.faults.rig.SyntheticStream;
import io.streamprop.learn.state.ModelState;
import io.streamprop.local.LocalKafka;
import io.streamprop.spec.SpecJson;
import io.streamprop.trainer.testing.KafkaTestClient;
import io.streamprop.trainer.testing.States;
import io.streamprop.wire.SnapshotCodec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker (in-process, same port and log directory) is stopped and started again mid-stream
 * while a trainer and a scorer run as child JVMs. Neither is touched: both must recover by
 * themselves. The trainer's final model must be bit-identical to the offline run over every record
 * sent (half before the outage, half after), and the scorer must serve its final version.
 */
class BrokerRestartIT {
  static final String SPEC =
      "{\"inputs\": 8, \"classes\": 4, \"learner\": \"single\", \"hidden\": [24, 12], \"batch_size\": 16,"
          + " \"snapshot\": {\"every_examples\": 2000, \"every_seconds\": 1}}";

  @TempDir Path dir;

  @Test
  void brokerRestartedMidStream_trainerAndScorerRecoverAlone_andNothingIsLost() throws Exception {
    int rows = FaultSizes.brokerStreamExamples();
    int half = rows / 2;
    SyntheticStream stream = new SyntheticStream(17, 8, 4, rows);
    Duration timeout = Duration.ofSeconds(FaultSizes.FULL ? 400 : 150);
    int port = Pipeline.freePort();
    ScorerClient scorer = new ScorerClient(port);

    try (LocalKafka kafka = LocalKafka.builder().start();
        Children children = new Children(dir)) {
      Pipeline pipeline = new Pipeline(kafka.bootstrapServers(), dir, children, "brestart");
      String snapshots = pipeline.config().topics().snapshots();
      Process trainer = pipeline.startTrainer("trainer.log");
      Process scorerProcess = pipeline.startScorer("scorer.log", port);
      scorer.awaitReady(timeout, scorerProcess);
      long downMillis;
      long trainerBackMillis;
      long scorerBackMillis;
      try (KafkaTestClient client = new KafkaTestClient(kafka.bootstrapServers())) {
        client.send(pipeline.config().topics().specs(), "m", utf8(SPEC));
        for (int i = 0; i < half; i++) {
          client.send(pipeline.config().topics().examples(), "m", stream.json(i));
        }
        client.flush();
        // Mid-stream: the trainer has committed part of the first half.
        client.awaitRecord(
            snapshots,
            r -> r.value() != null && SnapshotCodec.decode(r.value()).examples() >= half / 4,
            timeout);
      }
      long beforeOutage = scorer.awaitVersion("m", 1, timeout);

      long stop = System.nanoTime();
      kafka.stop();
      kafka.start();
      downMillis = FaultReport.millisSince(stop);
      long back = System.nanoTime();

      try (KafkaTestClient client = new KafkaTestClient(kafka.bootstrapServers())) {
        for (int i = half; i < rows; i++) {
          client.send(pipeline.config().topics().examples(), "m", stream.json(i));
        }
        client.flush();
        client.awaitRecord(
            snapshots,
            r -> r.value() != null && SnapshotCodec.decode(r.value()).examples() > half,
            timeout);
        trainerBackMillis = FaultReport.millisSince(back);
        ConsumerRecord<byte[], byte[]> last =
            client.awaitRecord(
                snapshots,
                r -> r.value() != null && SnapshotCodec.decode(r.value()).examples() == rows,
                timeout);
        ModelState model = SnapshotCodec.decode(last.value());
        States.assertSameModel(model, stream.train(SpecJson.parse(SPEC), rows).state());
        assertThat(client.readAll(pipeline.config().topics().deadLetters(), timeout)).isEmpty();
        long served = scorer.awaitVersion("m", model.version(), timeout);
        scorerBackMillis = FaultReport.millisSince(back);
        assertThat(served).isGreaterThan(beforeOutage);
        assertThat(trainer.isAlive()).as("trainer process survived the outage").isTrue();
        assertThat(scorerProcess.isAlive()).as("scorer process survived the outage").isTrue();
        assertThat(scorer.get("/health/ready").status()).isEqualTo(200);

        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("examples sent (half before, half after the outage)", rows);
        figures.put("broker stop + start (ms)", downMillis);
        figures.put(
            "broker back to trainer's first snapshot past the outage (ms)", trainerBackMillis);
        figures.put("broker back to scorer serving the final version (ms)", scorerBackMillis);
        figures.put("final snapshot: examples", model.examples());
        figures.put("final model vs offline run", "bit-identical");
        figures.put("processes restarted by hand", 0);
        FaultReport.write("Broker stopped and restarted mid-stream", figures);
      }
    }
  }
}
