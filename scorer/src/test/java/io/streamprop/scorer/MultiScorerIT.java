package io.streamprop.scorer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamprop.config.ConfigSources;
import io.streamprop.config.ScorerKeys;
import io.streamprop.config.Topics;
import io.streamprop.learn.OnlineLearner;
import io.streamprop.learn.Predictor;
import io.streamprop.learn.state.ModelState;
import io.streamprop.local.LocalKafka;
import io.streamprop.scorer.config.ScorerConfig;
import io.streamprop.spec.SpecJson;
import io.streamprop.spec.SpecLimits;
import io.streamprop.wire.SnapshotCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two scorer instances on one broker, as behind an HTTP balancer: each serves every model with the
 * same predictions, bit for bit the offline predictor's, and a restarted instance is not ready
 * until it has read the topic up to the end offsets of its start.
 */
class MultiScorerIT {
  private static final Duration DEADLINE = Duration.ofSeconds(120);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String SPEC =
      "{\"inputs\": 8, \"classes\": 2, \"hidden\": [16], \"learner\": \"single\","
          + " \"optimizer\": {\"name\": \"adam\", \"learning_rate\": 0.01}, \"seed\": 3}";
  private static final int MODELS = 40;
  private static final String INSTANCE = "[0.5, -1, 2, 0, 1, 3, -2, 0.25]";

  @TempDir Path stores;
  private LocalKafka kafka;
  private KafkaProducer<byte[], byte[]> producer;
  private String topic;
  private final List<Scorer> scorers = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    kafka = LocalKafka.builder().start();
    Map<String, Object> props = new LinkedHashMap<>();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, SpecLimits.MAX_SNAPSHOT_RECORD_BYTES);
    producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    topic = "model-snapshots";
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(topic, 3, (short) 1).configs(Map.of("cleanup.policy", "compact"))))
          .all()
          .get();
    }
  }

  @AfterEach
  void stop() throws Exception {
    for (Scorer scorer : scorers) {
      scorer.close();
    }
    producer.close();
    kafka.close();
  }

  private Scorer startScorer() throws Exception {
    Map<String, String> props = new HashMap<>();
    props.put("bootstrap.servers", kafka.bootstrapServers());
    props.put(ScorerKeys.HTTP_PORT, "0");
    props.put(ScorerKeys.HTTP_HOST, "127.0.0.1");
    props.put(Topics.SNAPSHOTS, topic);
    props.put(ScorerKeys.SERVING_LOSS_ENABLED, "false");
    props.put(ScorerKeys.PREDICTION_LOG_MODE, "off");
    props.put(ScorerKeys.STORE_DIR, stores.toString()); // shared by both instances
    props.put(ScorerKeys.MODELS_CACHE_MB, "1");
    Scorer scorer = new Scorer(ScorerConfig.load(ConfigSources.of(props))).start();
    scorers.add(scorer);
    return scorer;
  }

  private static ModelState trained(int model, long version) {
    OnlineLearner learner = OnlineLearner.create(SpecJson.parse(SPEC));
    for (int i = 0; i < 16 + (int) version; i++) {
      float[] x = new float[8];
      for (int j = 0; j < 8; j++) {
        x[j] = (float) StrictMath.sin(model * 131 + i * 17 + j);
      }
      learner.learn(x, new float[] {(model + i) % 2});
    }
    return learner.state().withVersion(version);
  }

  /** Publishes versions 1..last of every model, interleaved; returns the last states. */
  private List<ModelState> publishVersions(long first, long last) throws Exception {
    List<ModelState> latest = new ArrayList<>();
    List<Future<?>> sent = new ArrayList<>();
    for (long version = first; version <= last; version++) {
      for (int model = 0; model < MODELS; model++) {
        ModelState state = trained(model, version);
        sent.add(
            producer.send(
                new ProducerRecord<>(
                    topic,
                    ("m" + model).getBytes(StandardCharsets.UTF_8),
                    SnapshotCodec.encode(state))));
        if (version == last) {
          latest.add(state);
        }
      }
    }
    for (Future<?> future : sent) {
      future.get();
    }
    return latest;
  }

  private static HttpResponse<String> get(Scorer scorer, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + scorer.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode predict(Scorer scorer, String model) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:" + scorer.port() + "/v1/models/" + model + ":predict"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"instances\": [" + INSTANCE + "]}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static void awaitReady(Scorer scorer) {
    await("ready")
        .atMost(DEADLINE)
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(5))
        .until(() -> get(scorer, "/health/ready").statusCode() == 200);
  }

  /** Every model served at its latest version with the offline predictor's outputs, bit for bit. */
  private static void assertServesEveryModel(Scorer scorer, List<ModelState> latest)
      throws Exception {
    float[] x = {0.5f, -1, 2, 0, 1, 3, -2, 0.25f};
    for (int model = 0; model < MODELS; model++) {
      JsonNode body = predict(scorer, "m" + model);
      ModelState state = latest.get(model);
      assertThat(body.get("model_version").asLong()).as("m%d", model).isEqualTo(state.version());
      float[] expected = Predictor.of(state).predict(x, 1);
      JsonNode probabilities = body.at("/predictions/0/probabilities");
      for (int k = 0; k < 2; k++) {
        assertThat(Float.parseFloat(probabilities.get(k).asText()))
            .as("m%d class %d", model, k)
            .isEqualTo(expected[k]);
      }
    }
  }

  @Test
  void twoInstances_serveEveryModelAlike_restartedOneReadyOnlyOnceCaughtUp() throws Exception {
    List<ModelState> latest = publishVersions(1, 5);
    Scorer first = startScorer();
    Scorer second = startScorer();
    awaitReady(first);
    awaitReady(second);

    assertServesEveryModel(first, latest);
    assertServesEveryModel(second, latest);
    for (int model = 0; model < MODELS; model++) {
      assertThat(predict(first, "m" + model).get("predictions"))
          .isEqualTo(predict(second, "m" + model).get("predictions"));
    }

    // The second instance stops; the topic moves on; it comes back with nothing in memory.
    second.close();
    scorers.remove(second);
    latest = publishVersions(6, 60);
    Scorer restarted = startScorer();
    AtomicBoolean sawNotReady = new AtomicBoolean();
    await("the restarted instance is ready")
        .atMost(DEADLINE)
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(5))
        .until(
            () -> {
              boolean ready = get(restarted, "/health/ready").statusCode() == 200;
              sawNotReady.compareAndSet(false, !ready);
              return ready;
            });
    // Ready means caught up: every model at its latest version, before the first request.
    assertThat(sawNotReady.get()).as("answered 503 before it caught up").isTrue();
    for (int model = 0; model < MODELS; model++) {
      assertThat(restarted.registry().servedVersion("m" + model)).isEqualTo(60);
    }
    assertServesEveryModel(restarted, latest);
    awaitReady(first);
    await("the first instance serves version 60")
        .atMost(DEADLINE)
        .until(() -> first.registry().servedVersion("m" + (MODELS - 1)) == 60);
    assertServesEveryModel(first, latest);
  }
}
