package io.streamprop.scorer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamprop.config.ConfigSources;
import io.streamprop.config.ScorerKeys;
import io.streamprop.config.Topics;
import io.streamprop.config.TrainerKeys;
import io.streamprop.local.LocalKafka;
import io.streamprop.scorer.config.ScorerConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The prediction log on a real broker: the scorer creates the topic with the configured partitions,
 * and every prediction answered under concurrent requests is on it once, under its id, in the
 * partition of the default partitioner, with the features as sent and the prediction as answered.
 */
class PredictionLogIT {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static LocalKafka kafka;
  private static String snapshots;

  @BeforeAll
  static void startBroker() throws Exception {
    kafka = LocalKafka.builder().start();
    snapshots = ItKafka.publishModelM(kafka.bootstrapServers());
  }

  @AfterAll
  static void stopBroker() {
    kafka.close();
  }

  private static Scorer scorer(String mode, String predictions) throws Exception {
    Map<String, String> props = new HashMap<>();
    props.put("bootstrap.servers", kafka.bootstrapServers());
    props.put(ScorerKeys.HTTP_PORT, "0");
    props.put(ScorerKeys.HTTP_HOST, "127.0.0.1");
    props.put(Topics.SNAPSHOTS, snapshots);
    props.put(ScorerKeys.SERVING_LOSS_ENABLED, "false");
    props.put(Topics.PREDICTIONS, predictions);
    props.put(ScorerKeys.PREDICTION_LOG_MODE, mode);
    props.put(TrainerKeys.TOPIC_PARTITIONS, "3");
    Scorer scorer = new Scorer(ScorerConfig.load(ConfigSources.of(props))).start();
    await().atMost(DEADLINE).until(() -> scorer.registry().get("m") != null);
    return scorer;
  }

  private static CompletableFuture<HttpResponse<String>> predict(Scorer scorer, String body) {
    return HTTP.sendAsync(
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + scorer.port() + "/v1/models/m:predict"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"acknowledged", "async"})
  void concurrentRequests_everyAnsweredPredictionLoggedOnce_asSentAndAnswered(String mode)
      throws Exception {
    String predictions = "predictions-" + mode + "-" + UUID.randomUUID().toString().substring(0, 8);
    Map<String, JsonNode> answered = new HashMap<>(); // id -> prediction
    Map<String, String> sent = new HashMap<>(); // id -> features as sent
    try (Scorer scorer = scorer(mode, predictions)) {
      List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
      List<List<String>> instances = new ArrayList<>();
      for (int request = 0; request < 60; request++) {
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          rows.add("[" + request + ", " + i + ".5, -1, 0.25]");
        }
        instances.add(rows);
        // every third request names its ids; the others get generated ones
        String ids =
            request % 3 == 0
                ? ", \"ids\": [\"r"
                    + request
                    + "-0\", \"r"
                    + request
                    + "-1\", \"r"
                    + request
                    + "-2\", \"r"
                    + request
                    + "-3\"]"
                : "";
        responses.add(
            predict(scorer, "{\"instances\": [" + String.join(", ", rows) + "]" + ids + "}"));
      }
      for (int request = 0; request < responses.size(); request++) {
        HttpResponse<String> response = responses.get(request).get();
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        for (int i = 0; i < 4; i++) {
          String id = body.get("ids").get(i).textValue();
          if (request % 3 == 0) {
            assertThat(id).isEqualTo("r" + request + "-" + i);
          }
          assertThat(answered.put(id, body.at("/predictions/" + i))).as("unique " + id).isNull();
          sent.put(id, instances.get(request).get(i));
        }
      }
    } // closing the scorer hands the async buffer to the broker
    List<ConsumerRecord<byte[], byte[]>> records =
        ItKafka.readAll(kafka.bootstrapServers(), predictions);
    assertThat(records).hasSize(answered.size());
    for (ConsumerRecord<byte[], byte[]> record : records) {
      String id = new String(record.key(), StandardCharsets.UTF_8);
      assertThat(answered).containsKey(id);
      assertThat(record.partition())
          .isEqualTo(Utils.toPositive(Utils.murmur2(record.key())) % 3); // co-partitioned by id
      String value = new String(record.value(), StandardCharsets.UTF_8);
      assertThat(value).contains(",\"features\":" + sent.get(id) + ",");
      JsonNode logged = JSON.readTree(value);
      assertThat(logged.get("id").textValue()).isEqualTo(id);
      assertThat(logged.get("model").textValue()).isEqualTo("m");
      assertThat(logged.get("version").longValue()).isEqualTo(3);
      assertThat(logged.get("time").longValue()).isEqualTo(record.timestamp());
      assertThat(logged.get("prediction")).isEqualTo(answered.get(id));
      assertThat(new String(record.headers().lastHeader("streamprop.model").value(), "UTF-8"))
          .isEqualTo("m");
    }
  }

  @Test
  void logModeOff_noTopicNoRecords_idsStillAnswered() throws Exception {
    String predictions = "predictions-off-" + UUID.randomUUID().toString().substring(0, 8);
    try (Scorer scorer = scorer("off", predictions)) {
      HttpResponse<String> response = predict(scorer, "{\"instances\": [[1, 2, 3, 4]]}").get();
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(response.body()).get("ids")).hasSize(1);
    }
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      assertThat(admin.listTopics().names().get()).doesNotContain(predictions);
    }
  }
}
