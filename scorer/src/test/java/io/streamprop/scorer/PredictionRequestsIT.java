package io.streamprop.scorer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamprop.config.ConfigSources;
import io.streamprop.config.ScorerKeys;
import io.streamprop.config.Topics;
import io.streamprop.config.TrainerKeys;
import io.streamprop.local.LocalKafka;
import io.streamprop.scorer.config.ScorerConfig;
import io.streamprop.scorer.requests.PredictionRequests;
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
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Kafka-native scoring on a real broker: predict bodies produced by kcat (a client nobody here
 * wrote) to the prediction requests topic are answered on the predictions topic once per instance,
 * with the same bytes as the prediction log records of the same bodies sent over HTTP (same served
 * version), across a restart of the scorer; bad requests are dead-lettered with the HTTP route's
 * messages.
 */
class PredictionRequestsIT {
  private static final Duration DEADLINE = Duration.ofSeconds(120);
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

  private static Scorer scorer(String suffix) throws Exception {
    Map<String, String> props = new HashMap<>();
    props.put("bootstrap.servers", kafka.bootstrapServers());
    props.put(ScorerKeys.HTTP_PORT, "0");
    props.put(ScorerKeys.HTTP_HOST, "127.0.0.1");
    props.put(Topics.SNAPSHOTS, snapshots);
    props.put(ScorerKeys.SERVING_LOSS_ENABLED, "false");
    props.put(Topics.PREDICTIONS, "predictions-" + suffix);
    props.put(Topics.PREDICTION_REQUESTS, "prediction-requests-" + suffix);
    props.put(Topics.DEAD_LETTERS, "dead-letters-" + suffix);
    props.put(ScorerKeys.PREDICTION_REQUESTS_ENABLED, "true");
    props.put(ScorerKeys.PREDICTION_REQUESTS_GROUP, "scorers-" + suffix);
    props.put(TrainerKeys.TOPIC_PARTITIONS, "3");
    Scorer scorer = new Scorer(ScorerConfig.load(ConfigSources.of(props))).start();
    await().atMost(DEADLINE).until(() -> scorer.registry().get("m") != null);
    return scorer;
  }

