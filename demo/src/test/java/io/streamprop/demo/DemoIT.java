package io.streamprop.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The demo end to end on a real broker: a prediction over HTTP from a model the trainer learned
 * from the streamed file, both {@code /metrics} endpoints answering, then a clean stop (directory
 * deleted, threads gone, port free) and a second run on the same port through {@link DemoMain}.
 */
class DemoIT {
  private static final Duration DEADLINE = Duration.ofSeconds(90);
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void demo_runsPredictsAndStops_secondRunOnSamePortStartsCleanly() throws Exception {
    Path data = resource("/data/letter-600.csv");
    Path spec = resource("/data/letter-600.json");
    Set<Thread> before = Thread.getAllStackTraces().keySet();

    Demo demo = Demo.start(new DemoOptions(data, spec, "letters", 2000, null, 0, 0));
    int port = demo.scorerPort();
    Path runDir = demo.runDir();
    String body;
    try {
      String request = "{\"instances\": [[2,8,3,5,1,8,13,0,6,6,10,8,0,8,0,8]]}";
      URI predict = URI.create("http://127.0.0.1:" + port + "/v1/models/letters:predict");
      DemoHttp.awaitTrue(
          DEADLINE,
          "a prediction from the scorer",
          () -> post(predict, request).statusCode() == 200);
      body = post(predict, request).body();
      assertThat(body).contains("\"predictions\"").contains("\"class\"").contains("\"letters\"");

      String scorerMetrics = DemoHttp.get("http://127.0.0.1:" + port + "/metrics");
      assertThat(scorerMetrics).contains("streamprop_model_version{").contains("model=\"letters\"");
      DemoHttp.awaitTrue(
          DEADLINE,
          "the trainer's /metrics to show trained examples",
          () ->
              DemoHttp.get("http://127.0.0.1:" + demo.trainerMetricsPort() + "/metrics")
                  .contains("streamprop_examples_trained_total{"));
      assertThat(demo.produced()).isPositive();
      assertThat(demo.failure()).isNull();
    } finally {
      demo.close();
    }

    assertThat(runDir).doesNotExist();
    assertThat(portIsFree(port)).as("port %d free after close", port).isTrue();
    DemoHttp.awaitTrue(DEADLINE, "the demo's threads to end", () -> newThreads(before).isEmpty());

    // Second run, same port, through the command's own entry point with a bounded duration.
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        DemoMain.run(
            new String[] {
              "--data",
              data.toString(),
              "--spec",
              spec.toString(),
              "--model",
              "letters",
              "--port",
              Integer.toString(port),
              "--metrics-port",
              "0",
              "--duration",
              "6s"
            },
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    String printed = out.toString(StandardCharsets.UTF_8);
    assertThat(status).as("exit status; stderr: %s", err).isZero();
    assertThat(printed)
        .contains("curl -s -X POST http://localhost:" + port + "/v1/models/letters:predict")
        .contains("http://localhost:" + port + "/metrics")
        .contains("prequential loss")
        .contains("streamprop demo: stopped");
    assertThat(portIsFree(port)).isTrue();
    DemoHttp.awaitTrue(
        DEADLINE, "the second run's threads to end", () -> newThreads(before).isEmpty());
  }

  /** Non-daemon threads that did not exist before the demo (JDK's own pools excluded). */
  private static List<String> newThreads(Set<Thread> before) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> !before.contains(t) && t.isAlive() && !t.isDaemon())
        .map(Thread::getName)
        .collect(Collectors.toList());
  }

  private static boolean portIsFree(int port) {
    try (ServerSocket socket = new ServerSocket(port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private HttpResponse<String> post(URI uri, String json) {
    try {
      return http.send(
          HttpRequest.newBuilder(uri)
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(json))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Path resource(String name) throws URISyntaxException {
    Path path = Path.of(DemoIT.class.getResource(name).toURI());
    assertThat(Files.isRegularFile(path)).isTrue();
    return path;
  }
}
