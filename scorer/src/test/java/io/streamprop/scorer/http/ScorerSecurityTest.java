package io.streamprop.scorer.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamprop.scorer.metrics.ScorerMetrics;
import io.streamprop.scorer.registry.ModelRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bearer-token authentication and the rate limit over real HTTP: predict and admin tokens, 401 with
 * the RFC 6750 challenge, 403 for a predict token on an admin route, 429 with {@code Retry-After},
 * protected {@code /metrics}, open {@code /health}.
 */
class ScorerSecurityTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PREDICT_TOKEN = "predict-token-0123456789";
  private static final String ADMIN_TOKEN = "admin-token-0123456789ab";
  private static final String BODY = "{\"instances\": [[0.1, 0.7, 0.2, 9]]}";
  private static final int BURST = 5;

  private static final ModelRegistry models = new ModelRegistry();
  private static final Clock clock =
      Clock.fixed(Instant.parse("2026-01-01T00:00:11Z"), ZoneOffset.UTC);
  private static final ScorerMetrics metrics = new ScorerMetrics(models, clock);
  private static final HttpClient client = HttpClient.newHttpClient();

  /** The rate limiter's clock, moved by the tests, never by time passing. */
  private static final AtomicLong nanos = new AtomicLong();

  private static ScorerHttpServer server;

  @BeforeAll
  static void start() throws Exception {
    models.swapIfNewer(TestModels.iris(7));
    AccessPolicy access =
        new AccessPolicy(
            List.of(PREDICT_TOKEN),
            List.of(ADMIN_TOKEN),
            true,
            false,
            new RateLimiter(1.0, BURST, nanos::get));
    ScorerHandlerTest.TestHealth health = new ScorerHandlerTest.TestHealth();
    server =
        new ScorerHttpServer(
            "127.0.0.1", 0, 16, new ScorerHandler(models, metrics, health, 4096, clock, access));
    server.start();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
    metrics.close();
  }

  @BeforeEach
  void refillBucket() {
    nanos.addAndGet(3_600_000_000_000L);
  }

  private static HttpResponse<String> send(String method, String path, String token)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (method.equals("POST")) {
      request.header("Content-Type", "application/json");
      request.POST(HttpRequest.BodyPublishers.ofString(BODY));
    } else {
      request.GET();
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String error(HttpResponse<String> response) throws Exception {
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    return JSON.readTree(response.body()).get("error").asText();
  }

  @Test
  void predict_noToken_401WithBearerChallenge() throws Exception {
    HttpResponse<String> response = send("POST", "/v1/models/iris:predict", null);

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate"))
        .hasValue("Bearer realm=\"streamprop\"");
    assertThat(error(response)).contains("needs a bearer token");
  }

  @Test
  void predict_wrongToken_401InvalidToken() throws Exception {
    HttpResponse<String> response = send("POST", "/v1/models/iris:predict", PREDICT_TOKEN + "x");

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(
            value -> assertThat(value).startsWith("Bearer").contains("invalid_token"));
    assertThat(error(response)).contains("not valid");
  }

  @Test
  void predict_predictOrAdminToken_200() throws Exception {
    assertThat(send("POST", "/v1/models/iris:predict", PREDICT_TOKEN).statusCode()).isEqualTo(200);
    assertThat(send("POST", "/v1/models/iris:predict", ADMIN_TOKEN).statusCode()).isEqualTo(200);
  }

  @Test
  void modelMetadata_needsAdminToken_403ForPredictToken() throws Exception {
    HttpResponse<String> none = send("GET", "/v1/models/iris", null);
    HttpResponse<String> predict = send("GET", "/v1/models", PREDICT_TOKEN);
    HttpResponse<String> admin = send("GET", "/v1/models/iris", ADMIN_TOKEN);

    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("WWW-Authenticate")).isPresent();
    assertThat(predict.statusCode()).isEqualTo(403);
    assertThat(error(predict)).contains("admin token");
    assertThat(admin.statusCode()).isEqualTo(200);
  }

  @Test
  void protectedMetrics_needAdminToken_healthStaysOpen() throws Exception {
    assertThat(send("GET", "/metrics", null).statusCode()).isEqualTo(401);
    assertThat(send("GET", "/metrics", PREDICT_TOKEN).statusCode()).isEqualTo(403);
    assertThat(send("GET", "/metrics", ADMIN_TOKEN).statusCode()).isEqualTo(200);
    assertThat(send("GET", "/health/ready", null).statusCode()).isEqualTo(200);
    assertThat(send("GET", "/health/live", null).statusCode()).isEqualTo(200);
  }

  @Test
  void overRateLimit_429WithRetryAfter_thenServedOnceTokensRefill() throws Exception {
    for (int i = 0; i < BURST; i++) {
      assertThat(send("POST", "/v1/models/iris:predict", PREDICT_TOKEN).statusCode())
          .as("request %d of the burst", i)
          .isEqualTo(200);
    }
    HttpResponse<String> limited = send("POST", "/v1/models/iris:predict", PREDICT_TOKEN);
    // Probes and scrapes never count against the limit.
    HttpResponse<String> health = send("GET", "/health/ready", null);

    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(limited.headers().firstValue("Retry-After")).hasValue("1");
    assertThat(error(limited)).contains("rate limit");
    assertThat(health.statusCode()).isEqualTo(200);

    nanos.addAndGet(1_000_000_000L);
    assertThat(send("POST", "/v1/models/iris:predict", PREDICT_TOKEN).statusCode()).isEqualTo(200);
  }

  @Test
  void refusedRequests_countedByRouteAndReason() throws Exception {
    send("POST", "/v1/models/iris:predict", null);
    send("GET", "/v1/models", PREDICT_TOKEN);

    String scrape = send("GET", "/metrics", ADMIN_TOKEN).body();

    assertThat(scrape)
        .containsPattern(
            "streamprop_http_refused_total\\{reason=\"unauthorized\",route=\"/v1/models/\\{model\\}:predict\"\\} [1-9]")
        .containsPattern(
            "streamprop_http_refused_total\\{reason=\"forbidden\",route=\"models\"\\} [1-9]")
        .containsPattern(
            "streamprop_predictions_total\\{model=\"iris\",outcome=\"unauthorized\"\\} [1-9]");
  }
}
