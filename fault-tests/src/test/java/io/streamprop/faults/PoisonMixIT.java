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
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.IntFunction;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Poison records of every kind interleaved with a valid stream. Every bad record must reach
 * dead-letters unchanged (its key and value bytes exactly as sent, each bad record a different
 * value, so each dead letter is matched to its own record), with the reason its kind deserves, and
 * the model must be bit-identical to the one trained offline on the accepted records alone. Records
 * of huge but finite magnitude (3e38) are valid input: they are accepted, their mini-batches
 * overflow in training, and the engine must skip those steps (the offline run skips the very same
 * ones).
 */
class PoisonMixIT {
  // No standardization, so that 3e38 reaches the weights and overflows the forward pass.
  static final String SPEC =
      "{\"inputs\": 8, \"classes\": 4, \"learner\": \"single\", \"hidden\": [16], \"batch_size\": 16,"
          + " \"standardize\": false,"
          + " \"snapshot\": {\"every_examples\": 2000, \"every_seconds\": 1}}";
  static final int MB = 1 << 20;

  /**
   * One kind of bad record: the reason it must be dead-lettered with, and its {@code n}-th value.
   * Every value of a kind differs from the others (but the null ones), so that each dead letter can
   * be matched to the very record it stands for.
   */
  record Kind(String kind, String key, String reason, IntFunction<byte[]> value) {}

  /** The {@code n}-th bad record of its kind, as sent: what its dead letter must hold. */
  record Sent(String kind, int n, String key, String reason, byte[] value) {}

  @TempDir Path dir;

  static List<Kind> kinds(Random random) {
    String valid = "\"label\": 1}";
    String pad = "x".repeat(3 * MB);
    return List.of(
        new Kind("malformed JSON", "m", "bad_json", n -> utf8("{\"features\": [1, 2, " + n)),
        new Kind("binary garbage", "m", "bad_json", n -> garbage(random, n)),
        new Kind(
            "no features", "m", "missing_field", n -> utf8("{\"label\": 1, \"n\": " + n + "}")),
        new Kind("null value", "m", "missing_field", n -> null),
        new Kind(
            "wrong width",
            "m",
            "wrong_width",
            n -> utf8("{\"features\": [1, 2, " + n + "], " + valid)),
        new Kind(
            "NaN",
            "m",
            "not_finite",
            n -> utf8("{\"features\": [" + n + ", 0, NaN, 0, 0, 0, 0, 0], " + valid)),
        new Kind(
            "-Infinity",
            "m",
            "not_finite",
            n -> utf8("{\"features\": [" + n + ", 0, 0, 0, 0, 0, 0, -Infinity], " + valid)),
        new Kind(
            "1e39 (beyond float32)",
            "m",
            "not_finite",
            n -> utf8("{\"features\": [1e39, " + n + ", 0, 0, 0, 0, 0, 0], " + valid)),
        new Kind(
            "label out of range",
            "m",
            "label_out_of_range",
            n -> utf8("{\"features\": [" + n + ", 0, 0, 0, 0, 0, 0, 0], \"label\": 4}")),
        new Kind(
            "unknown model",
            "ghost",
            "unknown_model",
            n -> utf8("{\"features\": [" + n + ", 0, 0, 0, 0, 0, 0, 0], " + valid)),
        new Kind(
            "3 MiB value",
            "m",
            "oversize",
            n ->
                utf8(
                    "{\"features\": [0, 0, 0, 0, 0, 0, 0, 0], \"label\": 1, \"n\": "
                        + n
                        + ", \"pad\": \""
                        + pad
                        + "\"}")));
  }

  /**
   * 64–575 random bytes, a new draw each time: 0xFF first (never a JSON start), then {@code n}, so
   * that no two are equal.
   */
  static byte[] garbage(Random random, int n) {
    byte[] bytes = new byte[64 + random.nextInt(512)];
    random.nextBytes(bytes);
    bytes[0] = (byte) 0xFF;
    ByteBuffer.wrap(bytes).putInt(1, n);
    return bytes;
  }

