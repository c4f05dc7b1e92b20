package io.streamprop.trainer;

import static io.streamprop.trainer.testing.KafkaTestClient.utf8;
import static io.streamprop.trainer.testing.States.assertSameModel;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamprop.config.ConfigSources;
import io.streamprop.config.Topics;
import io.streamprop.config.TrainerKeys;
import io.streamprop.learn.state.ModelState;
import io.streamprop.local.LocalKafka;
import io.streamprop.spec.SpecJson;
import io.streamprop.trainer.admin.TopicAdmin;
import io.streamprop.trainer.config.TrainerConfig;
import io.streamprop.trainer.testing.Dataset;
import io.streamprop.trainer.testing.KafkaTestClient;
import io.streamprop.wire.SnapshotCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exactly once under a crash: the trainer runs as a child JVM and is killed with SIGKILL at a
 * random point of a 58,000-example stream (the shuttle data, plus poison records), then restarted.
 * The final snapshot must equal, bit for bit, the model trained offline on the valid records in
 * order (which {@link TrainerIT} shows is also what an uninterrupted trainer publishes), and its
 * examples counter must equal the number of valid records: nothing lost, nothing applied twice.
 */
class CrashRecoveryIT {
  private static final Logger log = LoggerFactory.getLogger(CrashRecoveryIT.class);
  static final String SPEC =
      "{\"inputs\": 9, \"classes\": 7, \"learner\": \"single\", \"hidden\": [32, 16], \"batch_size\": 16,"
          + " \"snapshot\": {\"every_examples\": 2000, \"every_seconds\": 1}}";
  static final Duration TIMEOUT = Duration.ofSeconds(150);
  static final int POISON_EVERY = 1000;

  @TempDir Path dir;

  private final List<Process> children = new ArrayList<>();

  @AfterEach
  void killChildren() throws InterruptedException {
    for (Process p : children) {
      p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  private Process startTrainer(Path configFile, String logName) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder =
        new ProcessBuilder(
            java,
            "-Xmx384m",
            "-cp",
            System.getProperty("java.class.path"),
            TrainerMain.class.getName(),
            "--config",
            configFile.toString());
    builder.redirectErrorStream(true);
    builder.redirectOutput(dir.resolve(logName).toFile());
    Process process = builder.start();
    children.add(process);
    return process;
  }

  @Test
  void trainerKilledAtARandomPoint_andRestarted_publishesTheModelOfAnUninterruptedRun()
      throws Exception {
    Dataset shuttle = Dataset.load("shuttle.csv.gz", Integer.MAX_VALUE);
    assertThat(shuttle.size()).isEqualTo(58_000);
    long seed = System.nanoTime();
    int killAfter = 5_000 + new Random(seed).nextInt(40_000);
    log.info("crash test: kill once a snapshot shows >= {} examples (seed {})", killAfter, seed);

    try (LocalKafka kafka = LocalKafka.builder().start();
        KafkaTestClient client = new KafkaTestClient(kafka.bootstrapServers())) {
      Path configFile = dir.resolve("trainer.properties");
      Files.writeString(
          configFile,
          String.join(
              "\n",
              "bootstrap.servers=" + kafka.bootstrapServers(),
              "application.id=crash-it",
              "state.dir=" + dir.resolve("state"),
              Topics.PREFIX + "=crash.",
              TrainerKeys.METRICS_PORT + "=-1",
              TrainerKeys.HOUSEKEEPING_MS + "=100",
              // Static membership: the restarted trainer takes over at once, without waiting for
              // the killed one's session to expire.
              "group.instance.id=crash-trainer",
              "consumer.session.timeout.ms=10000",
              ""));
      TrainerConfig config =
          TrainerConfig.load(new ConfigSources(configFile, "--config", Map.of(), Map.of()));

      // Create the topics before writing: producing first would auto-create them uncompacted.
      try (Admin admin = Admin.create(config.adminProperties())) {
        TopicAdmin.ensureTopics(admin, config);
      }
      Process first = startTrainer(configFile, "trainer-1.log");
      client.send(config.topics().specs(), "shuttle", utf8(SPEC));
      int poison = 0;
      for (int i = 0; i < shuttle.size(); i++) {
        if (i % POISON_EVERY == 500) {
          client.send(
              config.topics().examples(), "shuttle", utf8("{\"features\": [1, 2], \"label\": 0}"));
          poison++;
        }
        client.send(config.topics().examples(), "shuttle", shuttle.json(i));
      }
      client.flush();

      // Kill as soon as a snapshot (even one not yet committed) shows the chosen progress.
      ConsumerRecord<byte[], byte[]> seen =
          client.awaitRecord(
              config.topics().snapshots(),
              true,
              r -> r.value() != null && SnapshotCodec.decode(r.value()).examples() >= killAfter,
              TIMEOUT);
      first.destroyForcibly();
      assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
      log.info(
          "killed the trainer after seeing a snapshot of {} examples",
          SnapshotCodec.decode(seen.value()).examples());

      Process second = startTrainer(configFile, "trainer-2.log");
      ConsumerRecord<byte[], byte[]> last =
          client.awaitRecord(
              config.topics().snapshots(),
              r ->
                  r.value() != null && SnapshotCodec.decode(r.value()).examples() == shuttle.size(),
              TIMEOUT);
      ModelState recovered = SnapshotCodec.decode(last.value());
      assertThat(recovered.examples()).isEqualTo(shuttle.size());
      assertSameModel(
          recovered, shuttle.train(SpecJson.parse(SPEC), shuttle.size()).learner().state());

      // Committed output holds every dead letter exactly once, and snapshot versions that only
      // rise (compaction may already have removed older ones; an aborted transaction's snapshots
      // are invisible, so the restarted trainer's versions continue without repeats).
      assertThat(client.readAll(config.topics().deadLetters(), TIMEOUT)).hasSize(poison);
      List<Long> versions =
          client.readAll(config.topics().snapshots(), TIMEOUT).stream()
              .map(r -> SnapshotCodec.decode(r.value()).version())
              .toList();
      assertThat(versions).isNotEmpty().isSorted().doesNotHaveDuplicates();
      assertThat(versions.get(versions.size() - 1)).isEqualTo(recovered.version());

      second.destroy(); // SIGTERM: the shutdown hook closes the trainer cleanly
      assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(second.exitValue()).as("128 + SIGTERM, after the hook").isEqualTo(143);
    }
  }
}
