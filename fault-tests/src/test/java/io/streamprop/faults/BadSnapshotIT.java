package io.streamprop.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamprop.faults.rig.Children;
import io.streamprop.faults.rig.FaultReport;
import io.streamprop.faults.rig.LoadLoop;
import io.streamprop.faults.rig.Pipeline;
import io.streamprop.faults.rig.PublishedModels;
import io.streamprop.faults.rig.ScorerClient;
import io.streamprop.faults.rig.ScorerPhases;
import io.streamprop.faults.rig.SyntheticStream;
import io.streamprop.local.LocalKafka;
import io.streamprop.spec.SpecJson;
import io.streamprop.trainer.testing.KafkaTestClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32C;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Corrupt, truncated, old-format, unknown-format, foreign and not-newer values written to the
 * snapshot topic while a scorer (child JVM) serves under load: each is rejected and counted in
 * {@code streamprop_snapshots_rejected_total}, the last good model keeps serving, every answer
 * equals the offline predictor of the version it names, and the next good snapshot is served again.
 * Foreign values are what another writer may put on the topic: JSON (a spec, an example), and the
 * newer snapshot wrapped by its producer (gzip-compressed, base64 text); a scorer that unwrapped
 * one would serve version 2 too early.
 */
class BadSnapshotIT {
  static final String SPEC = "{\"inputs\": 8, \"classes\": 4, \"hidden\": [16, 8]}";

  @TempDir Path dir;

  /** A copy of {@code snapshot} with another format version and a checksum that matches. */
  static byte[] withFormatVersion(byte[] snapshot, int formatVersion) {
    byte[] copy = snapshot.clone();
    ByteBuffer.wrap(copy).putShort(4, (short) formatVersion);
    return withChecksum(copy);
  }

