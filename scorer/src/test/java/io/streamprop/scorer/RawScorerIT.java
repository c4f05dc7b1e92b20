package io.streamprop.scorer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamprop.config.ConfigSources;
import io.streamprop.config.ScorerKeys;
import io.streamprop.config.Topics;
import io.streamprop.data.RawDataFile;
import io.streamprop.features.FeatureRow;
import io.streamprop.features.FeaturizedBatch;
import io.streamprop.features.Featurizer;
import io.streamprop.learn.OnlineLearner;
import io.streamprop.learn.Predictor;
import io.streamprop.learn.state.ModelState;
import io.streamprop.local.LocalKafka;
import io.streamprop.scorer.config.ScorerConfig;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import io.streamprop.spec.SpecLimits;
import io.streamprop.wire.SnapshotCodec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A model of raw features served against a real broker: trained offline on the Titanic rows of
 * {@code examples/data/raw}, published as a snapshot, asked over HTTP with raw instances (nulls,
 * absent keys, category values it never saw), and measured on labeled raw events that kcat, a
 * client nobody here wrote, produces to the examples topic.
 */
class RawScorerIT {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Path TITANIC = Path.of("../examples/data/raw/titanic.jsonl");

  static final String SPEC =
      "{\"features\": {\"sex\": \"categorical\", \"age\": \"numeric\","
          + " \"passengerClass\": \"categorical\"}, \"class_names\": [\"no\", \"yes\"],"
          + " \"hidden\": [8], \"batch_size\": 8, \"seed\": 3}";

  private static LocalKafka kafka;
  private static KafkaProducer<byte[], byte[]> producer;

  private Scorer scorer;

