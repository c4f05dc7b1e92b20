package io.streamprop.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The whole loop of {@code streamprop demo --label-delay} on a real broker: the simulated client's
 * predictions over HTTP, its labels on the {@code labels} topic a delay later, the trainer's join
 * turning them into examples, and the scorer serving a version that learned from them.
 */
class DemoLoopIT {
  private static final Duration DEADLINE = Duration.ofSeconds(120);

  @Test
  void labelDelay_labelsJoinedAndTheServedModelLearnsFromThem() throws Exception {
    Path data = resource("/data/letter-600.csv");
    Path spec = resource("/data/letter-600.json");
    DemoOptions options =
        new DemoOptions(data, spec, "letters", 400, null, 0, 0, Duration.ofSeconds(2));

    try (Demo demo = Demo.start(options)) {
      DemoClient client = demo.client();
      MeterRegistry trainer = demo.trainerRegistry();
      assertThat(client).isNotNull();
      assertThat(demo.produced()).as("no example producer in the loop").isZero();

      DemoHttp.awaitTrue(DEADLINE, "labels joined", () -> joined(trainer) >= 300);
      // The served snapshot learned from more examples than were ever seeded: the rest can only
      // have come from the join (the client sends nothing else to the examples topic).
      long seeded = client.seeded();
      DemoHttp.awaitTrue(
          DEADLINE,
          "a served version that learned from joined labels",
          () -> servedExamples(demo) >= seeded + 200);

      assertThat(seeded).isPositive().isLessThanOrEqualTo(client.seedLimit());
      assertThat(client.seeded()).as("no seeding after the first prediction").isEqualTo(seeded);
      assertThat(client.predicted()).isGreaterThanOrEqualTo(client.labelsSent());
      assertThat(client.labelsSent()).isGreaterThanOrEqualTo((long) joined(trainer));
      assertThat(trainer.find("streamprop.served.labeled").tag("model", "letters").counters())
          .as("the truthful serving quality of some served version")
          .isNotEmpty();
      assertThat(counter(trainer, "streamprop.labels.unmatched")).isZero();
      assertThat(counter(trainer, "streamprop.labels.duplicate")).isZero();
      assertThat(demo.failure()).isNull();

      String status = new StatusLine("letters", trainer, demo.scorerPort()).next(client);
      assertThat(status)
          .startsWith("predicted ")
          .contains("label delay 2s")
          .doesNotContain("joined - ")
          .doesNotContain("served v- ");
    }
  }

  private static double joined(MeterRegistry trainer) {
    Counter joined = trainer.find("streamprop.labels.joined").tag("model", "letters").counter();
    return joined == null ? 0 : joined.count();
  }

  private static double counter(MeterRegistry registry, String name) {
    Counter counter = registry.find(name).counter();
    return counter == null ? 0 : counter.count();
  }

  /** The examples the served snapshot had learned from (scorer's /metrics), or -1. */
  private double servedExamples(Demo demo) {
    Map<String, Double> samples =
        StatusLine.samples(
            DemoHttp.get("http://127.0.0.1:" + demo.scorerPort() + "/metrics"), "letters");
    return samples.getOrDefault("streamprop_model_examples", -1.0);
  }

  private static Path resource(String name) throws URISyntaxException {
    return Path.of(DemoLoopIT.class.getResource(name).toURI());
  }
}
