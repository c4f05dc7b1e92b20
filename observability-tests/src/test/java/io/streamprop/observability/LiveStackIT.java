package io.streamprop.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every PromQL query of every panel of every dashboard, run through a real Prometheus that scrapes
 * a live trainer and scorer (configured by the repository's own {@code prometheus/prometheus.yml},
 * with the targets pointed at this JVM), must return data; {@code promtool check metrics} must
 * accept both {@code /metrics} outputs; and docs/metrics.md must describe every metric in them.
 *
 * <p>Needs Debian's {@code prometheus} package. Without it the class is skipped on a developer
 * machine and fails in CI ({@code CI=true}), where {@code .ci/run} installs it.
 */
class LiveStackIT {
  static final Duration TIMEOUT = Duration.ofSeconds(150);

  @TempDir static Path dir;

  static LiveStack stack;
  static PrometheusServer prometheus;

  @BeforeAll
  static void start() throws Exception {
    Tools.require(PrometheusServer.BINARY, "prometheus");
    Tools.require(PrometheusServer.PROMTOOL, "prometheus");
    Path state = Files.createDirectories(dir.resolve("trainer-state"));
    stack = LiveStack.start(state);
    prometheus =
        PrometheusServer.start(
            scrapeConfig(stack.trainerMetricsPort(), stack.scorerPort()),
            Files.createDirectories(dir.resolve("prometheus")),
            Duration.ofSeconds(60));
  }

  @AfterAll
  static void stop() throws Exception {
    if (prometheus != null) {
      prometheus.close();
    }
    if (stack != null) {
      stack.close();
    }
  }

  /**
   * The repository's Prometheus configuration with its compose targets replaced by this JVM's
   * ports, and a 1 s scrape interval so that rates exist within seconds.
   */
  static String scrapeConfig(int trainerPort, int scorerPort) throws IOException {
    String config = Files.readString(Repo.prometheusConfig());
    Map<String, String> replacements = new LinkedHashMap<>();
    replacements.put("trainer:8081", "127.0.0.1:" + trainerPort);
    replacements.put("scorer:8080", "127.0.0.1:" + scorerPort);
    replacements.put("scrape_interval: 5s", "scrape_interval: 1s");
    for (Map.Entry<String, String> r : replacements.entrySet()) {
      assertThat(config)
          .as("prometheus/prometheus.yml is expected to contain " + r.getKey())
          .contains(r.getKey());
      config = config.replace(r.getKey(), r.getValue());
    }
    return config;
  }

