package io.streamprop.faults;

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
import io.streamprop.trainer.testing.KafkaTestClient;
import io.streamprop.trainer.testing.States;
import io.streamprop.wire.ExampleJson;
import io.streamprop.wire.SnapshotCodec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Poison records of every kind interleaved with a valid stream. Every bad record must reach
 * dead-letters unchanged, with the reason its kind deserves, and the model must be bit-identical to
 * the one trained offline on the accepted records alone. Records of huge but finite magnitude
 * (3e38) are valid input: they are accepted, their mini-batches overflow in training, and the
 * engine must skip those steps (the offline run skips the very same ones).
 */
class PoisonMixIT {
  // No standardization, so that 3e38 reaches the weights and overflows the forward pass.
  static final String SPEC =
      "{\"inputs\": 8, \"classes\": 4, \"hidden\": [16], \"batch_size\": 16,"
          + " \"standardize\": false,"
          + " \"snapshot\": {\"every_examples\": 2000, \"every_seconds\": 1}}";
  static final int MB = 1 << 20;

  /** One kind of bad record: the reason it must be dead-lettered with, and its value. */
  record Poison(String kind, String key, String reason, byte[] value) {}

  @TempDir Path dir;

  static List<Poison> kinds(Random random) {
    byte[] garbage = new byte[64 + random.nextInt(512)];
    random.nextBytes(garbage);
    garbage[0] = (byte) 0xFF; // never a JSON start
    String valid = "\"label\": 1}";
    String pad = "x".repeat(3 * MB);
    return List.of(
        new Poison("malformed JSON", "m", "bad_json", utf8("{\"features\": [1, 2")),
        new Poison("binary garbage", "m", "bad_json", garbage),
        new Poison("no features", "m", "missing_field", utf8("{\"label\": 1}")),
        new Poison("null value", "m", "missing_field", null),
        new Poison("wrong width", "m", "wrong_width", utf8("{\"features\": [1, 2, 3], " + valid)),
        new Poison(
            "NaN", "m", "not_finite", utf8("{\"features\": [0, 0, NaN, 0, 0, 0, 0, 0], " + valid)),
        new Poison(
            "-Infinity",
            "m",
            "not_finite",
            utf8("{\"features\": [0, 0, 0, 0, 0, 0, 0, -Infinity], " + valid)),
        new Poison(
            "1e39 (beyond float32)",
            "m",
            "not_finite",
            utf8("{\"features\": [1e39, 0, 0, 0, 0, 0, 0, 0], " + valid)),
        new Poison(
            "label out of range",
            "m",
            "label_out_of_range",
            utf8("{\"features\": [0, 0, 0, 0, 0, 0, 0, 0], \"label\": 4}")),
        new Poison(
            "unknown model",
            "ghost",
            "unknown_model",
            utf8("{\"features\": [0, 0, 0, 0, 0, 0, 0, 0], " + valid)),
        new Poison(
            "3 MiB value",
            "m",
            "oversize",
            utf8(
                "{\"features\": [0, 0, 0, 0, 0, 0, 0, 0], \"label\": 1, \"pad\": \""
                    + pad
                    + "\"}")));
  }

