package io.streamprop.faults.rig;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamprop.learn.Predictor;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.function.LongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small HTTP client of the scorer: predictions, readiness, served version and counters from
 * {@code /metrics}. A request that gets no HTTP answer is reported with a pseudo status, not as an
 * exception, so a load loop can count it, and the three ways to get none are kept apart: {@link
 * #REFUSED} (nothing listens: the process is down or not yet listening), {@link #BROKEN} (the
 * connection closed before an answer: the process died mid-request) and {@link #TIMEOUT} (no
 * connection or no answer within {@link #CONNECT_TIMEOUT} or {@link #REQUEST_TIMEOUT}: a live
 * process that does not answer). Which of them a scenario may accept depends on what the scorer was
 * at that moment ({@link ScorerPhases}).
 */
public final class ScorerClient {
  /** Pseudo status of a request whose connection was refused. */
  public static final int REFUSED = -1;

  /** Pseudo status of a request whose connection was reset or closed before an answer. */
  public static final int BROKEN = -2;

  /** Pseudo status of a request that got no connection or no answer in time. */
  public static final int TIMEOUT = -3;

  /**
   * On this host a connection is refused or accepted at once, even by a busy process (the kernel
   * completes the handshake); waiting this long for one means the scorer stopped accepting.
   */
  public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);

  /**
   * A prediction of three rows takes milliseconds; this much is allowed so that a loaded machine (a
   * cold JVM, a neighbour's build) never turns a slow answer into a timeout, while a scorer that
   * hangs still fails the scenario.
   */
  public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
  private final String base;

  public ScorerClient(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  /**
   * One answer: HTTP status (or a pseudo status), the parsed JSON body and the body as received, if
   * any.
   */
  public record Answer(int status, JsonNode body, String text) {}

  /** The name of a status, pseudo statuses included, for reports. */
  public static String describe(int status) {
    return switch (status) {
      case REFUSED -> "refused";
      case BROKEN -> "connection broken";
      case TIMEOUT -> "timeout";
      default -> Integer.toString(status);
    };
  }

  public Answer predict(String model, float[][] instances) throws InterruptedException {
    return predict(model, instances, null);
  }

  /** A predict request with the caller's {@code ids} (one per instance), or none when null. */
  public Answer predict(String model, float[][] instances, String[] ids)
      throws InterruptedException {
    try {
      String body =
          JSON.writeValueAsString(
              ids == null
                  ? Map.of("instances", instances)
                  : Map.of("instances", instances, "ids", ids));
      return send(
          HttpRequest.newBuilder(URI.create(base + "/v1/models/" + model + ":predict"))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body))
              .timeout(REQUEST_TIMEOUT)
              .build());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public Answer get(String path) throws InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(base + path)).timeout(REQUEST_TIMEOUT).build());
  }

  private Answer send(HttpRequest request) throws InterruptedException {
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), parse(response.body()), response.body());
    } catch (ConnectException e) {
      return new Answer(REFUSED, null, null);
    } catch (HttpTimeoutException e) {
      // HttpConnectTimeoutException too: no connection or no answer in time.
      return new Answer(TIMEOUT, null, null);
    } catch (IOException e) {
      // Reset or closed by the peer (a process dying mid-request), or any other broken exchange.
      return new Answer(BROKEN, null, null);
    }
  }

  /** The body as JSON; a body that is not JSON is kept as a text node, so it is still reported. */
  private static JsonNode parse(String body) {
    try {
      return JSON.readTree(body);
    } catch (JsonProcessingException e) {
      return JSON.getNodeFactory().textNode(body);
    }
  }

  /**
   * Why a 200 predict answer is wrong, or null when it is right: every probability must equal, as a
   * float, what the offline {@link Predictor} of the version the answer names computes for the same
   * instances.
   */
  public static String mismatch(
      Answer answer, LongFunction<Predictor> byVersion, float[][] instances) {
    long version = answer.body().get("model_version").asLong();
    Predictor predictor = byVersion.apply(version);
    if (predictor == null) {
      return "answer names version " + version + ", which was never published";
    }
    int inputs = instances[0].length;
    float[] flat = new float[instances.length * inputs];
    for (int r = 0; r < instances.length; r++) {
      System.arraycopy(instances[r], 0, flat, r * inputs, inputs);
    }
    float[] expected = predictor.predict(flat, instances.length);
    int outputs = expected.length / instances.length;
    JsonNode predictions = answer.body().get("predictions");
    for (int r = 0; r < instances.length; r++) {
      JsonNode probabilities = predictions.get(r).get("probabilities");
      for (int k = 0; k < outputs; k++) {
        float got = Float.parseFloat(probabilities.get(k).asText());
        if (Float.floatToIntBits(got) != Float.floatToIntBits(expected[r * outputs + k])) {
          return "version "
              + version
              + " row "
              + r
              + " output "
              + k
              + ": got "
              + got
              + ", offline "
              + expected[r * outputs + k];
        }
      }
    }
    return null;
  }

  /**
   * Polls {@code /health/ready} until 200; returns the milliseconds it took. Fails at once, with
   * its exit status, if the scorer's JVM {@code process} ends first (its log is kept in {@code
   * target/children-logs} after the test).
   */
  public long awaitReady(Duration timeout, Process process) {
    long start = System.nanoTime();
    await("scorer at " + base + " ready")
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(50))
        .failFast(
            "the scorer's JVM exited before it was ready",
            () -> {
              if (process.isAlive()) {
                return;
              }
              throw new AssertionError(
                  "the scorer's JVM (pid "
                      + process.pid()
                      + ") exited with status "
                      + process.exitValue()
                      + " before it was ready; its log is kept in target/children-logs");
            })
        .until(() -> get("/health/ready").status() == 200);
    return FaultReport.millisSince(start);
  }

  /** The version of {@code model} served now, or -1 when it is not served. */
  public long servedVersion(String model) throws InterruptedException {
    Answer answer = get("/v1/models/" + model);
    return answer.status() == 200 ? answer.body().get("model_version").asLong() : -1;
  }

  /** Polls until {@code model} is served at {@code version} or newer; returns the served one. */
  public long awaitVersion(String model, long version, Duration timeout) {
    return await("model " + model + " served at version " + version + " or newer")
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> servedVersion(model), served -> served >= version);
  }

  /** Sum of the samples of counter {@code name} whose labels contain every given label. */
  public double metric(String name, String... labels) throws InterruptedException {
    HttpResponse<String> response;
    try {
      response =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/metrics"))
                  .timeout(REQUEST_TIMEOUT)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException("cannot read /metrics", e);
    }
    Pattern line = Pattern.compile("^" + Pattern.quote(name) + "\\{([^}]*)\\} (\\S+)$");
    double sum = 0;
    for (String l : response.body().split("\n")) {
      Matcher m = line.matcher(l);
      if (!m.matches()) {
        continue;
      }
      boolean all = true;
      for (String label : labels) {
        all &= m.group(1).contains(label);
      }
      if (all) {
        sum += Double.parseDouble(m.group(2));
      }
    }
    return sum;
  }
}