  @Test
  void everyPanelQuery_onALiveTrainerAndScorer_returnsAFiniteValue() throws Exception {
    List<Dashboards.Query> queries = Dashboards.allQueries();
    assertThat(queries).as("dashboard queries").isNotEmpty();

    // Scrapes arrive every second; poll until every query has data or the deadline passes. The
    // expositions are dumped either way, for the failure message and for a look afterwards.
    try {
      await("every dashboard query returns data")
          .atMost(TIMEOUT)
          .pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofSeconds(1))
          .untilAsserted(
              () -> {
                List<String> missing = new ArrayList<>();
                for (Dashboards.Query query : queries) {
                  JsonNode data = prometheus.query(query.runnable());
                  if (!hasFiniteSample(data)) {
                    missing.add(query + "\n    sent: " + query.runnable() + "\n    got: " + data);
                  }
                }
                assertThat(missing)
                    .as(
                        () ->
                            String.format(
                                "queries without data after %s (expositions in"
                                    + " target/observability-it/)\ntargets: %s",
                                TIMEOUT, prometheus.targets()))
                    .isEmpty();
              });
    } finally {
      dumpExpositions();
    }
  }

  @Test
  void promtoolCheckMetrics_trainerExposition_parsesAndLintsCleanForStreampropMetrics()
      throws Exception {
    checkWithPromtool(awaitExposition(stack.trainerMetricsPort(), "streamprop_examples_trained"));
  }

  @Test
  void promtoolCheckMetrics_scorerExposition_parsesAndLintsCleanForStreampropMetrics()
      throws Exception {
    checkWithPromtool(awaitExposition(stack.scorerPort(), "streamprop_prediction_latency"));
  }

  /**
   * What the trainer and the scorer export is what docs/metrics.md describes: every {@code
   * streamprop_*} family of both expositions (a timer's {@code _bucket}, {@code _count}, {@code
   * _sum} and {@code _max} series as one) has a row there, so a new metric cannot ship unexplained.
   */
  @Test
  void everyExportedStreampropMetric_isDocumentedInDocsMetrics() throws Exception {
    String docs = Files.readString(Repo.root().resolve("docs/metrics.md"));
    Set<String> undocumented = new TreeSet<>();
    for (String exposition :
        List.of(
            awaitExposition(stack.trainerMetricsPort(), "streamprop_population_leader"),
            awaitExposition(stack.scorerPort(), "streamprop_prediction_requests_total"))) {
      exposition
          .lines()
          .map(EXPORTED::matcher)
          .filter(Matcher::lookingAt)
          .map(m -> m.group(1))
          .filter(f -> !docs.contains("`" + f + "`") && !docs.contains("`" + f + "_total`"))
          .forEach(undocumented::add);
    }
    assertThat(undocumented).as("exported, and missing from docs/metrics.md").isEmpty();
  }

  /** A series' family: its name less the suffix of a counter, timer or summary series. */
  private static final Pattern EXPORTED =
      Pattern.compile("(streamprop_[a-z0-9_]+?)(_total|_bucket|_count|_sum|_max|_created)?[{ ]");

  /**
   * {@code promtool check metrics} exits 1 when the text does not parse and 3 when it parses but
   * the linter objects. The whole exposition must parse, and its only lint findings may be on
   * metrics whose names Kafka's client library defines ({@code kafka_*}: "_ns" units, "_count"
   * gauges) or Micrometer's process and system binders ({@link #MICROMETER_LINTED}); the {@code
   * streamprop_*} families alone must pass with exit code 0.
   */
  private static void checkWithPromtool(String exposition) throws Exception {
    Tools.Result all = PrometheusServer.checkMetrics(exposition);
    assertThat(all.exitCode()).as("promtool check metrics:\n" + all.output()).isIn(0, 3);
    List<String> ours =
        all.output()
            .lines()
            .filter(line -> !line.startsWith("kafka_") && !MICROMETER_LINTED.contains(name(line)))
            .filter(line -> !line.isBlank())
            .toList();
    assertThat(ours).as("lint findings on metrics streamprop defines").isEmpty();

    String streamprop =
        exposition
            .lines()
            .filter(
                line ->
                    line.startsWith("streamprop_")
                        || line.startsWith("# HELP streamprop_")
                        || line.startsWith("# TYPE streamprop_"))
            .reduce("", (text, line) -> text + line + "\n");
    assertThat(streamprop).contains("streamprop_");
    Tools.Result own = PrometheusServer.checkMetrics(streamprop);
    assertThat(own.exitCode()).as("promtool check metrics:\n" + own.output()).isZero();
  }

  /**
   * {@code docker/demo/produce.sh}, the compose stack's demo producer, streams rows of the shuttle
   * dataset with Debian's kcat; the trainer learns every one of them.
   */
  @Test
  void examplesProducedWithKcat_byTheDemoProducerScript_areAllTrained() throws Exception {
    Tools.require(KCAT, "kcat");
    String model = "kcat-shuttle";
    int rows = 300;
    stack.sendAndWait(stack.trainerConfig.topics().specs(), model, LiveStack.utf8(LiveStack.SPEC));
    Path root = Repo.root();
    ProcessBuilder script =
        new ProcessBuilder("sh", root.resolve("docker/demo/produce.sh").toString())
            .redirectErrorStream(true);
    script
        .environment()
        .putAll(
            Map.of(
                "BOOTSTRAP", stack.kafka.bootstrapServers(),
                "TOPIC", stack.trainerConfig.topics().examples(),
                "MODEL", model,
                "RATE", "1000",
                "LIMIT", Integer.toString(rows),
                "LOOPS", "1",
                "DATA", root.resolve("docker/demo/shuttle.csv.gz").toString()));
    Path log = dir.resolve("produce.log");
    Process process = script.redirectOutput(log.toFile()).start();
    boolean finished = process.waitFor(2, TimeUnit.MINUTES);
    if (!finished) {
      // The script's pipeline (zcat, awk, kcat) first, then the shell itself.
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
    assertThat(finished)
        .as("produce.sh finished within 2 minutes: " + Files.readString(log))
        .isTrue();
    assertThat(process.exitValue()).as("produce.sh: " + Files.readString(log)).isZero();

    await("all " + rows + " examples of " + model + " trained")
        .atMost(TIMEOUT)
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> trained(model), count -> count >= rows);
    assertThat(trained(model)).as("examples of " + model + " trained").isEqualTo(rows);
  }

  private static double trained(String model) {
    Counter counter =
        stack.trainerRegistry.find("streamprop.examples.trained").tag("model", model).counter();
    return counter == null ? 0 : counter.count();
  }

  static final Path KCAT = Path.of("/usr/bin/kcat");

  /** Names Micrometer's own JVM/process binders give, which promtool's linter objects to. */
  static final Set<String> MICROMETER_LINTED =
      Set.of("system_cpu_count", "process_cpu_time_ns_total");

  private static String name(String lintLine) {
    int space = lintLine.indexOf(' ');
    return space < 0 ? lintLine : lintLine.substring(0, space);
  }

  /** The exposition once it shows {@code metric} (the model's meters appear with the model). */
  private static String awaitExposition(int port, String metric) throws Exception {
    return await(metric + " on the exposition of :" + port)
        .atMost(TIMEOUT)
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> stack.get(port, "/metrics"), body -> body.contains(metric));
  }

  /** An instant vector or scalar with at least one sample that is a finite number. */
  static boolean hasFiniteSample(JsonNode data) {
    String type = data.path("resultType").asText();
    JsonNode result = data.path("result");
    if (type.equals("scalar")) {
      return finite(result.path(1).asText());
    }
    for (JsonNode series : result) {
      if (finite(series.path("value").path(1).asText())) {
        return true;
      }
    }
    return false;
  }

  private static boolean finite(String value) {
    try {
      return Double.isFinite(Double.parseDouble(value));
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static void dumpExpositions() throws Exception {
    Path out = Files.createDirectories(Path.of("target/observability-it"));
    Files.writeString(
        out.resolve("trainer.prom"), stack.get(stack.trainerMetricsPort(), "/metrics"));
    Files.writeString(out.resolve("scorer.prom"), stack.get(stack.scorerPort(), "/metrics"));
  }
}
