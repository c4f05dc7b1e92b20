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
import java.time.Duration;
import java.util.Map;
import java.util.function.LongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small HTTP client of the scorer: predictions, readiness, served version and counters from
 * {@code /metrics}. A refused connection (process down or not yet listening) is reported as status
 * {@link #REFUSED}, not as an exception, so a load loop can count it.
 */
public final class ScorerClient {
  /** Pseudo status of a request whose connection was refused. */
  public static final int REFUSED = -1;

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final String base;

  public ScorerClient(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  /** One answer: HTTP status (or {@link #REFUSED}) and the parsed JSON body, if any. */
  public record Answer(int status, JsonNode body) {}

  public Answer predict(String model, float[][] instances) throws InterruptedException {
    try {
      String body = JSON.writeValueAsString(Map.of("instances", instances));
      return send(
          HttpRequest.newBuilder(URI.create(base + "/v1/models/" + model + ":predict"))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body))
              .timeout(Duration.ofSeconds(10))
              .build());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public Answer get(String path) throws InterruptedException {
    return send(
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).build());
  }

  private Answer send(HttpRequest request) throws InterruptedException {
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), parse(response.body()));
    } catch (ConnectException e) {
      return new Answer(REFUSED, null);
    } catch (IOException e) {
      // A connection reset while the process dies counts as refused: no answer was given.
      return new Answer(REFUSED, null);
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

  /** Polls {@code /health/ready} until 200; returns the milliseconds it took. */
  public long awaitReady(Duration timeout) {
    long start = System.nanoTime();
    await("scorer at " + base + " ready")
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(50))
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
              HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
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
