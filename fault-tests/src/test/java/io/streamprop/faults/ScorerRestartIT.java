package io.streamprop.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamprop.faults.rig.AnsweredPredictions;
import io.streamprop.faults.rig.Children;
import io.streamprop.faults.rig.FaultReport;
import io.streamprop.faults.rig.FaultSizes;
import io.streamprop.faults.rig.LoadLoop;
import io.streamprop.faults.rig.Pipeline;
import io.streamprop.faults.rig.PublishedModels;
import io.streamprop.faults.rig.ScorerClient;
import io.streamprop.faults.rig.ScorerPhases;
import io.streamprop.faults.rig.SyntheticStream;
import io.streamprop.local.LocalKafka;
import io.streamprop.spec.SpecJson;
import io.streamprop.trainer.testing.KafkaTestClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scorer, a child JVM, is killed with SIGKILL under a loop of prediction requests and restarted
 * on the same port. It must become ready again from the compacted snapshot topic alone and serve
 * the version it served before. The load generator judges every answer against what the scorer was
 * at that moment ({@link ScorerPhases}, kept here: started, seen ready, killed): 503s only while a
 * started scorer was not yet seen ready, refused connections only while no process listened, broken
 * connections only across a kill; a timeout from a scorer that should be up, a wrong answer or an
 * older version fails. Snapshots are published directly (as the trainer would), so every version's
 * offline predictor is known.
 *
 * <p>The prediction log is on in its default mode (acknowledged): every other request carries the
 * caller's ids, the others get generated ones, and after the run the {@code predictions} topic,
 * read to its end, must hold every answered prediction exactly once under its id with the answered
 * bytes, and no id twice (generated ids unique across the restarts).
 */
class ScorerRestartIT {
  static final String SPEC = "{\"inputs\": 8, \"classes\": 4, \"hidden\": [16, 8]}";

  @TempDir Path dir;

  /** Polls until the load loop has had {@code more} further 200 answers. */
  static void awaitAnswers(LoadLoop load, long more, Duration timeout) {
    long target = load.ok.get() + more;
    await(more + " more answers")
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(10))
        .until(() -> load.ok.get() >= target);
  }

  /** Even requests carry the caller's ids, unique over the run; odd ones get generated ids. */
  static String[] callerIdsOfEvenRequests(long n) {
    return n % 2 == 0
        ? new String[] {"order-" + n + "-a", "order-" + n + "-b", "order-" + n + "-c"}
        : null;
  }

  @Test
  void scorerKilledUnderLoad_comesBackWithTheSameVersions_neverAnswersWrong_andLogsEveryAnswer()
      throws Exception {
    int restarts = FaultSizes.scorerRestarts();
    SyntheticStream stream = new SyntheticStream(31, 8, 4, 20_000);
    PublishedModels models = new PublishedModels(SpecJson.parse(SPEC), stream, 400);
    float[][] instances = {stream.features(0), stream.features(1), stream.features(2)};
    Duration timeout = Duration.ofSeconds(120);
    int port = Pipeline.freePort();
    ScorerClient scorer = new ScorerClient(port);
    ScorerPhases phases = ScorerPhases.beforeStart();
    List<Long> readyMillis = new ArrayList<>();
    List<Long> versionsBack = new ArrayList<>();

    try (LocalKafka kafka = LocalKafka.builder().start();
        Children children = new Children(dir);
        KafkaTestClient client = new KafkaTestClient(kafka.bootstrapServers())) {
      Pipeline pipeline = new Pipeline(kafka.bootstrapServers(), dir, children, "srestart");
      String snapshots = pipeline.config().topics().snapshots();
      for (int v = 0; v < 5; v++) {
        client.send(snapshots, "m", models.next());
      }
      client.flush();
      phases.starting();
      Process process = pipeline.startScorer("scorer-0.log", port);
      readyMillis.add(scorer.awaitReady(timeout, process));
      phases.ready();
      assertThat(scorer.servedVersion("m")).isEqualTo(5);

      LoadLoop load;
      try (LoadLoop loop =
          new LoadLoop(
                  scorer,
                  phases,
                  "m",
                  instances,
                  models::predictor,
                  2_000_000,
                  Duration.ofMinutes(8))
              .withIds(ScorerRestartIT::callerIdsOfEvenRequests)
              .start()) {
        load = loop;
        for (int r = 0; r < restarts; r++) {
          // New versions arrive under load, then the process dies.
          for (int v = 0; v < 5; v++) {
            client.send(snapshots, "m", models.next());
            client.flush();
          }
          long latest = models.version();
          scorer.awaitVersion("m", latest, timeout);
          awaitAnswers(load, 100, timeout);
          phases.down();
          Children.sigkill(process);
          long start = System.nanoTime();
          phases.starting();
          process = pipeline.startScorer("scorer-" + (r + 1) + ".log", port);
          scorer.awaitReady(timeout, process);
          readyMillis.add(FaultReport.millisSince(start));
          phases.ready();
          long served = scorer.servedVersion("m");
          versionsBack.add(served);
          assertThat(served).as("version served right after ready").isEqualTo(latest);
          awaitAnswers(load, 100, timeout);
        }
        // And it keeps swapping afterwards.
        client.send(snapshots, "m", models.next());
        client.flush();
        scorer.awaitVersion("m", models.version(), timeout);
      }
      assertThat(load.problems()).isEmpty();
      assertThat(load.unexpected.get()).as("answers not expected at their moment").isZero();
      assertThat(load.wrong.get()).isZero();
      assertThat(load.other.get()).isZero();
      assertThat(load.timedOut.get()).isZero();
      assertThat(load.versionWentBack.get()).isZero();
      assertThat(load.ok.get()).isPositive();
      assertThat(load.notReady.get() + load.refused.get() + load.broken.get())
          .as("the outage was seen")
          .isPositive();

      AnsweredPredictions.LogCheck logged =
          load.answered.check(client.readAll(pipeline.config().topics().predictions(), timeout));
      assertThat(logged.problems()).isEmpty();
      assertThat(logged.answered()).isEqualTo(3 * load.ok.get());
      assertThat(logged.answeredWithCallerIds()).isPositive();
      assertThat(logged.answeredWithGeneratedIds()).isPositive();
      assertThat(logged.missing()).as("answered predictions missing from the log").isZero();
      assertThat(logged.differing()).as("logged with other bytes").isZero();
      assertThat(logged.repeatedInLog()).as("ids more than once in the log").isZero();
      assertThat(logged.repeatedAnswers()).as("ids answered more than once").isZero();

      Map<String, Object> figures = new LinkedHashMap<>();
      figures.put("scorer SIGKILLs under load", restarts);
      figures.put("snapshot versions published", models.version());
      figures.put("requests sent (sequential client)", load.total());
      figures.put("200 answers, each equal to the offline predictor of its version", load.ok);
      figures.put("503 not ready (process started, not yet seen ready)", load.notReady);
      figures.put("connection refused (no process listening)", load.refused);
      figures.put("connection broken (process killed mid-request)", load.broken);
      figures.put("timeouts", load.timedOut);
      figures.put("other statuses", load.other);
      figures.put("answers not expected at their moment", load.unexpected);
      figures.put("wrong answers", load.wrong);
      figures.put("answers with an older version than one seen before", load.versionWentBack);
      figures.put("first start, then each restart: start to ready (ms)", readyMillis);
      figures.put("version served right after each restart", versionsBack);
      figures.putAll(AnsweredPredictions.figures(logged));
      FaultReport.write("Scorer restarted under request load", figures);
    }
  }
}
