package io.streamprop.scorer.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamprop.learn.OnlineLearner;
import io.streamprop.learn.Predictor;
import io.streamprop.learn.population.PopulationLearner;
import io.streamprop.learn.population.PopulationPlan;
import io.streamprop.learn.population.ServedModel;
import io.streamprop.learn.population.Standing;
import io.streamprop.learn.state.ModelState;
import io.streamprop.scorer.metrics.ScorerMetrics;
import io.streamprop.scorer.registry.ModelLoader;
import io.streamprop.scorer.registry.ModelRegistry;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import io.streamprop.wire.PopulationCodec;
import io.streamprop.wire.SnapshotCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A population's snapshot served end to end: the loader serves its leader exactly as a single
 * learner, and {@code GET /v1/models/{m}} says which member it is and why.
 */
class PopulationModelHttpTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Clock clock =
      Clock.fixed(Instant.parse("2026-01-01T00:00:11Z"), ZoneOffset.UTC);
  private static final ModelRegistry models = new ModelRegistry();
  private static final ScorerMetrics metrics = new ScorerMetrics(models, clock);
  private static final HttpClient client = HttpClient.newHttpClient();

  /** Short rungs, so that members are replaced and the leader switches within 400 examples. */
  private static final PopulationPlan FAST =
      new PopulationPlan(List.of(0.1, 0.3, 1.0, 3.0), List.of(1, 2), 40, 48, 0.0, 2, 0.01, 10);

  /** FAST with a warm-up of 40 examples and a 100-example weight average per member. */
  private static final PopulationPlan AVERAGED =
      new PopulationPlan(
          List.of(0.1, 0.3, 1.0, 3.0), List.of(1, 2), 40, 48, 0.0, 2, 0.01, 10, 40, 0, 100);

  /** A single learner on the signed log scale, served on its own ({@code input_transform}). */
  private static OnlineLearner symlog;

  private static PopulationLearner population;
  private static PopulationLearner averaged; // serves a member's weight average
  private static PopulationLearner linear; // the standard plan, led by a linear member
  private static ScorerHttpServer server;

  static float[] row(int i) {
    return new float[] {i % 7, -(i % 5), (i * 3) % 11 / 4f};
  }

  @BeforeAll
  static void start() throws Exception {
    population =
        PopulationLearner.create(
            SpecJson.parse("{\"inputs\": 3, \"classes\": 2, \"hidden\": [4], \"batch_size\": 4}"),
            FAST);
    for (int i = 0; i < 403; i++) {
      float[] x = row(i);
      population.learn(x, new float[] {x[0] + x[1] > 1 ? 1 : 0});
    }
    byte[] bytes = PopulationCodec.encode(population.state(), 5, 1_767_225_600_000L, null);
    ModelLoader loader = new ModelLoader(models, clock);
    models.swapIfNewer(loader.load("pop", bytes, clock.instant()));
    averaged =
        PopulationLearner.create(
            SpecJson.parse("{\"inputs\": 3, \"classes\": 2, \"hidden\": [4], \"batch_size\": 4}"),
            AVERAGED);
    // Until the average served is of a member that does not lead the members' race.
    for (int i = 0;
        i < 100 || !averaged.averageServed() || averaged.served().member() == averaged.leader();
        i++) {
      float[] x = {(i * 37) % 101 / 50f - 1, (i * 53) % 97 / 48f - 1, (i * 71) % 89 / 44f - 1};
      boolean noise = (i * 29) % 13 == 0; // a noisy label now and then: averages do better
      averaged.learn(x, new float[] {x[0] + x[1] > 0 ^ noise ? 1 : 0});
      assertThat(i).as("examples before an average is served").isLessThan(4000);
    }
    byte[] averagedBytes = PopulationCodec.encode(averaged.state(), 3, 1_767_225_600_000L, null);
    models.swapIfNewer(loader.load("avg", averagedBytes, clock.instant()));
    linear =
        PopulationLearner.create(
            SpecJson.parse("{\"inputs\": 3, \"classes\": 2, \"hidden\": [4], \"batch_size\": 4}"));
    for (int i = 0; i < 20 || !linear.leaderLearner().spec().hidden().isEmpty(); i++) {
      float[] x = row(i);
      linear.learn(x, new float[] {x[0] + x[1] > 1 ? 1 : 0});
      assertThat(i).as("examples before a linear member leads").isLessThan(1000);
    }
    models.swapIfNewer(
        loader.load(
            "lin",
            PopulationCodec.encode(linear.state(), 7, 1_767_225_600_000L, null),
            clock.instant()));
    symlog =
        OnlineLearner.create(
            SpecJson.parse(
                "{\"inputs\": 3, \"classes\": 2, \"hidden\": [4], \"batch_size\": 4,"
                    + " \"learner\": \"single\", \"input_transform\": \"symlog\"}"));
    for (int i = 0; i < 200; i++) {
      float[] x = {(float) Math.pow(10, i % 7) * (i % 3 - 1), i % 5, (i * 7919) % 1000 / 3f};
      symlog.learn(x, new float[] {x[0] > 0 ? 1 : 0});
    }
    models.swapIfNewer(
        loader.load("sym", SnapshotCodec.encode(symlog.state(), 1), clock.instant()));
    server =
        new ScorerHttpServer(
            "127.0.0.1",
            0,
            4,
            new ScorerHandler(models, metrics, new ScorerHandlerTest.TestHealth(), 1 << 20, clock));
    server.start();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
    metrics.close();
  }

  @Test
  void loadedPopulation_predictsBitForBitAsItsLeaderRestoredAsOneLearner() {
    var served = models.get("pop");
    OnlineLearner leader = OnlineLearner.restore(population.served().model());
    float[] x = new float[3 * 20];
    for (int i = 0; i < 20; i++) {
      System.arraycopy(row(1000 + i * 13), 0, x, 3 * i, 3);
    }

    assertThat(population.switches()).isPositive();
    assertThat(population.replacements()).isPositive();
    assertThat(served.version()).isEqualTo(5);
    assertThat(served.spec()).isEqualTo(population.served().model().spec());
    assertSameBits(served.inference().predict(x, 20), leader.predictor().predict(x, 20));
  }

  @Test
  void symlogModel_overHttp_answersItsNetworkOnTheTransformedInputs_bitForBit() throws Exception {
    float[][] rows = {{123456.7f, 3f, -0.25f}, {-1e9f, 0f, 4095f}, {0f, -7f, 1e-30f}};
    StringBuilder body = new StringBuilder("{\"instances\": [");
    float[] x = new float[9];
    for (int r = 0; r < rows.length; r++) {
      body.append(r == 0 ? "" : ", ").append(java.util.Arrays.toString(rows[r]));
      System.arraycopy(rows[r], 0, x, 3 * r, 3);
    }
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/v1/models/sym:predict"))
                .POST(HttpRequest.BodyPublishers.ofString(body.append("]}").toString()))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    // The same network and statistics with inputs as they are, fed symlog(x) by the definition.
    float[] transformed = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      transformed[i] = (float) Math.copySign(StrictMath.log1p(Math.abs((double) x[i])), x[i]);
    }
    ModelState state = symlog.state();
    ModelSpec none = state.spec().withInputTransform(ModelSpec.InputTransform.NONE);
    float[] want = Predictor.of(state.withSpec(none)).predict(transformed, 3);
    JsonNode predictions = JSON.readTree(response.body()).get("predictions");
    float[] got = new float[6];
    for (int r = 0; r < 3; r++) {
      for (int c = 0; c < 2; c++) {
        got[2 * r + c] = predictions.get(r).get("probabilities").get(c).floatValue();
      }
    }
    assertSameBits(got, want);
    assertThat(JSON.readTree(getModel("sym").body()).at("/spec/input_transform").asText())
        .isEqualTo("symlog");
  }

  private static void assertSameBits(float[] got, float[] want) {
    for (int i = 0; i < want.length; i++) {
      assertThat(Float.floatToRawIntBits(got[i]))
          .as("output %d", i)
          .isEqualTo(Float.floatToRawIntBits(want[i]));
    }
  }

  private HttpResponse<String> getModel(String name) throws Exception {
    return client.send(
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/v1/models/" + name))
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void modelMetadata_namesTheServedMember_itsRateWidthsAndReason_andTheStandings()
      throws Exception {
    HttpResponse<String> response = getModel("pop");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode body = JSON.readTree(response.body());
    ServedModel served = population.served();
    Standing lead = served.standings().get(served.member());
    JsonNode pop = body.at("/metadata/population");
    assertThat(body.get("model_version").asLong()).isEqualTo(5);
    assertThat(pop.get("member").asInt()).isEqualTo(population.leader());
    assertThat(pop.get("average").asBoolean()).isFalse();
    assertThat(pop.get("learning_rate").asDouble()).isEqualTo(lead.learningRate());
    assertThat(pop.get("hidden").get(0).asInt()).isEqualTo(lead.hidden().get(0));
    assertThat(pop.get("input_transform").asText())
        .isEqualTo(lead.inputTransform().name().toLowerCase(java.util.Locale.ROOT));
    assertThat(pop.get("reason").asText()).isEqualTo(served.reason());
    assertThat(pop.get("switches").asLong()).isEqualTo(population.switches());
    assertThat(pop.get("replacements").asLong()).isEqualTo(population.replacements());
    assertThat(pop.get("drift_alarms").asLong()).isEqualTo(population.alarms());
    assertThat(pop.get("standings")).hasSize(population.size());
    for (Standing s : served.standings()) {
      JsonNode node = pop.get("standings").get(s.member());
      assertThat(node.get("member").asInt()).isEqualTo(s.member());
      assertThat(node.get("recent_loss").asDouble()).isEqualTo(s.recentLoss());
      assertThat(node.get("learning_rate").asDouble()).isEqualTo(s.learningRate());
      assertThat(node.get("steps").asLong()).isEqualTo(s.steps());
      assertThat(node.get("input_transform").asText())
          .isEqualTo(s.inputTransform().name().toLowerCase(java.util.Locale.ROOT));
      assertThat(node.get("leader").asBoolean()).isEqualTo(s.leader());
      assertThat(node.get("served").asBoolean()).isEqualTo(s.member() == served.member());
    }
    // The spec shown is the user's: the population's.
    assertThat(body.at("/spec/learner").asText()).isEqualTo("population");
    assertThat(body.at("/metadata/examples").asLong()).isEqualTo(403);
  }

  @Test
  void linearLeaderInTheWarmup_overHttp_answersAsTheLinearMember_andTheMetadataSaysSo()
      throws Exception {
    ServedModel served = linear.served();
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/v1/models/lin:predict"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"instances\": [[3, -1, 0.5]]}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    float[] want =
        OnlineLearner.restore(served.model()).predictor().predict(new float[] {3, -1, 0.5f}, 1);
    JsonNode probabilities = JSON.readTree(response.body()).at("/predictions/0/probabilities");
    assertSameBits(
        new float[] {probabilities.get(0).floatValue(), probabilities.get(1).floatValue()}, want);
    JsonNode pop = JSON.readTree(getModel("lin").body()).at("/metadata/population");
    assertThat(pop.get("hidden")).isEmpty();
    assertThat(pop.get("member").asInt()).isEqualTo(served.member()).isGreaterThanOrEqualTo(9);
    assertThat(pop.get("standings")).hasSize(12);
  }

  @Test
  void servedAverage_predictsAsTheAveragedNetwork_andTheMetadataSaysSo() throws Exception {
    ServedModel served = averaged.served();
    float[] x = new float[3 * 20];
    for (int i = 0; i < 20; i++) {
      System.arraycopy(row(2000 + i * 7), 0, x, 3 * i, 3);
    }
    float[] got = models.get("avg").inference().predict(x, 20);
    float[] want = OnlineLearner.restore(served.model()).predictor().predict(x, 20);
    float[] member =
        OnlineLearner.restore(averaged.state().members().get(served.member()).model())
            .predictor()
            .predict(x, 20);
    assertSameBits(got, want);
    assertThat(got).isNotEqualTo(member); // the average, not its member

    JsonNode pop = JSON.readTree(getModel("avg").body()).at("/metadata/population");
    assertThat(pop.get("average").asBoolean()).isTrue();
    assertThat(pop.get("member").asInt()).isEqualTo(served.member());
    assertThat(pop.get("reason").asText()).isEqualTo(served.reason()).startsWith("average of");
    // The average served is not the leader's: the standings mark each for what it is.
    assertThat(served.member()).isNotEqualTo(averaged.leader());
    for (JsonNode node : pop.get("standings")) {
      int i = node.get("member").asInt();
      assertThat(node.get("served").asBoolean()).as("member %d", i).isEqualTo(i == served.member());
      assertThat(node.get("leader").asBoolean())
          .as("member %d", i)
          .isEqualTo(i == averaged.leader());
    }
  }
}