  @Test
  void poisonInterleavedWithValidRecords_isDeadLetteredByReason_andTheModelMatchesTheValidRun()
      throws Exception {
    int validRows = FaultSizes.poisonValidExamples();
    int perKind = FaultSizes.poisonPerKind();
    SyntheticStream stream = new SyntheticStream(23, 8, 4, validRows);
    Random random = new Random(5);
    List<Poison> kinds = kinds(random);
    float[] huge = new float[8];
    Arrays.fill(huge, 3e38f);
    float[] hugeLabel = {2};
    byte[] hugeJson = ExampleJson.writeBytes(huge, hugeLabel, ModelSpec.Task.CLASSIFICATION);

    // Bad records (and the huge valid ones) go in at random places; the stream ends valid.
    int bad = kinds.size() * perKind;
    int hugeCount = perKind;
    int[] insertAfter = new int[bad + hugeCount];
    for (int i = 0; i < insertAfter.length; i++) {
      insertAfter[i] = random.nextInt(validRows - 1);
    }
    Arrays.sort(insertAfter);

    Duration timeout = Duration.ofSeconds(FaultSizes.FULL ? 400 : 150);
    OnlineLearner offline = OnlineLearner.create(SpecJson.parse(SPEC));
    Map<String, Integer> expected = new TreeMap<>();
    Map<String, Integer> sentByKind = new LinkedHashMap<>();
    try (LocalKafka kafka = LocalKafka.builder().start();
        Children children = new Children(dir);
        KafkaTestClient client = new KafkaTestClient(kafka.bootstrapServers())) {
      Pipeline pipeline = new Pipeline(kafka.bootstrapServers(), dir, children, "poison");
      String examples = pipeline.config().topics().examples();
      pipeline.startTrainer("trainer.log");
      long start = System.nanoTime();
      client.send(pipeline.config().topics().specs(), "m", utf8(SPEC));
      int next = 0;
      int special = 0;
      int accepted = 0;
      for (int row = 0; row < validRows; row++) {
        client.send(examples, "m", stream.json(row));
        offline.learn(stream.features(row), new float[] {stream.label(row)});
        accepted++;
        while (next < insertAfter.length && insertAfter[next] == row) {
          // Deal the specials round-robin: every kind perKind times, plus the huge ones.
          int which = special++ % (kinds.size() + 1);
          if (which == kinds.size()) {
            client.send(examples, "m", hugeJson);
            offline.learn(huge, hugeLabel);
            accepted++;
          } else {
            Poison p = kinds.get(which);
            client.send(examples, p.key(), p.value());
            expected.merge(p.reason(), 1, Integer::sum);
            sentByKind.merge(p.kind(), 1, Integer::sum);
          }
          next++;
        }
      }
      client.flush();
      int total = accepted;

      ConsumerRecord<byte[], byte[]> last =
          client.awaitRecord(
              pipeline.config().topics().snapshots(),
              r -> r.value() != null && SnapshotCodec.decode(r.value()).examples() == total,
              timeout);
      long trainMillis = FaultReport.millisSince(start);
      ModelState model = SnapshotCodec.decode(last.value());
      States.assertSameModel(model, offline.state());
      assertThat(model.skippedSteps()).as("steps skipped for overflow").isPositive();

      List<ConsumerRecord<byte[], byte[]>> deadLetters =
          client.readAll(pipeline.config().topics().deadLetters(), timeout);
      Map<String, Integer> byReason = new TreeMap<>();
      for (ConsumerRecord<byte[], byte[]> r : deadLetters) {
        String reason = KafkaTestClient.header(r, "streamprop.reason").orElse("(none)");
        byReason.merge(reason, 1, Integer::sum);
        assertThat(KafkaTestClient.header(r, "streamprop.source.topic")).contains(examples);
        if (reason.equals("oversize")) {
          assertThat(r.value()).as("oversize value kept unchanged").hasSizeGreaterThan(3 * MB);
        }
      }
      assertThat(byReason).isEqualTo(expected);

      Map<String, Object> figures = new LinkedHashMap<>();
      figures.put("valid examples sent", validRows);
      figures.put("huge-magnitude (3e38) examples sent, accepted", hugeCount);
      figures.put("bad records sent, by kind", sentByKind);
      figures.put("dead letters, by reason", byReason);
      figures.put(
          "model: examples / steps / skipped steps",
          model.examples() + " / " + model.steps() + " / " + model.skippedSteps());
      figures.put("model vs offline run on accepted records", "bit-identical");
      figures.put("send to final snapshot (ms)", trainMillis);
      FaultReport.write("Poison mix", figures);
    }
  }
}
