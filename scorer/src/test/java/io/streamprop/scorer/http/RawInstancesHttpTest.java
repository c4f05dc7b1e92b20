package io.streamprop.scorer.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamprop.features.FeatureRow;
import io.streamprop.nn.SplitMix64;
import io.streamprop.scorer.metrics.ScorerMetrics;
import io.streamprop.scorer.registry.ModelRegistry;
import io.streamprop.spec.SpecJson;
import io.streamprop.wire.Example;
import io.streamprop.wire.ExampleParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Predict with instances of raw features, over real HTTP on a random port. */
class RawInstancesHttpTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ModelRegistry models = new ModelRegistry();
  private static final Clock clock =
      Clock.fixed(Instant.parse("2026-01-01T00:00:11Z"), ZoneOffset.UTC);
  private static final ScorerMetrics metrics = new ScorerMetrics(models, clock);
  private static final AtomicReference<FeatureRow[]> seen = new AtomicReference<>();
  private static final HttpClient client = HttpClient.newHttpClient();
  private static ScorerHttpServer server;

  @BeforeAll
  static void start() throws Exception {
    models.swapIfNewer(TestModels.churn(5, seen));
    models.swapIfNewer(TestModels.iris(7));
    Health ready =
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
    server =
        new ScorerHttpServer(
            "127.0.0.1", 0, 16, new ScorerHandler(models, metrics, ready, 1 << 20, clock));
    server.start();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
    metrics.close();
  }

  private static HttpResponse<String> predict(String model, String body) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(
                    "http://127.0.0.1:" + server.port() + "/v1/models/" + model + ":predict"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static String error(HttpResponse<String> response) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.get("model_version").asLong()).isEqualTo(5);
    return body.get("error").asText();
  }

  /** The rows the trainer's parser makes of the same instances as examples' features. */
  private static FeatureRow trained(String instance) {
    Example e =
        new ExampleParser(SpecJson.parse(TestModels.CHURN_SPEC))
            .parse(
                ("{\"features\": " + instance + ", \"label\": 0}")
                    .getBytes(StandardCharsets.UTF_8));
    return new FeatureRow(e.features(), e.ids());
  }

  @Test
  void rawInstances_featurizedAsInTraining_predictionsCarryClassNames() throws Exception {
    List<String> instances =
        List.of(
            "{\"amount\": 12.5, \"country\": \"ID\", \"device\": \"android\", \"is_new\": true,"
                + " \"query\": \"Red running shoes\"}",
            "{\"amount\": null, \"country\": \"never seen\", \"is_new\": \"no\","
                + " \"query\": [\"cancel\", \"my\", \"order\"]}",
            "{}",
            "{\"amount\": 1.000000059604644775390625000001, \"country\": 7.50, \"device\": \"\","
                + " \"is_new\": 1, \"query\": null}");

    HttpResponse<String> response =
        predict("churn", "{\"instances\": [" + String.join(", ", instances) + "]}");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue(ScorerHandler.VERSION_HEADER)).hasValue("5");
    JsonNode predictions = JSON.readTree(response.body()).get("predictions");
    assertThat(predictions).hasSize(4);
    assertThat(predictions.get(0).get("class").asText()).isEqualTo("churned");
    assertThat(predictions.get(0).get("probabilities").toString()).isEqualTo("[0.25,0.75]");
    assertThat(predictions.get(1).get("class").asText()).isEqualTo("stay");
    assertThat(predictions.get(2).get("class").asText()).isEqualTo("stay");
    assertThat(predictions.get(3).get("class").asText()).isEqualTo("churned");
    FeatureRow[] rows = seen.get();
    for (int i = 0; i < instances.size(); i++) {
      FeatureRow want = trained(instances.get(i));
      assertThat(rows[i].dense())
          .as(instances.get(i))
          .usingElementComparator(Float::compare)
          .containsExactly(want.dense());
      assertThat(rows[i].ids()).as(instances.get(i)).isDeepEqualTo(want.ids());
    }
    assertThat(rows[3].dense()[0]).isEqualTo(Math.nextUp(1f)); // one rounding, as in training
  }

  @Test
  void vectorModelBesideIt_keepsItsVectorPath() throws Exception {
    HttpResponse<String> response = predict("iris", "{\"instances\": [[0.1, 0.7, 0.2, 9]]}");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(response.body()).get("predictions").get(0).get("class").asInt())
        .isEqualTo(1);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          {"instances": [{}, {"amount": "12.5"}]}             | instance 1, features.amount: must be a number (numeric feature), got "12.5"
          {"instances": [{"amount": {"x": 1}}]}               | instance 0, features.amount: must be a number (numeric feature), got {"x":1}
          {"instances": [{"amount": 1e39}]}                   | instance 0, features.amount: must be a finite number (float32: |x| < 3.4e38), got 1E+39
          {"instances": [{"is_new": "maybe"}]}                | instance 0, features.is_new: must be true, false, 1, 0 or a boolean word (boolean feature), got "maybe"
          {"instances": [{"country": ["ID"]}]}                | instance 0, features.country: must be a string, a number or a boolean (categorical feature), got ["ID"]
          {"instances": [{"country": "Democratic Republic"}]} | instance 0, features.country: categorical value of 19 characters, more than max_length 16, got "Democratic Republic"
          {"instances": [{"query": 42}]}                      | instance 0, features.query: must be a string or a list of strings (tokens feature), got 42
          {"instances": [{"query": "a b c d e f g h i"}]}     | instance 0, features.query: 9 tokens, more than max_tokens 8, got "a b c d e f g h i"
          {"instances": [{"referer": "x"}]}                   | instance 0, features.referer: not a feature of this model (its schema is closed)
          {"instances": [{}, {}, [1, 2, 3]]}                  | instance 2 must be an object of raw features by name, got a list; model 'churn' takes features amount, country, device, is_new, query
          {"instances": [{"amount": 1, "amount": 2}]}         | instance 0: a name is given twice
          {"instances": [{"amount": NaN}]}                    | bad JSON
          {"instances": []}                                   | 'instances' is empty
          {"instances": {"amount": 1}}                        | 'instances' must be a list of instances, got an object
          {"instances": [{}], "x": 1}                         | unknown field 'x'
          {}                                                  | missing field 'instances'
          """)
  void badRawInstance_400NamingTheInstanceFieldAndValue(String body, String message)
      throws Exception {
    assertThat(error(predict("churn", body))).contains(message);
  }

  @Test
  void tooManyInstances_400_beforeFeaturizingThem() throws Exception {
    int inputs = SpecJson.parse(TestModels.CHURN_SPEC).inputs();
    long max = RawInstances.MAX_INPUT_VALUES / inputs;
    String body = "{\"instances\": [" + "{},".repeat((int) max) + "{}]}";

    assertThat(error(predict("churn", body))).contains("too many instances in one request");
  }

  @Test
  void mangledRawBodies_neverA500() throws Exception {
    String valid =
        "{\"instances\": [{\"amount\": 12.5, \"country\": \"ID\", \"is_new\": true,"
            + " \"query\": [\"red\", \"shoes\"]}]}";
    String alphabet = "{}[]\",:0.-e truenlfa\\x";
    SplitMix64 random = new SplitMix64(5);
    for (int i = 0; i < 300; i++) {
      StringBuilder body = new StringBuilder(valid);
      for (int k = 0; k < 3; k++) {
        int at = (int) (random.nextDouble() * body.length());
        body.setCharAt(at, alphabet.charAt((int) (random.nextDouble() * alphabet.length())));
      }
      int status = predict("churn", body.toString()).statusCode();
      assertThat(status).as(body.toString()).isIn(200, 400);
    }
  }
}
