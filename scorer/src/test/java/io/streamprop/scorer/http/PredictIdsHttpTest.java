package io.streamprop.scorer.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamprop.features.FeatureRow;
import io.streamprop.scorer.metrics.ScorerMetrics;
import io.streamprop.scorer.predlog.IdGenerator;
import io.streamprop.scorer.predlog.PredictionLog;
import io.streamprop.scorer.predlog.PredictionLogMode;
import io.streamprop.scorer.registry.ModelRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Ids and the prediction log over real HTTP: ids given, generated and refused; the records each
 * answered instance leaves on the log (features as received, the prediction as answered); and, in
 * the acknowledged mode, no answer before the log has the predictions.
 */
class PredictIdsHttpTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ModelRegistry models = new ModelRegistry();
  private static final Clock clock =
      Clock.fixed(Instant.parse("2026-01-01T00:00:11Z"), ZoneOffset.UTC);
  private static final ScorerMetrics metrics = new ScorerMetrics(models, clock);
  private static final HttpClient client = HttpClient.newHttpClient();
  private static final Health READY =
      new Health() {
        @Override
        public boolean live() {
          return true;
        }

        @Override
        public boolean ready() {
          return true;
        }

        @Override
        public String detail() {
          return "serving";
        }
      };

  /** Acknowledges each record when the test says so. */
  private static final MockProducer<byte[], byte[]> producer =
      new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());

  private static ScorerHttpServer server;

  @BeforeAll
  static void start() throws Exception {
    models.swapIfNewer(TestModels.iris(7));
    models.swapIfNewer(TestModels.churn(5, new AtomicReference<FeatureRow[]>()));
    PredictionLog log =
        new PredictionLog(PredictionLogMode.ACKNOWLEDGED, producer, 100, new SimpleMeterRegistry());
    server =
        new ScorerHttpServer(
            "127.0.0.1",
            0,
            16,
            new ScorerHandler(models, metrics, READY, 1 << 20, clock)
                .withPredictionLog(
                    log, "predictions", new IdGenerator(0x193a4c5e2f1L, 0x9f3b27c1)));
    server.start();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
    metrics.close();
  }

  @BeforeEach
  void clearLog() {
    producer.clear();
  }

  private static CompletableFuture<HttpResponse<String>> send(String model, String body) {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(
                    "http://127.0.0.1:" + server.port() + "/v1/models/" + model + ":predict"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    return client.sendAsync(request, HttpResponse.BodyHandlers.ofString());
  }

  /** Predicts, acknowledging every record the request writes; the response. */
  private static HttpResponse<String> predict(String model, String body) throws Exception {
    CompletableFuture<HttpResponse<String>> response = send(model, body);
    while (!response.isDone()) {
      if (!producer.completeNext()) {
        Thread.onSpinWait();
      }
    }
    return response.get();
  }

  private static String value(ProducerRecord<byte[], byte[]> record) {
    return new String(record.value(), StandardCharsets.UTF_8);
  }

  @Test
  void givenIds_echoed_andEachInstanceLoggedAsReceived() throws Exception {
    String first = "[0.97, 0.02,  0.01, 1]";
    String second = "{\"d\": 4, \"a\": 0.25, \"b\": 0.5, \"c\": 0.125}";
    HttpResponse<String> response =
        predict(
            "iris",
            "{\"instances\": ["
                + first
                + ",\n "
                + second
                + "], \"ids\": [\"order-1\", \"ö/\\\"2\"]}");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.get("ids")).hasToString("[\"order-1\",\"ö/\\\"2\"]");

    List<ProducerRecord<byte[], byte[]>> records = producer.history();
    assertThat(records).hasSize(2);
    ProducerRecord<byte[], byte[]> one = records.get(0);
    assertThat(one.topic()).isEqualTo("predictions");
    assertThat(one.partition()).isNull(); // the default partitioner, on the id
    assertThat(new String(one.key(), StandardCharsets.UTF_8)).isEqualTo("order-1");
    assertThat(one.timestamp()).isEqualTo(clock.millis());
    assertThat(new String(one.headers().lastHeader("streamprop.model").value(), "UTF-8"))
        .isEqualTo("iris");
    assertThat(value(one))
        .isEqualTo(
            "{\"id\":\"order-1\",\"model\":\"iris\",\"version\":7,\"time\":"
                + clock.millis()
                + ",\"features\":"
                + first
                + ",\"prediction\":"
                + body.at("/predictions/0")
                + "}");
    ProducerRecord<byte[], byte[]> two = records.get(1);
    assertThat(new String(two.key(), StandardCharsets.UTF_8)).isEqualTo("ö/\"2");
    JsonNode logged = JSON.readTree(two.value());
    assertThat(logged.get("id").textValue()).isEqualTo("ö/\"2");
    assertThat(value(two)).contains(",\"features\":" + second + ",");
    assertThat(logged.get("prediction")).isEqualTo(body.at("/predictions/1"));
  }

  @Test
  void idsBeforeInstances_fastShape_sameAnswer() throws Exception {
    HttpResponse<String> response =
        predict("iris", "{\"ids\": [\"a\", \"b\"], \"instances\": [[1,2,3,4],[5,6,7,8]]}");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(JSON.readTree(response.body()).get("ids")).hasToString("[\"a\",\"b\"]");
    assertThat(value(producer.history().get(1))).contains("\"features\":[5,6,7,8],");
  }

  @Test
  void noIds_generated_uniqueAndDocumentedFormat() throws Exception {
    Set<String> seen = new HashSet<>();
    for (int request = 0; request < 3; request++) {
      HttpResponse<String> response = predict("iris", "{\"instances\": [[1,2,3,4],[5,6,7,8]]}");
      assertThat(response.statusCode()).isEqualTo(200);
      for (JsonNode id : JSON.readTree(response.body()).get("ids")) {
        assertThat(id.textValue()).matches("193a4c5e2f1-9f3b27c1-[0-9a-f]+");
        assertThat(seen.add(id.textValue())).as("unique: " + id).isTrue();
      }
    }
    assertThat(seen).hasSize(6);
    assertThat(producer.history()).extracting(r -> new String(r.key())).containsAll(seen);
    // A restart draws new random bits: no id repeats.
    assertThat(new IdGenerator().next(1)[0]).doesNotStartWith("193a4c5e2f1-9f3b27c1-");
  }

  @Test
  void rawInstances_idsEchoed_featuresLoggedAsTheObjectReceived() throws Exception {
    String instance = "{\"country\": \"ID\", \"is_new\": true,  \"query\": \"red shoes\"}";
    HttpResponse<String> response =
        predict("churn", "{\"instances\": [" + instance + "], \"ids\": [\"session-9\"]}");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(JSON.readTree(response.body()).get("ids")).hasToString("[\"session-9\"]");
    JsonNode logged = JSON.readTree(producer.history().get(0).value());
    assertThat(value(producer.history().get(0))).contains("\"features\":" + instance + ",");
    assertThat(logged.get("model").textValue()).isEqualTo("churn");
    assertThat(logged.get("version").longValue()).isEqualTo(5);
    assertThat(logged.get("prediction"))
        .isEqualTo(JSON.readTree(response.body()).at("/predictions/0"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "\"ids\": [\"a\"] | 'ids' has 1 id for 2 instances; send one id per instance, in the order"
            + " of 'instances'",
        "\"ids\": [\"a\", \"b\", \"c\"] | 'ids' has 3 ids for 2 instances; send one id per"
            + " instance, in the order of 'instances'",
        "\"ids\": [\"a\", \"\"] | ids[1] is empty; an id is a non-empty string of at most 256"
            + " bytes",
        "\"ids\": [\"a\", 7] | ids[1] must be a string, got a number (7)",
        "\"ids\": [null, \"b\"] | ids[0] must be a string, got null",
        "\"ids\": [\"a\", {}] | ids[1] must be a string, got an object",
        "\"ids\": \"a\" | 'ids' must be a list of strings, one per instance, got a string",
        "\"ids\": [\"a\", \"b\"], \"ids\": [\"a\", \"b\"] | the body has 'ids' twice",
      })
  void badIds_400NamingTheProblem_nothingLogged(String ids, String error) throws Exception {
    for (String body :
        List.of(
            "{\"instances\": [[1,2,3,4],[5,6,7,8]], " + ids + "}",
            "{" + ids + ", \"instances\": [[1,2,3,4],[5,6,7,8]]}")) {
      HttpResponse<String> response = send("iris", body).get();
      assertThat(response.statusCode()).as(body).isEqualTo(400);
      assertThat(JSON.readTree(response.body()).get("error").textValue()).isEqualTo(error);
    }
    HttpResponse<String> raw =
        send("churn", "{\"instances\": [{}, {\"is_new\": false}], " + ids + "}").get();
    assertThat(raw.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(raw.body()).get("error").textValue()).isEqualTo(error);
    assertThat(producer.history()).isEmpty();
  }

  @Test
  void idOver256Bytes_400WithItsLength() throws Exception {
    String ok = "é".repeat(128); // 256 bytes
    String tooLong = "é".repeat(128) + "x"; // 257 bytes, 129 characters
    HttpResponse<String> accepted =
        predict("iris", "{\"instances\": [[1,2,3,4]], \"ids\": [\"" + ok + "\"]}");
    assertThat(accepted.statusCode()).isEqualTo(200);
    HttpResponse<String> refused =
        send("iris", "{\"instances\": [[1,2,3,4]], \"ids\": [\"" + tooLong + "\"]}").get();
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(refused.body()).get("error").textValue())
        .isEqualTo(
            "ids[0] = \"" + "é".repeat(32) + "...\" is 257 bytes in UTF-8, over the limit of 256");
  }

  @Test
  void acknowledged_noAnswerBeforeTheLogHasIt_failedWriteIs503() throws Exception {
    CompletableFuture<HttpResponse<String>> response =
        send("iris", "{\"instances\": [[1,2,3,4],[5,6,7,8]]}");
    await().until(() -> producer.history().size() == 2);
    assertThat(producer.completeNext()).isTrue();
    assertThat(response).isNotDone(); // one of two records acknowledged: still no answer
    assertThat(producer.errorNext(new RuntimeException("broker unavailable"))).isTrue();
    HttpResponse<String> failed = response.get();
    assertThat(failed.statusCode()).isEqualTo(503);
    assertThat(JSON.readTree(failed.body()).get("error").textValue())
        .isEqualTo(
            "the prediction log could not record the predictions (topic 'predictions'):"
                + " java.lang.RuntimeException: broker unavailable; they are not answered, retry"
                + " the request");
  }
}
