package io.streamprop.scorer.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamprop.scorer.metrics.ScorerMetrics;
import io.streamprop.scorer.registry.ModelRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The per-client rate limit over real HTTP on a real port. Requests are written on plain sockets
 * bound to chosen loopback addresses (127.0.0.2, 127.0.0.3, ...: all of 127/8 is loopback on
 * Linux), so the scorer sees distinct remote addresses, as it would see distinct machines. Two
 * servers: one without tokens (clients are IP addresses) and one with tokens and a global limit
 * (clients are tokens, whatever their address).
 */
class ClientRateLimitHttpTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PREDICT = "/v1/models/iris:predict";
  private static final String BODY = "{\"instances\": [[0.1, 0.7, 0.2, 9]]}";
  private static final String TOKEN_A = "client-a-token-0123456789";
  private static final String TOKEN_B = "client-b-token-0123456789";
  private static final String ADMIN = "admin-token-0123456789abcdef";
  private static final int CLIENT_BURST = 2;
  private static final int GLOBAL_BURST = 5;

  private static final ModelRegistry models = new ModelRegistry();
  private static final Clock clock =
      Clock.fixed(Instant.parse("2026-01-01T00:00:11Z"), ZoneOffset.UTC);
  private static final ScorerMetrics metrics = new ScorerMetrics(models, clock);

  /** The limiters' clock, moved by the tests, never by time passing. */
  private static final AtomicLong nanos = new AtomicLong();

  private static ScorerHttpServer byAddress;
  private static ScorerHttpServer byToken;

  @BeforeAll
  static void start() throws Exception {
    models.swapIfNewer(TestModels.iris(7));
    ScorerHandlerTest.TestHealth health = new ScorerHandlerTest.TestHealth();
    AccessPolicy open =
        AccessPolicy.open()
            .withClientRateLimit(new ClientRateLimiter(1.0, CLIENT_BURST, 1000, nanos::get));
    byAddress =
        new ScorerHttpServer(
            "0.0.0.0", 0, 16, new ScorerHandler(models, metrics, health, 4096, clock, open));
    byAddress.start();
    AccessPolicy tokens =
        new AccessPolicy(
                List.of(TOKEN_A, TOKEN_B),
                List.of(ADMIN),
                false,
                false,
                new RateLimiter(1.0, GLOBAL_BURST, nanos::get))
            .withClientRateLimit(new ClientRateLimiter(1.0, CLIENT_BURST, 1000, nanos::get));
    byToken =
        new ScorerHttpServer(
            "0.0.0.0", 0, 16, new ScorerHandler(models, metrics, health, 4096, clock, tokens));
    byToken.start();
  }

  @AfterAll
  static void stop() throws Exception {
    byAddress.close();
    byToken.close();
    metrics.close();
  }

  @BeforeEach
  void refillEveryBucket() {
    nanos.addAndGet(3_600_000_000_000L);
  }

  /** One HTTP/1.1 exchange on a new connection from {@code from}. */
  record Exchange(int status, Map<String, String> headers, String body) {
    JsonNode json() throws IOException {
      return JSON.readTree(body);
    }
  }

  private static Exchange request(
      ScorerHttpServer server, String from, String method, String path, String token)
      throws IOException {
    byte[] body = method.equals("POST") ? BODY.getBytes(StandardCharsets.UTF_8) : new byte[0];
    StringBuilder head = new StringBuilder();
    head.append(method).append(' ').append(path).append(" HTTP/1.1\r\n");
    head.append("Host: 127.0.0.1\r\nConnection: close\r\n");
    if (token != null) {
      head.append("Authorization: Bearer ").append(token).append("\r\n");
    }
    if (method.equals("POST")) {
      head.append("Content-Type: application/json\r\n");
      head.append("Content-Length: ").append(body.length).append("\r\n");
    }
    head.append("\r\n");
    try (Socket socket = new Socket()) {
      socket.setSoTimeout(10_000);
      socket.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
      socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 10_000);
      OutputStream out = socket.getOutputStream();
      out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      return parse(socket.getInputStream());
    }
  }

  /** Status line, headers (names lower-cased) and a Content-Length body. */
  private static Exchange parse(InputStream in) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    in.transferTo(all);
    String text = all.toString(StandardCharsets.UTF_8);
    int end = text.indexOf("\r\n\r\n");
    String[] lines = text.substring(0, end).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(
          lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
          lines[i].substring(colon + 1).trim());
    }
    return new Exchange(status, headers, text.substring(end + 4));
  }

  @Test
  void noTokens_clientIsItsAddress_oneLimitedTheOtherServed() throws Exception {
    for (int i = 0; i < CLIENT_BURST; i++) {
      assertThat(request(byAddress, "127.0.0.2", "POST", PREDICT, null).status())
          .as("request %d of 127.0.0.2's burst", i)
          .isEqualTo(200);
    }
    Exchange limited = request(byAddress, "127.0.0.2", "POST", PREDICT, null);
    Exchange other = request(byAddress, "127.0.0.3", "POST", PREDICT, null);
    Exchange probe = request(byAddress, "127.0.0.2", "GET", "/health/ready", null);

    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.headers()).containsEntry("retry-after", "1");
    assertThat(limited.headers()).containsEntry("content-type", "application/json");
    assertThat(limited.json().get("limit").asText()).isEqualTo("client");
    assertThat(limited.json().get("error").asText())
        .contains("per-client rate limit")
        .contains("streamprop.scorer.rate.limit.client.per.second")
        .contains("client address");
    assertThat(other.status()).as("another address has its own bucket").isEqualTo(200);
    assertThat(probe.status()).as("probes are never limited").isEqualTo(200);

    nanos.addAndGet(1_000_000_000L); // one second at 1/s: one token back
    assertThat(request(byAddress, "127.0.0.2", "POST", PREDICT, null).status()).isEqualTo(200);
  }

  @Test
  void tokens_clientIsItsToken_notItsAddress() throws Exception {
    for (int i = 0; i < CLIENT_BURST; i++) {
      assertThat(request(byToken, "127.0.0.4", "POST", PREDICT, TOKEN_A).status()).isEqualTo(200);
    }
    // Token A from another address is the same client; token B from the same address is not.
    Exchange sameTokenOtherAddress = request(byToken, "127.0.0.5", "POST", PREDICT, TOKEN_A);
    Exchange otherTokenSameAddress = request(byToken, "127.0.0.4", "POST", PREDICT, TOKEN_B);

    assertThat(sameTokenOtherAddress.status()).isEqualTo(429);
    assertThat(sameTokenOtherAddress.json().get("limit").asText()).isEqualTo("client");
    assertThat(sameTokenOtherAddress.json().get("error").asText()).contains("bearer token");
    assertThat(otherTokenSameAddress.status()).isEqualTo(200);
  }

  @Test
  void clientsWithinTheirLimits_overTheGlobalOne_429NamingTheGlobalLimit() throws Exception {
    // Global burst 5, client burst 2: A takes 2, B 2, the admin token 1, and its 2nd is refused by
    // the global bucket although its own bucket still holds a token.
    for (String token : List.of(TOKEN_A, TOKEN_A, TOKEN_B, TOKEN_B, ADMIN)) {
      assertThat(request(byToken, "127.0.0.6", "POST", PREDICT, token).status()).isEqualTo(200);
    }
    Exchange limited = request(byToken, "127.0.0.6", "POST", PREDICT, ADMIN);

    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.headers()).containsKey("retry-after");
    assertThat(limited.json().get("limit").asText()).isEqualTo("global");
    assertThat(limited.json().get("error").asText())
        .contains("streamprop.scorer.rate.limit.per.second");
  }

  @Test
  void rateLimitedRequests_countedByLimit() throws Exception {
    for (int i = 0; i <= CLIENT_BURST; i++) {
      request(byAddress, "127.0.0.7", "POST", PREDICT, null);
    }

    String scrape = metrics.scrape();

    assertThat(scrape)
        .containsPattern(
            "streamprop_http_rate_limited_total\\{limit=\"client\",route=\"/v1/models/\\{model\\}:predict\"\\} [1-9]")
        .containsPattern(
            "streamprop_http_refused_total\\{reason=\"rate_limited\",route=\"/v1/models/\\{model\\}:predict\"\\} [1-9]");
  }
}