  static byte[] withChecksum(byte[] bytes) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    ByteBuffer.wrap(bytes).putInt(bytes.length - 4, (int) crc.getValue());
    return bytes;
  }

  static byte[] gzip(byte[] bytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
      zip.write(bytes);
    }
    return out.toByteArray();
  }

  @Test
  void badSnapshotsOnTheTopic_areRejectedAndCounted_andTheLastGoodModelKeepsServing()
      throws Exception {
    SyntheticStream stream = new SyntheticStream(41, 8, 4, 10_000);
    PublishedModels models = new PublishedModels(SpecJson.parse(SPEC), stream, 500);
    float[][] instances = {stream.features(5), stream.features(6)};
    Duration timeout = Duration.ofSeconds(120);
    int port = Pipeline.freePort();
    ScorerClient scorer = new ScorerClient(port);
    Random random = new Random(3);

    byte[] good1 = models.next();
    byte[] good2 = models.next();
    // The same model trained further but published again as version 1: not newer than served.
    byte[] notNewer = withChecksum(good2.clone());
    ByteBuffer.wrap(notNewer).putLong(8, 1L);
    withChecksum(notNewer);
    byte[] flipped = good2.clone();
    flipped[flipped.length / 2] ^= 0x5A;
    byte[] garbage = new byte[300];
    random.nextBytes(garbage);
    Map<String, byte[]> bad = new LinkedHashMap<>();
    bad.put("one byte flipped (checksum fails)", flipped);
    bad.put("truncated to half", Arrays.copyOf(good2, good2.length / 2));
    bad.put("truncated to 10 bytes", Arrays.copyOf(good2, 10));
    bad.put("old format version 0", withFormatVersion(good2, 0));
    bad.put("unknown format version 99", withFormatVersion(good2, 99));
    bad.put("random bytes", garbage);
    bad.put("empty value", new byte[0]);
    bad.put("foreign: a model spec (JSON)", KafkaTestClient.utf8(SPEC));
    bad.put(
        "foreign: an example (JSON)",
        KafkaTestClient.utf8("{\"features\": [0, 1, 2, 3, 4, 5, 6, 7], \"label\": 1}"));
    bad.put("foreign: the next snapshot gzip-compressed by its producer", gzip(good2));
    bad.put(
        "foreign: the next snapshot as base64 text",
        KafkaTestClient.utf8(Base64.getEncoder().encodeToString(good2)));
    int corrupt = bad.size();
    bad.put("valid but not newer (version 1 again)", notNewer);

    try (LocalKafka kafka = LocalKafka.builder().start();
        Children children = new Children(dir);
        KafkaTestClient client = new KafkaTestClient(kafka.bootstrapServers())) {
      Pipeline pipeline = new Pipeline(kafka.bootstrapServers(), dir, children, "badsnap");
      String snapshots = pipeline.config().topics().snapshots();
      client.send(snapshots, "m", good1);
      client.flush();
      ScorerPhases phases = ScorerPhases.beforeStart();
      phases.starting();
      Process scorerProcess = pipeline.startScorer("scorer.log", port);
      scorer.awaitReady(timeout, scorerProcess);
      phases.ready();
      assertThat(scorer.servedVersion("m")).isEqualTo(1);

      LoadLoop load;
      long rejectMillis;
      try (LoadLoop loop =
          new LoadLoop(
                  scorer,
                  phases,
                  "m",
                  instances,
                  models::predictor,
                  1_000_000,
                  Duration.ofMinutes(4))
              .start()) {
        load = loop;
        long start = System.nanoTime();
        for (byte[] value : bad.values()) {
          client.send(snapshots, "m", value);
        }
        client.flush();
        // Until every rejection is counted, or a bad value got served (then fail at once).
        await("all rejections counted, or version 1 no longer served")
            .atMost(timeout)
            .pollInterval(Duration.ofMillis(50))
            .until(
                () ->
                    scorer.metric("streamprop_snapshots_rejected_total", "model=\"m\"")
                            >= bad.size()
                        || scorer.servedVersion("m") != 1);
        rejectMillis = FaultReport.millisSince(start);
        assertThat(scorer.servedVersion("m")).as("last good model still served").isEqualTo(1);
        assertThat(scorer.metric("streamprop_snapshots_rejected_total", "model=\"m\""))
            .as("rejections counted")
            .isEqualTo(bad.size());
        assertThat(scorer.get("/health/live").status()).isEqualTo(200);

        client.send(snapshots, "m", good2);
        client.flush();
        scorer.awaitVersion("m", 2, timeout);
        // A few more answers from version 2 before the load stops.
        ScorerRestartIT.awaitAnswers(load, 20, timeout);
      }
      double rejectedCorrupt =
          scorer.metric("streamprop_snapshots_rejected_total", "model=\"m\"", "reason=\"corrupt\"");
      double rejectedNotNewer =
          scorer.metric(
              "streamprop_snapshots_rejected_total", "model=\"m\"", "reason=\"not_newer\"");
      assertThat(rejectedCorrupt).isEqualTo(corrupt);
      assertThat(rejectedNotNewer).isEqualTo(1);
      assertThat(load.problems()).isEmpty();
      assertThat(load.wrong.get()).isZero();
      assertThat(load.unexpected.get()).isZero();
      assertThat(load.total()).as("every request answered 200").isEqualTo(load.ok.get());

      Map<String, Object> figures = new LinkedHashMap<>();
      figures.put("bad values written", String.join("; ", bad.keySet()));
      figures.put("rejected as corrupt", (long) rejectedCorrupt);
      figures.put("rejected as not_newer", (long) rejectedNotNewer);
      figures.put("write to all rejections counted (ms)", rejectMillis);
      figures.put("requests during the attack, all 200", load.ok);
      figures.put("wrong answers", load.wrong);
      figures.put("version served after the attack, then after the next good one", "1, then 2");
      FaultReport.write("Bad snapshots on the snapshot topic", figures);
    }
  }
}