  @Test
  void poisonInterleavedWithValidRecords_isDeadLetteredByReason_andTheModelMatchesTheValidRun()
      throws Exception {
    int validRows = FaultSizes.poisonValidExamples();
    int perKind = FaultSizes.poisonPerKind();
    SyntheticStream stream = new SyntheticStream(23, 8, 4, validRows);
    Random random = new Random(5);
    List<Kind> kinds = kinds(new Random(7));
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
    List<Sent> sent = new ArrayList<>();
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
            Kind kind = kinds.get(which);
            int n = sentByKind.getOrDefault(kind.kind(), 0);
            byte[] value = kind.value().apply(n);
            client.send(examples, kind.key(), value);
            sent.add(new Sent(kind.kind(), n, kind.key(), kind.reason(), value));
            expected.merge(kind.reason(), 1, Integer::sum);
            sentByKind.merge(kind.kind(), 1, Integer::sum);
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
      }
      assertThat(byReason).isEqualTo(expected);
      assertEachDeadLetterIsTheRecordSent(deadLetters, sent);

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

  /**
   * Each dead letter holds exactly the key and value bytes of the bad record it stands for, with
   * that record's reason: per key (one partition each), the dead letters in the order of their
   * {@code streamprop.source.offset} header must be the bad records in the order they were sent.
   */
  static void assertEachDeadLetterIsTheRecordSent(
      List<ConsumerRecord<byte[], byte[]>> deadLetters, List<Sent> sent) {
    assertThat(deadLetters).as("dead letters").hasSameSizeAs(sent);
    Map<String, List<ConsumerRecord<byte[], byte[]>>> lettersByKey = new TreeMap<>();
    for (ConsumerRecord<byte[], byte[]> r : deadLetters) {
      assertThat(r.key()).as("dead letter key").isNotNull();
      lettersByKey
          .computeIfAbsent(new String(r.key(), StandardCharsets.UTF_8), k -> new ArrayList<>())
          .add(r);
    }
    Map<String, List<Sent>> sentByKey = new TreeMap<>();
    for (Sent s : sent) {
      sentByKey.computeIfAbsent(s.key(), k -> new ArrayList<>()).add(s);
    }
    assertThat(lettersByKey.keySet()).isEqualTo(sentByKey.keySet());
    for (Map.Entry<String, List<Sent>> e : sentByKey.entrySet()) {
      List<ConsumerRecord<byte[], byte[]>> letters = new ArrayList<>(lettersByKey.get(e.getKey()));
      letters.sort(Comparator.comparingLong(PoisonMixIT::sourceOffset));
      List<Sent> expected = e.getValue();
      assertThat(letters).as("dead letters keyed " + e.getKey()).hasSameSizeAs(expected);
      for (int i = 0; i < expected.size(); i++) {
        Sent s = expected.get(i);
        ConsumerRecord<byte[], byte[]> letter = letters.get(i);
        String what =
            s.kind() + " #" + s.n() + " (bad record " + (i + 1) + " keyed " + s.key() + ")";
        assertThat(letter.key()).as(what + ": key").isEqualTo(utf8(s.key()));
        assertSameBytes(what + ": value", letter.value(), s.value());
        assertThat(KafkaTestClient.header(letter, "streamprop.reason"))
            .as(what + ": reason")
            .contains(s.reason());
      }
    }
  }

  private static long sourceOffset(ConsumerRecord<byte[], byte[]> letter) {
    return Long.parseLong(
        KafkaTestClient.header(letter, "streamprop.source.offset")
            .orElseThrow(() -> new AssertionError("dead letter without a source offset")));
  }

  /** Byte-for-byte equality that names the first difference instead of printing 3 MiB. */
  private static void assertSameBytes(String what, byte[] actual, byte[] expected) {
    if (expected == null || actual == null) {
      assertThat(actual).as(what).isEqualTo(expected);
      return;
    }
    int at = Arrays.mismatch(actual, expected);
    if (at >= 0) {
      throw new AssertionError(
          what
              + ": "
              + actual.length
              + " bytes, sent "
              + expected.length
              + "; first difference at byte "
              + at);
    }
  }
}
