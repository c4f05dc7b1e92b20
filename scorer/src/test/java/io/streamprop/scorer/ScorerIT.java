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
import io.streamprop.learn.state.DenseState;
import io.streamprop.learn.state.LayerState;
import io.streamprop.learn.state.ModelState;
import io.streamprop.local.LocalKafka;
import io.streamprop.scorer.config.ScorerConfig;
import io.streamprop.scorer.http.ScorerHandler;
import io.streamprop.spec.SpecJson;
import io.streamprop.spec.SpecLimits;
import io.streamprop.wire.SnapshotCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The scorer against a real broker: snapshots published to the topic are served, bad ones are
 * rejected while the previous version keeps serving, and versions swap under concurrent requests
 * without a request failing or seeing a mixed model.
 */
class ScorerIT {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static LocalKafka kafka;
  private static KafkaProducer<byte[], byte[]> producer;

  private String snapshotsTopic;
  private String examplesTopic;
  private Scorer scorer;

  @BeforeAll
  static void startBroker() {
    kafka = LocalKafka.builder().start();
    Map<String, Object> props = new LinkedHashMap<>();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, SpecLimits.MAX_SNAPSHOT_RECORD_BYTES);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }

  @AfterAll
  static void stopBroker() {
    producer.close();
    kafka.close();
  }

  @BeforeEach
  void topics() throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    snapshotsTopic = "model-snapshots-" + suffix;
    examplesTopic = "examples-" + suffix;
    ItKafka.createTopics(
        kafka.bootstrapServers(),
        ItKafka.snapshotTopic(snapshotsTopic, 2),
        new NewTopic(examplesTopic, 1, (short) 1));
  }

  @AfterEach
  void stopScorer() throws Exception {
    if (scorer != null) {
      scorer.close();
    }
  }

  private Scorer startScorer() throws Exception {
    Map<String, String> props = new HashMap<>();
    props.put("bootstrap.servers", kafka.bootstrapServers());
    props.put(ScorerKeys.HTTP_PORT, "0");
    props.put(ScorerKeys.HTTP_HOST, "127.0.0.1");
    props.put(Topics.SNAPSHOTS, snapshotsTopic);
    props.put(Topics.EXAMPLES, examplesTopic);
    props.put(ScorerKeys.SERVING_LOSS_GROUP, "scorer-" + examplesTopic);
    // Near-infinite half-life: the serving loss becomes the plain mean, checkable offline.
    props.put(ScorerKeys.SERVING_LOSS_HALF_LIFE, "1e9");
    // The group is new and the test writes examples right after start: read them all.
    props.put("auto.offset.reset", "earliest");
    scorer = new Scorer(ScorerConfig.load(ConfigSources.of(props))).start();
    return scorer;
  }

  // ---------------------------------------------------------------------------------------------
  // Models

  private static final String IRIS_SPEC =
      "{\"inputs\": 4, \"classes\": 3, \"hidden\": [8], \"batch_size\": 4, \"seed\": 7,"
          + " \"feature_names\": [\"sl\", \"sw\", \"pl\", \"pw\"]}";

  /**
   * A small classifier trained on a few random examples, so its weights are not the initial ones.
   */
  private static ModelState trained(long version, int examples) {
    OnlineLearner learner = OnlineLearner.create(SpecJson.parse(IRIS_SPEC));
    Random random = new Random(version);
    for (int i = 0; i < examples; i++) {
      float[] x = randomRow(random, 4);
      learner.learn(x, new float[] {x[0] > 0 ? 1 : (x[1] > 0 ? 2 : 0)});
    }
    return learner.state().withVersion(version);
  }

  private static float[] randomRow(Random random, int width) {
    float[] row = new float[width];
    for (int j = 0; j < width; j++) {
      row[j] = (float) random.nextGaussian();
    }
    return row;
  }

  private static final String VERSIONED_SPEC =
      "{\"inputs\": 1, \"task\": \"regression\", \"targets\": 2, \"hidden\": [2],"
          + " \"activation\": \"identity\", \"standardize\": false}";

  /**
   * A model whose outputs reveal its version in two layers: the hidden layer outputs [v, v] (zero
   * weights, bias v), the output layer maps them to [v, 2v] (weights [[1, 0], [0, 1]], bias [0,
   * v]). A request served by layers of two versions would see output 1 differ from twice output 0.
   */
  private static ModelState versioned(long version) {
    ModelState fresh = OnlineLearner.create(SpecJson.parse(VERSIONED_SPEC)).state();
    List<LayerState> layers =
        List.of(
            new LayerState(
                new DenseState(new float[] {0, 0}, new float[] {version, version}), null),
            new LayerState(
                new DenseState(new float[] {1, 0, 0, 1}, new float[] {0, version}), null));
    return new ModelState(
            fresh.spec(),
            fresh.counters(),
            layers,
            fresh.inputNormalizer(),
            fresh.targetNormalizer(),
            fresh.training(),
            fresh.carried())
        .withVersion(version);
  }

  private void publish(String model, byte[] value) throws Exception {
    producer
        .send(new ProducerRecord<>(snapshotsTopic, model.getBytes(StandardCharsets.UTF_8), value))
        .get();
  }

  private void publish(String model, ModelState state) throws Exception {
    publish(model, SnapshotCodec.encode(state));
  }

  // ---------------------------------------------------------------------------------------------
  // HTTP

  private HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + scorer.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
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
    HttpResponse<String> response = get("/v1/models/" + model);
    return response.statusCode() == 200
        ? JSON.readTree(response.body()).get("model_version").asLong()
        : -1;
  }

  private static void awaitUntil(String what, Callable<Boolean> condition) {
    // First check at once (Awaitility would otherwise wait one interval first); then a poll
    // interval, not a guess at how long the condition takes: two cores are shared with the broker,
    // the scorer and the clients, so a busy spin would slow down what it waits for.
    await(what)
        .atMost(DEADLINE)
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(1))
        .until(condition);
  }

  private String metrics() throws Exception {
    return get("/metrics").body();
  }

  private static double metric(String scrape, String series) {
    for (String line : scrape.split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).trim());
      }
    }
    return Double.NaN;
  }

  // ---------------------------------------------------------------------------------------------
  // Tests

  @Test
  void publishedSnapshot_isServed_withOfflinePredictions() throws Exception {
    startScorer();
    awaitUntil("the scorer is ready", scorer::ready);
    ModelState state = trained(1, 64);

    // How fast a snapshot is served is measured by the benchmarks (docs/benchmarks.md); here it
    // only has to be served before the deadline, however loaded the machine.
    long encoded = System.currentTimeMillis();
    publish("iris", SnapshotCodec.encode(state, encoded));
    awaitUntil("version 1 is served", () -> servedVersion("iris") == 1);

    Random random = new Random(99);
    int rows = 32;
    float[] features = new float[rows * 4];
    StringBuilder body = new StringBuilder("{\"instances\": [");
    for (int row = 0; row < rows; row++) {
      float[] x = randomRow(random, 4);
      System.arraycopy(x, 0, features, row * 4, 4);
      body.append(row == 0 ? "[" : ",[");
      for (int j = 0; j < 4; j++) {
        body.append(j == 0 ? "" : ",").append(x[j]);
      }
      body.append(']');
    }
    HttpResponse<String> response = predict("iris", body.append("]}").toString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue(ScorerHandler.VERSION_HEADER)).hasValue("1");
    float[] expected = Predictor.of(state).predict(features, rows);
    JsonNode predictions = JSON.readTree(response.body()).get("predictions");
    assertThat(predictions).hasSize(rows);
    for (int row = 0; row < rows; row++) {
      JsonNode probabilities = predictions.get(row).get("probabilities");
      int best = 0;
      for (int k = 0; k < 3; k++) {
        // The JSON carries each float32 in its shortest exact form: equality, not closeness.
        assertThat(Float.parseFloat(probabilities.get(k).asText()))
            .as("row %d class %d", row, k)
            .isEqualTo(expected[row * 3 + k]);
        best = expected[row * 3 + k] > expected[row * 3 + best] ? k : best;
      }
      assertThat(predictions.get(row).get("class").asInt()).isEqualTo(best);
    }
    JsonNode model = JSON.readTree(get("/v1/models/iris").body());
    assertThat(model.at("/metadata/examples").asLong()).isEqualTo(64);
    assertThat(model.at("/spec/inputs").asInt()).isEqualTo(4);
    // The age counts from the snapshot's creation time: at most the time since it was encoded.
    double sinceEncoded = (System.currentTimeMillis() - encoded) / 1000.0;
    assertThat(model.at("/metadata/snapshot_age_seconds").asDouble()).isBetween(0.0, sinceEncoded);
  }

  @Test
  void corruptAndOldSnapshots_rejectedAndCounted_previousVersionKeepsServing() throws Exception {
    startScorer();
    ModelState good = trained(5, 32);
    publish("iris", good);
    awaitUntil("version 5 is served", () -> servedVersion("iris") == 5);
    // A caller id, so that the two answers can be compared whole (a generated id differs).
    String instance = "{\"instances\": [[0.5, -1, 2, 0.25]], \"ids\": [\"probe\"]}";
    String before = predict("iris", instance).body();

    byte[] corrupt = SnapshotCodec.encode(trained(6, 32));
    corrupt[corrupt.length / 2] ^= 0x40;
    publish("iris", corrupt);
    publish("iris", new byte[] {1, 2, 3});
    publish("iris", SnapshotCodec.encode(trained(4, 32)));
    publish("iris", SnapshotCodec.encode(good));

    String corruptSeries = "streamprop_snapshots_rejected_total{model=\"iris\",reason=\"corrupt\"}";
    String oldSeries = "streamprop_snapshots_rejected_total{model=\"iris\",reason=\"not_newer\"}";
    awaitUntil(
        "four rejections are counted",
        () -> {
          String scrape = metrics();
          return metric(scrape, corruptSeries) == 2 && metric(scrape, oldSeries) == 2;
        });
    assertThat(servedVersion("iris")).isEqualTo(5);
    HttpResponse<String> after = predict("iris", instance);
    assertThat(after.statusCode()).isEqualTo(200);
    assertThat(after.body()).isEqualTo(before);
    assertThat(metric(metrics(), "streamprop_model_version{model=\"iris\"}")).isEqualTo(5.0);
  }

  @Test
  void tombstone_retiresModel_andNewerSnapshotServesItAgain() throws Exception {
    startScorer();
    publish("iris", trained(3, 16));
    awaitUntil("version 3 is served", () -> servedVersion("iris") == 3);

    publish("iris", (byte[]) null);
    awaitUntil("the model is retired", () -> get("/v1/models/iris").statusCode() == 404);
    assertThat(predict("iris", "{\"instances\": [[1,2,3,4]]}").statusCode()).isEqualTo(404);
    // The consumer retires the model from the registry, then removes its series: wait for both.
    awaitUntil(
        "the model's series are gone",
        () -> !metrics().contains("streamprop_model_version{model=\"iris\"}"));

    publish("iris", trained(1, 16));
    awaitUntil("version 1 is served again", () -> servedVersion("iris") == 1);
  }

  @Test
  void restart_readsTopicToItsEnd_beforeReady() throws Exception {
    for (long version = 1; version <= 5; version++) {
      publish("a", versioned(version));
      publish("b", versioned(10 * version));
    }
    publish("c", trained(2, 8));

    startScorer();
    awaitUntil("ready", scorer::ready);

    // Ready means caught up: the newest versions are served without any further waiting.
    assertThat(servedVersion("a")).isEqualTo(5);
    assertThat(servedVersion("b")).isEqualTo(50);
    assertThat(servedVersion("c")).isEqualTo(2);
    assertThat(get("/health/ready").statusCode()).isEqualTo(200);
  }

  @Test
  void concurrentRequests_whileSnapshotsSwap_neverFailNorMixVersions() throws Exception {
    startScorer();
    publish("v", versioned(1));
    awaitUntil("version 1 is served", () -> servedVersion("v") == 1);
    int versions = 150;
    int clients = 4;
    AtomicLong newestSeen = new AtomicLong(1);
    Set<Long> seen = ConcurrentHashMap.newKeySet();
    List<String> failures = Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Future<Integer>> requests = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      requests.add(
          pool.submit(
              () -> {
                int count = 0;
                long last = 0;
                while (newestSeen.get() < versions && failures.isEmpty()) {
                  HttpResponse<String> response = predict("v", "{\"instances\": [[3], [-7]]}");
                  count++;
                  if (response.statusCode() != 200) {
                    failures.add(response.statusCode() + " " + response.body());
                    break;
                  }
                  JsonNode body = JSON.readTree(response.body());
                  long version = body.get("model_version").asLong();
                  String header = response.headers().firstValue(ScorerHandler.VERSION_HEADER).get();
                  for (JsonNode prediction : body.get("predictions")) {
                    if (prediction.get(0).asDouble() != version
                        || prediction.get(1).asDouble() != 2.0 * version
                        || !header.equals(Long.toString(version))) {
                      failures.add("mixed: header " + header + ", body " + response.body());
                    }
                  }
                  if (version < last) {
                    failures.add("version went back from " + last + " to " + version);
                  }
                  last = version;
                  seen.add(version);
                  newestSeen.accumulateAndGet(version, Math::max);
                }
                return count;
              }));
    }

    // Publish the next version as soon as a client has seen the current one: swaps happen while
    // requests are in flight, as fast as the round trip allows, with no timing assumptions.
    long start = System.nanoTime();
    for (long version = 2; version <= versions && failures.isEmpty(); version++) {
      publish("v", versioned(version));
      long expected = version;
      awaitUntil(
          "a client sees version " + version,
          () -> newestSeen.get() >= expected || !failures.isEmpty());
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    int total = 0;
    for (Future<Integer> future : requests) {
      total += future.get();
    }
    pool.shutdown();

    assertThat(failures).isEmpty();
    assertThat(seen).allMatch(version -> version >= 1 && version <= versions);
    assertThat(seen).contains((long) versions);
    System.out.printf(
        "hot swap: %d versions in %.1f s (%.0f swaps/s), %d requests%n",
        versions - 1, seconds, (versions - 1) / seconds, total);
    assertThat(total).isGreaterThan(versions);
  }

  @Test
  void labeledExamples_servingLossAndBaselineExported() throws Exception {
    startScorer();
    ModelState state = trained(1, 64);
    publish("iris", state);
    awaitUntil("version 1 is served", () -> servedVersion("iris") == 1);

    Predictor offline = Predictor.of(state);
    Random random = new Random(3);
    int n = 50;
    double lossSum = 0;
    int correct = 0;
    for (int i = 0; i < n; i++) {
      float[] x = randomRow(random, 4);
      int label = i % 3;
      float[] p = offline.predict(x, 1);
      lossSum += -Math.log(Math.max(p[label], 1e-7));
      int best = p[0] >= p[1] ? (p[0] >= p[2] ? 0 : 2) : (p[1] >= p[2] ? 1 : 2);
      correct += best == label ? 1 : 0;
      String json =
          "{\"features\": ["
              + x[0]
              + ","
              + x[1]
              + ","
              + x[2]
              + ","
              + x[3]
              + "], \"label\": "
              + label
              + "}";
      producer.send(new ProducerRecord<>(examplesTopic, "iris".getBytes(), json.getBytes()));
    }
    producer.send(new ProducerRecord<>(examplesTopic, "iris".getBytes(), "{oops".getBytes()));
    producer.send(new ProducerRecord<>(examplesTopic, "ghost".getBytes(), "{}".getBytes()));
    producer.flush();

    String scored = "streamprop_serving_examples_total{model=\"iris\",outcome=\"scored\"}";
    awaitUntil("all examples are scored", () -> metric(metrics(), scored) == n);
    String scrape = metrics();
    assertThat(metric(scrape, "streamprop_serving_loss{model=\"iris\"}"))
        .isCloseTo(lossSum / n, org.assertj.core.api.Assertions.within(1e-6));
    assertThat(metric(scrape, "streamprop_serving_accuracy{model=\"iris\"}"))
        .isCloseTo((double) correct / n, org.assertj.core.api.Assertions.within(1e-6));
    assertThat(metric(scrape, "streamprop_serving_baseline_loss{model=\"iris\"}")).isPositive();
    assertThat(metric(scrape, "streamprop_serving_baseline_accuracy{model=\"iris\"}"))
        .isBetween(0.0, 1.0);
    awaitUntil(
        "the bad example and the unknown model are counted",
        () -> {
          String s = metrics();
          return metric(
                      s,
                      "streamprop_serving_examples_rejected_total{model=\"iris\",reason=\"bad_json\"}")
                  == 1
              && metric(
                      s,
                      "streamprop_serving_examples_total{model=\"unknown\",outcome=\"unknown_model\"}")
                  == 1;
        });
  }
}