  @BeforeAll
  static void startBroker() {
    kafka = LocalKafka.builder().start();
    Map<String, Object> props = new HashMap<>();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, SpecLimits.MAX_SNAPSHOT_RECORD_BYTES);
    producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }

  @AfterAll
  static void stopBroker() {
    producer.close();
    kafka.close();
  }

  @AfterEach
  void stopScorer() throws Exception {
    if (scorer != null) {
      scorer.close();
    }
  }

  /** A featurized event, by the command line's path (the JSON-lines reader, the featurizer). */
  private static FeatureRow row(ModelSpec spec, String features) throws IOException {
    Featurizer featurizer = new Featurizer(spec.features());
    FeaturizedBatch batch = featurizer.newBatch(1);
    featurizer.add(RawDataFile.JSON.readTree(features), batch);
    return FeatureRow.of(batch, 0);
  }

  private static int label(ModelSpec spec, JsonNode event) {
    JsonNode label = event.get("label");
    return label.isTextual() ? spec.classNames().indexOf(label.textValue()) : label.intValue();
  }

  @Test
  void rawModel_servedWithOfflinePredictions_andMeasuredOnRawEventsFromKcat() throws Exception {
    ItKafka.assumeKcat();
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String snapshots = "model-snapshots-" + suffix;
    String examples = "examples-" + suffix;
    ItKafka.createTopics(
        kafka.bootstrapServers(),
        ItKafka.snapshotTopic(snapshots, 1),
        new NewTopic(examples, 1, (short) 1));
    ModelSpec spec = SpecJson.parse(SPEC);
    List<String> lines = Files.readAllLines(TITANIC);
    OnlineLearner learner = OnlineLearner.create(spec);
    for (String line : lines.subList(0, 1000)) {
      JsonNode event = RawDataFile.JSON.readTree(line);
      FeatureRow r = row(spec, event.get("features").toString());
      learner.learn(r.dense(), r.ids(), new float[] {label(spec, event)}, 1f);
    }
    ModelState state = learner.state().withVersion(1);
    producer.send(new ProducerRecord<>(snapshots, utf8("titanic"), SnapshotCodec.encode(state)));
    producer.flush();
    Predictor offline = Predictor.of(state);

    Map<String, String> props = new HashMap<>();
    props.put("bootstrap.servers", kafka.bootstrapServers());
    props.put(ScorerKeys.HTTP_PORT, "0");
    props.put(ScorerKeys.HTTP_HOST, "127.0.0.1");
    props.put(Topics.SNAPSHOTS, snapshots);
    props.put(Topics.EXAMPLES, examples);
    props.put(ScorerKeys.SERVING_LOSS_GROUP, "scorer-" + examples);
    props.put(ScorerKeys.SERVING_LOSS_HALF_LIFE, "1e9"); // the plain mean, checkable offline
    props.put("auto.offset.reset", "earliest");
    scorer = new Scorer(ScorerConfig.load(ConfigSources.of(props))).start();
    awaitUntil("version 1 is served", () -> servedVersion("titanic") == 1);

    // Predict: raw instances with nulls, absent keys and values never seen in training.
    List<String> instances =
        List.of(
            "{\"sex\": \"female\", \"age\": 30, \"passengerClass\": \"2nd\"}",
            "{\"sex\": \"male\", \"age\": null, \"passengerClass\": \"1st\"}",
            "{\"sex\": \"male\"}",
            "{\"sex\": \"unknown\", \"age\": 4.5, \"passengerClass\": \"crew\"}",
            "{}");
    HttpResponse<String> response =
        predict("titanic", "{\"instances\": [" + String.join(",", instances) + "]}");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode predictions = JSON.readTree(response.body()).get("predictions");
    FeatureRow[] rows = new FeatureRow[instances.size()];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = row(spec, instances.get(i));
    }
    float[] want = offline.predict(rows);
    for (int i = 0; i < rows.length; i++) {
      JsonNode p = predictions.get(i);
      float no = p.get("probabilities").get(0).floatValue();
      float yes = p.get("probabilities").get(1).floatValue();
      assertThat(Float.floatToRawIntBits(no)).isEqualTo(Float.floatToRawIntBits(want[2 * i]));
      assertThat(Float.floatToRawIntBits(yes)).isEqualTo(Float.floatToRawIntBits(want[2 * i + 1]));
      assertThat(p.get("class").asText()).isEqualTo(want[2 * i + 1] > want[2 * i] ? "yes" : "no");
    }
    HttpResponse<String> wrongType =
        predict("titanic", "{\"instances\": [{}, {\"age\": \"thirty\"}]}");
    assertThat(wrongType.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(wrongType.body()).get("error").asText())
        .isEqualTo("instance 1, features.age: must be a number (numeric feature), got \"thirty\"");

    // Serving loss: the last rows of the file and two new-value events, by kcat, and bad ones.
    List<String> labeled = new ArrayList<>(lines.subList(1000, lines.size()));
    labeled.add(
        "{\"features\": {\"sex\": \"female\", \"passengerClass\": \"crew\"}, \"label\": 1}");
    labeled.add("{\"features\": {\"age\": 61.5, \"passengerClass\": null}, \"label\": \"no\"}");
    double lossSum = 0;
    for (String line : labeled) {
      JsonNode event = RawDataFile.JSON.readTree(line);
      float[] p = offline.predict(new FeatureRow[] {row(spec, event.get("features").toString())});
      lossSum += -Math.log(Math.max(p[label(spec, event)], 1e-7));
    }
    StringBuilder kcatInput = new StringBuilder();
    for (String line : labeled) {
      kcatInput.append("titanic\t").append(line).append('\n');
    }
    kcatInput.append("titanic\t{\"features\": {\"age\": \"old\"}, \"label\": \"no\"}\n");
    kcatInput.append("titanic\t{\"features\": {\"age\": 3}, \"label\": \"maybe\"}\n");
    kcatInput.append("titanic\t{\"features\": [1, 2, 3], \"label\": \"no\"}\n");
    ItKafka.kcat(kafka.bootstrapServers(), examples, kcatInput.toString());

    String scored = "streamprop_serving_examples_total{model=\"titanic\",outcome=\"scored\"}";
    awaitUntil("every labeled raw event scored", () -> metric(metrics(), scored) == labeled.size());
    String scrape = metrics();
    assertThat(metric(scrape, "streamprop_serving_loss{model=\"titanic\"}"))
        .isCloseTo(lossSum / labeled.size(), within(1e-6));
    for (String reason : List.of("feature_type_mismatch", "label_out_of_range", "bad_json")) {
      String series =
          "streamprop_serving_examples_rejected_total{model=\"titanic\",reason=\"" + reason + "\"}";
      awaitUntil(reason + " counted", () -> metric(metrics(), series) == 1);
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private HttpResponse<String> predict(String model, String body) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(
                URI.create(
                    "http://127.0.0.1:" + scorer.port() + "/v1/models/" + model + ":predict"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private long servedVersion(String model) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + scorer.port() + "/v1/models/" + model))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return response.statusCode() == 200
        ? JSON.readTree(response.body()).get("model_version").asLong()
        : -1;
  }

  private String metrics() throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + scorer.port() + "/metrics"))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private static double metric(String scrape, String series) {
    for (String line : scrape.split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).trim());
      }
    }
    return Double.NaN;
  }

  private static void awaitUntil(String what, java.util.concurrent.Callable<Boolean> condition) {
    await(what)
        .atMost(DEADLINE)
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(10))
        .until(condition);
  }
}
