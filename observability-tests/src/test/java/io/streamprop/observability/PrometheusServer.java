package io.streamprop.observability;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A real Prometheus (Debian's {@code prometheus} package, {@code /usr/bin/prometheus}) run as a
 * child process with its own configuration and storage in a temporary directory, on a free port;
 * never the system service. {@link #close()} stops it and waits for it to exit.
 */
final class PrometheusServer implements AutoCloseable {
  static final Path BINARY = Path.of("/usr/bin/prometheus");
  static final Path PROMTOOL = Path.of("/usr/bin/promtool");

  private final Process process;
  private final int port;
  private final Path log;
  private final HttpClient http = HttpClient.newHttpClient();

  private PrometheusServer(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** Writes {@code configYaml} to {@code dir}, starts Prometheus and waits until it is ready. */
  static PrometheusServer start(String configYaml, Path dir, Duration timeout) throws IOException {
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(config, configYaml);
    Path log = dir.resolve("prometheus.log");
    int port = freePort();
    Process process =
        new ProcessBuilder(
                BINARY.toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--web.console.templates=" + dir,
                "--web.console.libraries=" + dir)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    PrometheusServer server = new PrometheusServer(process, port, log);
    try {
      server.awaitReady(timeout);
    } catch (RuntimeException | Error e) {
      server.close();
      throw e;
    }
    return server;
  }

  private void awaitReady(Duration timeout) {
    try {
      await("prometheus on :" + port + " ready")
          .atMost(timeout)
          .pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(100))
          .until(this::ready);
    } catch (ConditionTimeoutException e) {
      throw new IllegalStateException(
          "prometheus not ready after " + timeout + ":\n" + logTail(), e);
    }
  }

  /** Whether {@code /-/ready} answers 200; throws at once when the process has exited. */
  private boolean ready() {
    if (!process.isAlive()) {
      throw new IllegalStateException(
          "prometheus exited with " + process.exitValue() + ":\n" + logTail());
    }
    try {
      return get("/-/ready").statusCode() == 200;
    } catch (IOException e) {
      return false; // Not listening yet.
    }
  }

  /** The {@code data} object of an instant query at the current time. */
  JsonNode query(String promql) {
    try {
      HttpResponse<String> response =
          get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
      JsonNode body = Dashboards.JSON.readTree(response.body());
      if (!body.path("status").asText().equals("success")) {
        throw new IllegalArgumentException(
            "prometheus rejected the query " + promql + ": " + response.body());
      }
      return body.path("data");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The scrape targets as {@code /api/v1/targets} reports them. */
  JsonNode targets() {
    try {
      return Dashboards.JSON.readTree(get("/api/v1/targets").body()).path("data");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private HttpResponse<String> get(String path) throws IOException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  String logTail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** Runs {@code promtool check metrics} on an exposition text. */
  static Tools.Result checkMetrics(String exposition) throws IOException {
    return Tools.run(Path.of("."), exposition, List.of(PROMTOOL.toString(), "check", "metrics"));
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