  @Test
  void requestsFromKcat_answeredOncePerInstance_sameBytesAsHttp_badOnesDeadLettered()
      throws Exception {
    ItKafka.assumeKcat();
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic("dead-letters-" + suffix, 1, (short) 1))).all().get();
    }
    int requests = 40;
    int perRequest = 3;
    List<String> kafkaLines = new ArrayList<>();
    Map<String, String> httpErrors = new HashMap<>(); // dead letter's id -> HTTP route's message
    try (Scorer scorer = scorer(suffix)) {
      for (int r = 0; r < requests; r++) {
        List<String> rows = new ArrayList<>();
        List<String> kafkaIds = new ArrayList<>();
        List<String> httpIds = new ArrayList<>();
        for (int i = 0; i < perRequest; i++) {
          rows.add("[" + r + ", " + i + ".5, -1e-3, 0.25]");
          kafkaIds.add("\"k-" + r + "-" + i + "\"");
          httpIds.add("\"h-" + r + "-" + i + "\"");
        }
        String instances = "{\"instances\": [" + String.join(", ", rows) + "], \"ids\": [";
        kafkaLines.add("m\t" + instances + String.join(", ", kafkaIds) + "]}");
        HttpResponse<String> answer =
            predict(scorer, "m", instances + String.join(", ", httpIds) + "]}");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
      }
      String wrongWidth = "{\"instances\": [[1, 2, 3]], \"ids\": [\"bad-width\"]}";
      String notJson = "{\"instances\": [[1, 2, 3, 4]], \"ids\": [\"bad-json\"]";
      String unknown = "{\"instances\": [[1, 2, 3, 4]], \"ids\": [\"bad-model\"]}";
      httpErrors.put("bad-width", error(predict(scorer, "m", wrongWidth)));
      httpErrors.put("bad-json", error(predict(scorer, "m", notJson)));
      httpErrors.put("bad-model", error(predict(scorer, "zz", unknown)));
      // Half of the requests before a restart of the scorer, half after: each answered once.
      ItKafka.kcat(
          kafka.bootstrapServers(),
          "prediction-requests-" + suffix,
          String.join("\n", kafkaLines.subList(0, 20)) + "\n");
      ItKafka.kcat(
          kafka.bootstrapServers(),
          "prediction-requests-" + suffix,
          "m\t"
              + wrongWidth
              + "\nm\t"
              + notJson
              + "\nzz\t"
              + unknown
              + "\n"
              + "m\t{\"instances\": [[1, 2, 3, 4]]}\n");
      await().atMost(DEADLINE).until(() -> kafkaAnswers(suffix).size() == 20 * perRequest);
    }
    try (Scorer scorer = scorer(suffix)) {
      ItKafka.kcat(
          kafka.bootstrapServers(),
          "prediction-requests-" + suffix,
          String.join("\n", kafkaLines.subList(20, 40)) + "\n");
      await().atMost(DEADLINE).until(() -> kafkaAnswers(suffix).size() >= requests * perRequest);
    }

    List<ConsumerRecord<byte[], byte[]>> all =
        ItKafka.readAll(kafka.bootstrapServers(), "predictions-" + suffix);
    Map<String, String> http = new HashMap<>();
    Map<String, String> kafkaAnswered = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> record : all) {
      String id = new String(record.key(), StandardCharsets.UTF_8);
      String value = new String(record.value(), StandardCharsets.UTF_8);
      assertThat(record.partition()).isEqualTo(Utils.toPositive(Utils.murmur2(record.key())) % 3);
      assertThat(JSON.readTree(value).get("time").longValue()).isEqualTo(record.timestamp());
      Map<String, String> into = id.startsWith("k-") ? kafkaAnswered : http;
      assertThat(into.put(id, withoutTime(value))).as("answered once: " + id).isNull();
    }
    assertThat(kafkaAnswered).hasSize(requests * perRequest);
    assertThat(http).hasSize(requests * perRequest);
    for (Map.Entry<String, String> answered : kafkaAnswered.entrySet()) {
      String httpId = "h-" + answered.getKey().substring(2);
      assertThat(answered.getValue().replace("\"" + answered.getKey() + "\"", "\"" + httpId + "\""))
          .as(answered.getKey())
          .isEqualTo(http.get(httpId));
      assertThat(answered.getValue()).contains("\"version\":3,");
    }

    List<ConsumerRecord<byte[], byte[]>> letters =
        ItKafka.readAll(kafka.bootstrapServers(), "dead-letters-" + suffix);
    Map<String, String> reasons = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> letter : letters) {
      String value = new String(letter.value(), StandardCharsets.UTF_8);
      String reason = header(letter, "streamprop.reason");
      String error = header(letter, "streamprop.error");
      assertThat(header(letter, "streamprop.source.topic"))
          .isEqualTo("prediction-requests-" + suffix);
      String id = value.contains("bad-") ? value.replaceAll(".*\"(bad-[a-z]+)\".*", "$1") : "none";
      reasons.put(id, reason);
      if (httpErrors.containsKey(id)) {
        assertThat(error).as(id).isEqualTo(httpErrors.get(id));
      } else {
        assertThat(error).startsWith("'ids' is missing");
      }
    }
    assertThat(reasons)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "bad-width", "bad_request",
                "bad-json", "bad_request",
                "bad-model", "unknown_model",
                "none", "bad_request"));
  }

  /**
   * Started before the dead-letters topic exists, the request loop says so, answers nothing and
   * does not create the topic (the broker would, with its defaults, on a producer's first send);
   * once the topic is created, the waiting requests are answered and the bad one dead-lettered.
   */
  @Test
  void deadLettersTopicMissing_requestsWait_thenAnsweredOnceItIsCreated() throws Exception {
    ItKafka.assumeKcat();
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String deadLetters = "dead-letters-" + suffix;
    String missing =
        "topic '"
            + deadLetters
            + "' does not exist (streamprop.topic.dead.letters); prediction requests are not"
            + " answered until it does";
    Logger logger = (Logger) LoggerFactory.getLogger(PredictionRequests.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    try (Scorer scorer = scorer(suffix);
        Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      await("the missing-topic line")
          .atMost(DEADLINE)
          .until(() -> messages(appender).contains(missing));
      ItKafka.kcat(
          kafka.bootstrapServers(),
          "prediction-requests-" + suffix,
          "m\t{\"instances\": [[1, 2, 3, 4]], \"ids\": [\"w-1\"]}\n"
              + "m\t{\"instances\": [[1, 2, 3, 4]]}\n");
      await("the dead-letters topic stays missing")
          .during(Duration.ofSeconds(3))
          .atMost(Duration.ofSeconds(30))
          .until(() -> !admin.listTopics().names().get().contains(deadLetters));

      admin.createTopics(List.of(new NewTopic(deadLetters, 1, (short) 1))).all().get();
      await("the bad request dead-lettered")
          .atMost(DEADLINE)
          .until(() -> ItKafka.readAll(kafka.bootstrapServers(), deadLetters).size() == 1);
      ConsumerRecord<byte[], byte[]> letter =
          ItKafka.readAll(kafka.bootstrapServers(), deadLetters).get(0);
      assertThat(header(letter, "streamprop.reason")).isEqualTo("bad_request");
      await("the good request answered")
          .atMost(DEADLINE)
          .until(
              () -> !ItKafka.readAll(kafka.bootstrapServers(), "predictions-" + suffix).isEmpty());
      List<ConsumerRecord<byte[], byte[]>> answers =
          ItKafka.readAll(kafka.bootstrapServers(), "predictions-" + suffix);
      assertThat(answers).hasSize(1);
      assertThat(new String(answers.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("w-1");
      assertThat(messages(appender)).contains("topic '" + deadLetters + "' now exists");
    } finally {
      logger.detachAppender(appender);
    }
  }

  private static List<String> messages(ListAppender<ILoggingEvent> appender) {
    synchronized (appender) {
      return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
  }

  private static String withoutTime(String value) {
    return value.replaceFirst(",\"time\":[0-9]+,", ",");
  }

  private static List<ConsumerRecord<byte[], byte[]>> kafkaAnswers(String suffix) {
    List<ConsumerRecord<byte[], byte[]>> answers = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> record :
        ItKafka.readAll(kafka.bootstrapServers(), "predictions-" + suffix)) {
      if (new String(record.key(), StandardCharsets.UTF_8).startsWith("k-")) {
        answers.add(record);
      }
    }
    return answers;
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }

  private static String error(HttpResponse<String> response) throws Exception {
    assertThat(response.statusCode()).isBetween(400, 499);
    return JSON.readTree(response.body()).get("error").textValue();
  }

  private static HttpResponse<String> predict(Scorer scorer, String model, String body)
      throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(
                URI.create(
                    "http://127.0.0.1:" + scorer.port() + "/v1/models/" + model + ":predict"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
