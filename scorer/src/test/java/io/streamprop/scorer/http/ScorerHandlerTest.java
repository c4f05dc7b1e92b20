package io.streamprop.scorer.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamprop.learn.OnlineLearner;
import io.streamprop.scorer.metrics.ScorerMetrics;
import io.streamprop.scorer.registry.ModelLoader;
import io.streamprop.scorer.registry.ModelRegistry;
import io.streamprop.spec.SpecJson;
import io.streamprop.wire.SnapshotCodec;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every route and every error status over real HTTP, on a random port. */
class ScorerHandlerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_BODY = 4096;

  // One server for the class: stopping one waits for its keep-alive connections to drain.
  private static final ModelRegistry models = new ModelRegistry();
  private static final Clock clock =
      Clock.fixed(Instant.parse("2026-01-01T00:00:11Z"), ZoneOffset.UTC);
  private static final ScorerMetrics metrics = new ScorerMetrics(models, clock);
  private static final TestHealth health = new TestHealth();
  private static final HttpClient client = HttpClient.newHttpClient();
  private static ScorerHttpServer server;

  static final class TestHealth implements Health {
    volatile boolean ready = true;
    volatile boolean live = true;

    @Override
    public boolean live() {
      return live;
    }

    @Override
    public boolean ready() {
      return ready;
    }

    @Override
    public String detail() {
      return ready ? "serving" : "reading model snapshots";
    }
  }

  @BeforeAll
  static void start() throws Exception {
    models.swapIfNewer(TestModels.iris(7));
    models.swapIfNewer(TestModels.house(3));
    models.swapIfNewer(TestModels.swap(1));
    server =
        new ScorerHttpServer(
            "127.0.0.1", 0, 16, new ScorerHandler(models, metrics, health, MAX_BODY, clock));
    server.start();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
    metrics.close();
  }

  @BeforeEach
  void healthy() {
    health.ready = true;
    health.live = true;
  }

  private static URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return post(path, body, "application/json");
  }

  private HttpResponse<String> post(String path, String body, String contentType) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> response) throws IOException {
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
    return JSON.readTree(response.body());
  }

  private static String error(HttpResponse<String> response) throws IOException {
    JsonNode body = json(response);
    assertThat(body.has("error")).as("body %s has an error", response.body()).isTrue();
    return body.get("error").asText();
  }

  @Test
  void predict_listInstances_returnsClassProbabilitiesAndVersion() throws Exception {
    HttpResponse<String> response =
        post(
            "/v1/models/iris:predict",
            "{\"instances\": [[0.1, 0.7, 0.2, 9], [0.5, 0.25, 0.25, 0]]}");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue(ScorerHandler.VERSION_HEADER)).hasValue("7");
    JsonNode body = json(response);
    assertThat(body.get("model_version").asLong()).isEqualTo(7);
    assertThat(body.get("model").asText()).isEqualTo("iris");
    JsonNode first = body.get("predictions").get(0);
    assertThat(first.get("class").asInt()).isEqualTo(1);
    assertThat(first.get("probabilities").toString()).isEqualTo("[0.1,0.7,0.2]");
    assertThat(body.get("predictions").get(1).get("class").asInt()).isEqualTo(0);
  }

  @Test
  void predict_namedInstances_placesFeaturesByName() throws Exception {
    HttpResponse<String> response =
        post(
            "/v1/models/iris:predict",
            "{\"signature_name\": \"serving_default\","
                + " \"instances\": [{\"d\": 4, \"c\": 0.75, \"b\": 0.5, \"a\": 0.25}]}");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode prediction = json(response).get("predictions").get(0);
    assertThat(prediction.get("probabilities").toString()).isEqualTo("[0.25,0.5,0.75]");
    assertThat(prediction.get("class").asInt()).isEqualTo(2);
  }

  @Test
  void predict_regression_returnsNumberPerInstanceOrListForManyTargets() throws Exception {
    HttpResponse<String> one = post("/v1/models/house:predict", "{\"inputs\": [[1, 2], [3, 4.5]]}");
    HttpResponse<String> two = post("/v1/models/swap:predict", "{\"instances\": [[1, 2]]}");

    assertThat(one.statusCode()).isEqualTo(200);
    assertThat(json(one).get("predictions").toString()).isEqualTo("[3.0,7.5]");
    assertThat(one.headers().firstValue(ScorerHandler.VERSION_HEADER)).hasValue("3");
    assertThat(json(two).get("predictions").toString()).isEqualTo("[[2.0,1.0]]");
  }

  @Test
  void predict_badBodies_400NamingTheProblemAndVersion() throws Exception {
    String path = "/v1/models/iris:predict";
    assertThat(error(post(path, "{\"instances\": [[1, 2, 3]]}")))
        .contains("instance 0 has 3 values", "takes 4");
    assertThat(error(post(path, "{\"instances\": [[1, 2, 3, 4], [1, 2, 3, 4, 5]]}")))
        .contains("instance 1 has more than 4 values");
    assertThat(error(post(path, "{\"instances\": [[1, \"2\", 3, 4]]}")))
        .contains("instance 0, feature 1: expected a number, got a string");
    assertThat(error(post(path, "{\"instances\": [[1, 2, 1e39, 4]]}")))
        .contains("feature 2: 1e39 is not a finite float32");
    assertThat(error(post(path, "{\"instances\": [[1, 2, NaN, 4]]}"))).startsWith("bad JSON");
    assertThat(error(post(path, "{\"instances\": [[1, 2, 3, 4]"))).startsWith("bad JSON");
    assertThat(error(post(path, "{\"instances\": []}"))).contains("'instances' is empty");
    assertThat(error(post(path, "{}"))).contains("missing field 'instances'");
    assertThat(error(post(path, "[[1, 2, 3, 4]]"))).contains("must be a JSON object");
    assertThat(error(post(path, "{\"instances\": [[1,2,3,4]], \"x\": 1}")))
        .contains("unknown field 'x'");
    assertThat(error(post(path, "{\"instances\": [{\"a\": 1, \"b\": 2, \"c\": 3}]}")))
        .contains("instance 0: missing feature 'd'");
    assertThat(error(post(path, "{\"instances\": [{\"a\": 1, \"e\": 2}]}")))
        .contains("unknown feature 'e'");
    assertThat(error(post(path, "{\"instances\": [[1,2,3,4]]} trailing"))).isNotEmpty();
    assertThat(error(post("/v1/models/house:predict", "{\"instances\": [{\"a\": 1}]}")))
        .contains("declares no feature names");

    HttpResponse<String> response = post(path, "{\"instances\": [[1]]}");
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response).get("model_version").asLong()).isEqualTo(7);
    assertThat(response.headers().firstValue(ScorerHandler.VERSION_HEADER)).hasValue("7");
  }

  @Test
  void predict_everyBadBody_isA400NeverA500() throws Exception {
    for (String body :
        new String[] {"", "null", "{\"instances\": null}", "{\"instances\": [null]}", "{\"a\""}) {
      assertThat(post("/v1/models/iris:predict", body).statusCode()).as(body).isEqualTo(400);
    }
  }

  @Test
  void predict_unknownModel_404AndCountedUnderUnknown() throws Exception {
    HttpResponse<String> response = post("/v1/models/nope:predict", "{\"instances\": [[1]]}");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(error(response)).contains("model 'nope' is not served");
    assertThat(get("/metrics").body())
        .contains("streamprop_predictions_total{model=\"unknown\",outcome=\"unknown_model\"} 1.0")
        .doesNotContain("model=\"nope\"");
  }

  @Test
  void wrongMethod_405WithAllowHeader() throws Exception {
    HttpResponse<String> onPredict = get("/v1/models/iris:predict");
    HttpResponse<String> onModels = post("/v1/models", "{}");

    assertThat(onPredict.statusCode()).isEqualTo(405);
    assertThat(onPredict.headers().firstValue("Allow")).hasValue("POST");
    assertThat(error(onPredict)).contains("use POST");
    assertThat(onModels.statusCode()).isEqualTo(405);
    assertThat(onModels.headers().firstValue("Allow")).hasValue("GET");
  }

  @Test
  void predict_bodyOverLimit_413WithLengthOrChunked() throws Exception {
    String big = "{\"instances\": [" + "[1,2,3,4],".repeat(MAX_BODY / 10) + "[1,2,3,4]]}";
    HttpResponse<String> withLength = post("/v1/models/iris:predict", big);
    HttpResponse<String> chunked =
        client.send(
            HttpRequest.newBuilder(uri("/v1/models/iris:predict"))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(big.getBytes())))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(withLength.statusCode()).isEqualTo(413);
    assertThat(error(withLength)).contains("over the limit of 4096 bytes");
    assertThat(chunked.statusCode()).isEqualTo(413);
  }

  @Test
  void predict_chunkedBodyWithinLimit_readAcrossChunks() throws Exception {
    // Many small instances in a body streamed without Content-Length.
    String body = "{\"instances\": [" + "[1,2],".repeat(300) + "[3,4]]}";
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(uri("/v1/models/house:predict"))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(body.getBytes())))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode predictions = json(response).get("predictions");
    assertThat(predictions).hasSize(301);
    assertThat(predictions.get(300).asDouble()).isEqualTo(7.0);
  }

  @Test
  void predict_notJson_415() throws Exception {
    HttpResponse<String> response =
        post("/v1/models/iris:predict", "{\"instances\": [[1,2,3,4]]}", "text/plain");

    assertThat(response.statusCode()).isEqualTo(415);
    assertThat(error(response)).contains("must be application/json, not 'text/plain'");
    // The body was never read, so the connection ends, and the answer says so: a client must not
    // send its next request on it (it would die unanswered).
    assertThat(response.headers().firstValue("connection")).hasValue("close");
    assertThat(
            post(
                    "/v1/models/iris:predict",
                    "{\"instances\": [[1,2,3,4]]}",
                    "application/json; charset=utf-8")
                .statusCode())
        .isEqualTo(200);
  }

  @Test
  void beforeReady_modelRoutesAnd503_healthSaysWhy() throws Exception {
    health.ready = false;

    assertThat(post("/v1/models/iris:predict", "{\"instances\": [[1,2,3,4]]}").statusCode())
        .isEqualTo(503);
    assertThat(get("/v1/models/iris").statusCode()).isEqualTo(503);
    assertThat(get("/v1/models").statusCode()).isEqualTo(503);
    HttpResponse<String> ready = get("/health/ready");
    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(error(ready)).isEqualTo("reading model snapshots");
    assertThat(get("/health/live").statusCode()).isEqualTo(200);
    assertThat(get("/metrics").statusCode()).isEqualTo(200);
  }

  @Test
  void health_liveAndReady_200_notLive_503() throws Exception {
    assertThat(json(get("/health/ready")).get("status").asText()).isEqualTo("ready");
    assertThat(json(get("/health/live")).get("status").asText()).isEqualTo("live");

    health.live = false;

    assertThat(get("/health/live").statusCode()).isEqualTo(503);
  }

  @Test
  void getModel_statusAndMetadata() throws Exception {
    HttpResponse<String> response = get("/v1/models/iris");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue(ScorerHandler.VERSION_HEADER)).hasValue("7");
    JsonNode body = json(response);
    assertThat(body.get("name").asText()).isEqualTo("iris");
    assertThat(body.get("model_version").asLong()).isEqualTo(7);
    assertThat(body.at("/model_version_status/0/state").asText()).isEqualTo("AVAILABLE");
    assertThat(body.at("/metadata/examples").asLong()).isEqualTo(1000);
    assertThat(body.at("/metadata/latest_training_loss").asDouble()).isEqualTo(0.25);
    assertThat(body.at("/metadata/snapshot_created_at").asText()).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(body.at("/metadata/snapshot_age_seconds").asDouble()).isEqualTo(11.0);
    assertThat(body.at("/spec/inputs").asInt()).isEqualTo(4);
  }

  @Test
  void classNames_predictionsCarryTheName_metadataListsTheNames() throws Exception {
    OnlineLearner learner =
        OnlineLearner.create(
            SpecJson.parse(
                "{\"inputs\": 2, \"class_names\": [\"stay\", \"churned\", \"paused\"],"
                    + " \"batch_size\": 4}"));
    for (int i = 0; i < 40; i++) {
      learner.learn(new float[] {i % 3, -i % 5}, new float[] {i % 3});
    }
    byte[] snapshot = SnapshotCodec.encode(learner.state().withVersion(1), 1_000);
    models.swapIfNewer(new ModelLoader(models, clock).load("churn", snapshot, Instant.EPOCH));
    float[] probabilities =
        learner.predictor().predict(new float[] {1, -1, 2, 0}, 2); // the engine's own answer

    JsonNode body = json(post("/v1/models/churn:predict", "{\"instances\": [[1, -1], [2, 0]]}"));

    List<String> names = List.of("stay", "churned", "paused");
    for (int row = 0; row < 2; row++) {
      JsonNode prediction = body.at("/predictions/" + row);
      int best = 0;
      for (int k = 0; k < 3; k++) {
        assertThat((float) prediction.at("/probabilities/" + k).asDouble())
            .as("row %d class %d, in class order", row, k)
            .isEqualTo(probabilities[row * 3 + k]);
        best = probabilities[row * 3 + k] > probabilities[row * 3 + best] ? k : best;
      }
      assertThat(prediction.get("class").isTextual()).isTrue();
      assertThat(prediction.get("class").asText()).isEqualTo(names.get(best));
    }
    JsonNode metadata = json(get("/v1/models/churn")).get("metadata");
    assertThat(metadata.get("class_names").toString())
        .isEqualTo("[\"stay\",\"churned\",\"paused\"]");
    assertThat(json(get("/v1/models/iris")).get("metadata").has("class_names"))
        .as("no names declared, no class_names")
        .isFalse();
  }

  @Test
  void getModel_trainedByTheEngine_showsItsLatestTrainingLoss() throws Exception {
    OnlineLearner learner = OnlineLearner.create(SpecJson.parse("{\"inputs\": 2, \"classes\": 2}"));
    for (int i = 0; i < 24; i++) {
      learner.learn(new float[] {i % 3, -i}, new float[] {i % 2});
    }
    byte[] snapshot = SnapshotCodec.encode(learner.state().withVersion(1), 1_000);
    models.swapIfNewer(new ModelLoader(models, clock).load("trained", snapshot, Instant.EPOCH));

    JsonNode loss = json(get("/v1/models/trained")).at("/metadata/latest_training_loss");

    assertThat(loss.isNumber()).as("latest_training_loss is %s", loss).isTrue();
    assertThat(loss.asDouble()).isEqualTo(learner.prequentialLoss()).isFinite().isPositive();
  }

  @Test
  void getModel_unknown_404() throws Exception {
    HttpResponse<String> response = get("/v1/models/nope");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(error(response)).contains("'nope' is not served");
  }

  @Test
  void listModels_allServedSortedByName() throws Exception {
    JsonNode body = json(get("/v1/models"));

    List<String> names = new ArrayList<>();
    body.get("models").forEach(model -> names.add(model.get("name").asText()));
    assertThat(names).hasSize(models.size()).isSorted().contains("house", "iris", "swap");
    assertThat(body.at("/models/1/model_version").asLong())
        .isEqualTo(models.get(names.get(1)).version());
  }

  @Test
  void listModels_pagesByName_withNextAfter_untilTheLastPage() throws Exception {
    List<String> all = new ArrayList<>();
    json(get("/v1/models")).get("models").forEach(m -> all.add(m.get("name").asText()));
    assertThat(all.size()).isGreaterThan(2);

    List<String> paged = new ArrayList<>();
    String after = null;
    int pages = 0;
    do {
      JsonNode page = json(get("/v1/models?limit=2" + (after == null ? "" : "&after=" + after)));
      assertThat(page.get("models").size()).isBetween(1, 2);
      page.get("models").forEach(m -> paged.add(m.get("name").asText()));
      after = page.has("next_after") ? page.get("next_after").asText() : null;
      pages++;
    } while (after != null);

    assertThat(paged).isEqualTo(all);
    assertThat(pages).isEqualTo((all.size() + 1) / 2);
    assertThat(json(get("/v1/models")).has("next_after")).as("all fit one page").isFalse();
  }

  @Test
  void listModels_badLimit_400NamesTheValue() throws Exception {
    for (String bad : List.of("0", "-3", "ten", "10001")) {
      HttpResponse<String> response = get("/v1/models?limit=" + bad);
      assertThat(response.statusCode()).isEqualTo(400);
      assertThat(error(response)).contains("'limit'").contains("'" + bad + "'");
    }
  }

  @Test
  void unknownRoutesAndVerbs_404() throws Exception {
    assertThat(error(get("/v2/models"))).contains("no route for GET /v2/models");
    assertThat(post("/v1/models/iris:classify", "{}").statusCode()).isEqualTo(404);
    assertThat(get("/v1/models/iris/versions/7").statusCode()).isEqualTo(404);
  }

  @Test
  void metrics_countsOutcomesAndLatencyHistogram() throws Exception {
    models.swapIfNewer(
        TestModels.model("metered", 1, TestModels.iris(1).spec(), TestModels.iris(1).inference()));
    post("/v1/models/metered:predict", "{\"instances\": [[1,2,3,4],[1,2,3,4]]}");
    post("/v1/models/metered:predict", "{\"instances\": [[1]]}");

    HttpResponse<String> response = get("/metrics");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type").orElseThrow())
        .startsWith("text/plain");
    assertThat(response.body())
        .contains("streamprop_predictions_total{model=\"metered\",outcome=\"ok\"} 1.0")
        .contains("streamprop_predictions_total{model=\"metered\",outcome=\"bad_request\"} 1.0")
        .contains("streamprop_predicted_instances_total{model=\"metered\"} 2.0")
        .contains(
            "streamprop_prediction_latency_seconds_bucket{model=\"metered\","
                + "route=\"/v1/models/{model}:predict\",le=\"+Inf\"} 1")
        .contains("jvm_memory_used_bytes");
  }
}
