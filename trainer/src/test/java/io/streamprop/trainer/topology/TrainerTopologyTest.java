package io.streamprop.trainer.topology;

import static io.streamprop.trainer.testing.States.assertSameModel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamprop.config.ConfigSources;
import io.streamprop.config.TrainerKeys;
import io.streamprop.learn.OnlineLearner;
import io.streamprop.learn.state.ModelState;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import io.streamprop.trainer.config.TrainerConfig;
import io.streamprop.trainer.metrics.TrainerMetrics;
import io.streamprop.trainer.testing.Dataset;
import io.streamprop.trainer.testing.RawEvents;
import io.streamprop.wire.SigningKey;
import io.streamprop.wire.SnapshotCodec;
import io.streamprop.wire.SnapshotException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The topology's behaviour, driven by {@link TopologyTestDriver} (no broker). */
class TrainerTopologyTest {
  static final String IRIS_SPEC =
      "{\"inputs\": 4, \"classes\": 3, \"learner\": \"single\", \"hidden\": [8], \"batch_size\": 4,"
          + " \"snapshot\": {\"every_examples\": 50, \"every_seconds\": 0}}";

  static final Dataset IRIS = Dataset.load("iris.csv", 150);

  @TempDir Path stateDir;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ShutdownSnapshots shutdown = new ShutdownSnapshots();
  private TrainerConfig config;
  private TopologyTestDriver driver;
  private TestInputTopic<String, String> specs;
  private TestInputTopic<byte[], byte[]> examples;
  private TestOutputTopic<String, byte[]> snapshots;
  private TestOutputTopic<byte[], byte[]> deadLetters;
  // The examples topic's partition count the topology checks examples against (0: no check).
  private int examplesPartitions;

  @BeforeEach
  void start() {
    Map<String, String> settings = new java.util.HashMap<>(settings());
    settings.put("bootstrap.servers", "unused:9092");
    settings.put(TrainerKeys.EXAMPLE_MAX_BYTES, "2000");
    config = TrainerConfig.load(ConfigSources.of(settings));
    startDriver();
  }

  /** Settings of the trainer under test beside the broker and the example size limit. */
  Map<String, String> settings() {
    return Map.of();
  }

  private void startDriver() {
    Properties props = config.streamsProperties();
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    driver =
        new TopologyTestDriver(
            TrainerTopology.build(
                config, new TrainerMetrics(registry), shutdown, examplesPartitions),
            props,
            Instant.parse("2026-01-01T00:00:00Z"));
    specs =
        driver.createInputTopic(
            config.topics().specs(), new StringSerializer(), new StringSerializer());
    examples =
        driver.createInputTopic(
            config.topics().examples(), new ByteArraySerializer(), new ByteArraySerializer());
    snapshots =
        driver.createOutputTopic(
            config.topics().snapshots(), new StringDeserializer(), new ByteArrayDeserializer());
    deadLetters =
        driver.createOutputTopic(
            config.topics().deadLetters(),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer());
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private void sendIris(String model, int from, int to) {
    for (int i = from; i < to; i++) {
      examples.pipeInput(utf8(model), IRIS.json(i));
    }
  }

  private static String header(Headers headers, String name) {
    Header h = headers.lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  private double deadLetterCount(String reason) {
    var counter = registry.find("streamprop.dead.letters").tag("reason", reason).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void exampleWithoutKey_goesToDeadLettersUnchanged_withMissingKeyAndSource() {
    specs.pipeInput("iris", IRIS_SPEC);
    byte[] value = IRIS.json(0);
    examples.pipeInput(null, value);

    TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
    assertThat(dead.key()).isNull();
    assertThat(dead.value()).isEqualTo(value);
    assertThat(header(dead.headers(), DeadLetters.REASON_HEADER)).isEqualTo("missing_key");
    assertThat(header(dead.headers(), DeadLetters.ERROR_HEADER)).contains("model id");
    assertThat(header(dead.headers(), DeadLetters.SOURCE_TOPIC_HEADER)).isEqualTo("examples");
    assertThat(header(dead.headers(), DeadLetters.SOURCE_PARTITION_HEADER)).isEqualTo("0");
    assertThat(header(dead.headers(), DeadLetters.SOURCE_OFFSET_HEADER)).isEqualTo("0");
    assertThat(deadLetterCount("missing_key")).isEqualTo(1.0);
    assertThat(snapshots.isEmpty()).isTrue();
  }

  /** A model id the default partitioner (murmur2 of the key) puts on {@code partition}. */
  private static String modelOn(int partition, int partitions) {
    for (int i = 0; ; i++) {
      String id = "m" + i;
      if (Utils.toPositive(Utils.murmur2(utf8(id))) % partitions == partition) {
        return id;
      }
    }
  }

  @Test
  void exampleOnAnotherPartitionThanItsKeys_isDeadLettered_asWrongPartition_andTheRightOneTrains() {
    driver.close();
    examplesPartitions = 3; // the test driver reads every record from partition 0
    startDriver();
    String home = modelOn(0, 3);
    String stray = modelOn(2, 3);
    specs.pipeInput(home, IRIS_SPEC);
    specs.pipeInput(stray, IRIS_SPEC);
    sendIris(home, 0, 20);
    sendIris(stray, 0, 1);

    TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
    assertThat(new String(dead.key(), StandardCharsets.UTF_8)).isEqualTo(stray);
    assertThat(dead.value()).isEqualTo(IRIS.json(0));
    assertThat(header(dead.headers(), DeadLetters.REASON_HEADER)).isEqualTo("wrong_partition");
    assertThat(header(dead.headers(), DeadLetters.ERROR_HEADER))
        .contains("partition 2 of 3", "not 0", "murmur2_random");
    assertThat(deadLetters.isEmpty()).as("the model on its own partition").isTrue();
    assertThat(deadLetterCount("wrong_partition")).isEqualTo(1.0);
  }

  @Test
  void exampleOfModelWithoutSpec_isDeadLettered_asUnknownModel() {
    examples.pipeInput(utf8("nobody"), IRIS.json(0));

    TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
    assertThat(new String(dead.key(), StandardCharsets.UTF_8)).isEqualTo("nobody");
    assertThat(header(dead.headers(), DeadLetters.REASON_HEADER)).isEqualTo("unknown_model");
    assertThat(header(dead.headers(), DeadLetters.ERROR_HEADER)).contains("model-specs");
  }

  @Test
  void keyThatIsNotUtf8_isDeadLettered_asUnknownModel_andValueKept() {
    specs.pipeInput("iris", IRIS_SPEC);
    byte[] badKey = {(byte) 0xC3, (byte) 0x28};
    examples.pipeInput(badKey, IRIS.json(0));

    TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
    assertThat(dead.key()).isEqualTo(badKey);
    assertThat(dead.value()).isEqualTo(IRIS.json(0));
    assertThat(header(dead.headers(), DeadLetters.REASON_HEADER)).isEqualTo("unknown_model");
    assertThat(header(dead.headers(), DeadLetters.ERROR_HEADER)).contains("UTF-8");
  }

  @Test
  void modelWithInvalidSpec_deadLettersItsExamples_withTheSpecError() {
    specs.pipeInput("broken", "{\"inputs\": 4, \"classes\": 3, \"batch_size\": 0}");
    examples.pipeInput(utf8("broken"), IRIS.json(0));

    TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
    assertThat(header(dead.headers(), DeadLetters.REASON_HEADER)).isEqualTo("invalid_spec");
    assertThat(header(dead.headers(), DeadLetters.ERROR_HEADER)).contains("batch_size");
    assertThat(registry.find("streamprop.specs").tag("outcome", "rejected").counter().count())
        .isEqualTo(1.0);
  }

  @Test
  void poisonRecords_areDeadLetteredWithReasons_andTheModelEqualsOneTrainedOnValidRowsOnly() {
    specs.pipeInput("iris", IRIS_SPEC);
    List<String> poison =
        List.of(
            "{\"features\": [1, 2, 3",
            "{\"features\": [1, 2, 3], \"label\": 0}",
            "{\"features\": [1, 2, NaN, 4], \"label\": 0}",
            "{\"features\": [1, 2, 3, 1e39], \"label\": 0}",
            "{\"features\": [1, 2, 3, 4], \"label\": 3}",
            "{\"features\": [1, 2, 3, 4], \"label\": 0, \"pad\": \"" + "x".repeat(3000) + "\"}");
    int valid = 0;
    for (int i = 0; i < 100; i++) {
      if (i % 10 == 3 && i / 10 < poison.size()) {
        examples.pipeInput(utf8("iris"), utf8(poison.get(i / 10)));
      }
      examples.pipeInput(utf8("iris"), IRIS.json(valid++));
    }

    List<String> reasons =
        deadLetters.readRecordsToList().stream()
            .map(r -> header(r.headers(), DeadLetters.REASON_HEADER))
            .toList();
    assertThat(reasons)
        .containsExactly(
            "bad_json",
            "wrong_width",
            "not_finite",
            "not_finite",
            "label_out_of_range",
            "oversize");
    List<TestRecord<String, byte[]>> published = snapshots.readRecordsToList();
    assertThat(published).hasSize(2);
    ModelState last = SnapshotCodec.decode(published.get(1).value());
    assertThat(last.version()).isEqualTo(2);
    assertSameModel(last, IRIS.train(SpecJson.parse(IRIS_SPEC), 100).learner().state());
  }

  @Test
  void namedLabelsAndWeights_trainAsOffline_badOnesDeadLettered() {
    String spec =
        "{\"inputs\": 4, \"class_names\": [\"setosa\", \"versicolor\", \"virginica\"],"
            + " \"class_weight\": \"balanced\", \"learner\": \"single\", \"hidden\": [8], \"batch_size\": 4,"
            + " \"snapshot\": {\"every_examples\": 50, \"every_seconds\": 0}}";
    specs.pipeInput("iris", spec);
    List<String> names = List.of("setosa", "versicolor", "virginica");
    float[] weights = {1, 0, 2.5f, 0.5f, 1};
    OnlineLearner offline = OnlineLearner.create(SpecJson.parse(spec));
    for (int i = 0; i < 50; i++) {
      float[] x = IRIS.features().get(i * 3);
      int y = (int) IRIS.labels().get(i * 3)[0];
      float w = weights[i % weights.length];
      String features = java.util.Arrays.toString(x);
      examples.pipeInput(
          utf8("iris"),
          utf8(
              "{\"features\": "
                  + features
                  + ", \"label\": \""
                  + names.get(y)
                  + "\", \"weight\": "
                  + w
                  + "}"));
      offline.learn(x, new float[] {y}, w);
      if (i == 10) {
        examples.pipeInput(
            utf8("iris"), utf8("{\"features\": " + features + ", \"label\": \"Setosa\"}"));
        examples.pipeInput(
            utf8("iris"), utf8("{\"features\": " + features + ", \"label\": 0, \"weight\": -1}"));
      }
    }

    List<String> reasons =
        deadLetters.readRecordsToList().stream()
            .map(r -> header(r.headers(), DeadLetters.REASON_HEADER))
            .toList();
    assertThat(reasons).containsExactly("label_out_of_range", "weight_invalid");
    ModelState published = SnapshotCodec.decode(snapshots.readValue());
    assertSameModel(published, offline.state());
    assertThat(published.training().classCounts()).isNotNull();
  }

  @Test
  void signingKeyConfigured_snapshotsSigned_verifyWithTheKeyOnly() {
    driver.close();
    byte[] raw = new byte[32];
    java.util.Arrays.fill(raw, (byte) 3);
    config =
        TrainerConfig.load(
            ConfigSources.of(
                Map.of(
                    "bootstrap.servers",
                    "unused:9092",
                    SigningKey.CONFIG_KEY,
                    java.util.Base64.getEncoder().encodeToString(raw))));
    startDriver();
    specs.pipeInput("iris", IRIS_SPEC);
    sendIris("iris", 0, 50);

    byte[] snapshot = snapshots.readValue();

    ModelState state = SnapshotCodec.decode(snapshot, SigningKey.of(raw));
    assertThat(state.version()).isEqualTo(1);
    assertSameModel(state, IRIS.train(SpecJson.parse(IRIS_SPEC), 50).learner().state());
    assertThatThrownBy(() -> SnapshotCodec.decode(snapshot, SigningKey.of(new byte[32])))
        .isInstanceOfSatisfying(
            SnapshotException.class,
            e -> assertThat(e.kind()).isEqualTo(SnapshotException.Kind.BAD_SIGNATURE));
  }

  @Test
  void snapshots_everyNExamples_haveRisingVersions_andEqualTheOfflineModel() {
    specs.pipeInput("iris", IRIS_SPEC);
    sendIris("iris", 0, 150);

    List<TestRecord<String, byte[]>> published = snapshots.readRecordsToList();
    assertThat(published).extracting(TestRecord::key).containsExactly("iris", "iris", "iris");
    ModelSpec spec = SpecJson.parse(IRIS_SPEC);
    for (int i = 0; i < 3; i++) {
      ModelState state = SnapshotCodec.decode(published.get(i).value());
      assertThat(state.version()).isEqualTo(i + 1);
      assertSameModel(state, IRIS.train(spec, 50 * (i + 1)).learner().state());
    }
    assertThat(registry.find("streamprop.examples.trained").tag("model", "iris").counter().count())
        .isEqualTo(150.0);
  }

  @Test
  void snapshots_afterTSeconds_includeThePendingMiniBatch() {
    specs.pipeInput(
        "iris",
        "{\"inputs\": 4, \"classes\": 3, \"learner\": \"single\", \"hidden\": [8], \"batch_size\": 4,"
            + " \"snapshot\": {\"every_examples\": 0, \"every_seconds\": 2}}");
    sendIris("iris", 0, 7);
    driver.advanceWallClockTime(Duration.ofSeconds(1));
    assertThat(snapshots.isEmpty()).isTrue();

    driver.advanceWallClockTime(Duration.ofSeconds(1));
    ModelState state = SnapshotCodec.decode(snapshots.readValue());
    assertThat(state.examples()).isEqualTo(7);
    assertThat(state.version()).isEqualTo(1);

    driver.advanceWallClockTime(Duration.ofSeconds(5));
    assertThat(snapshots.isEmpty()).as("nothing new learned, nothing published").isTrue();
  }

  @Test
  void aModelThatKeepsLearning_publishesOnTheExampleThatIsDue_notAtTheNextHousekeepingPass() {
    driver.close();
    config =
        TrainerConfig.load(
            ConfigSources.of(
                Map.of("bootstrap.servers", "unused:9092", TrainerKeys.HOUSEKEEPING_MS, "600000")));
    startDriver();
    specs.pipeInput(
        "iris",
        "{\"inputs\": 4, \"classes\": 3, \"learner\": \"single\", \"hidden\": [8], \"batch_size\": 4,"
            + " \"snapshot\": {\"every_examples\": 0, \"every_seconds\": 2}}");
    sendIris("iris", 0, 7);
    driver.advanceWallClockTime(Duration.ofSeconds(2));
    assertThat(snapshots.isEmpty()).as("no housekeeping pass in 10 minutes").isTrue();

    sendIris("iris", 7, 8);
    ModelState state = SnapshotCodec.decode(snapshots.readValue());
    assertThat(state.examples()).isEqualTo(8);
    assertThat(state.version()).isEqualTo(1);
  }

  @Test
  void specTombstone_retiresTheModel_andPublishesASnapshotTombstone() {
    specs.pipeInput("iris", IRIS_SPEC);
    sendIris("iris", 0, 60);
    assertThat(snapshots.readRecordsToList()).hasSize(1);

    specs.pipeInput("iris", (String) null);
    driver.advanceWallClockTime(Duration.ofSeconds(1));

    TestRecord<String, byte[]> tombstone = snapshots.readRecord();
    assertThat(tombstone.key()).isEqualTo("iris");
    assertThat(tombstone.value()).isNull();
    assertThat(registry.find("streamprop.examples.trained").tag("model", "iris").counter())
        .as("the retired model's meters are removed")
        .isNull();

    // A new spec under the same id starts a new model from scratch.
    specs.pipeInput("iris", IRIS_SPEC);
    sendIris("iris", 0, 50);
    ModelState fresh = SnapshotCodec.decode(snapshots.readValue());
    assertThat(fresh.version()).isEqualTo(1);
    assertSameModel(fresh, IRIS.train(SpecJson.parse(IRIS_SPEC), 50).learner().state());
  }

  @Test
  void updatedLearningRate_keepsTheWeights_andTrainsOnInPlace() {
    specs.pipeInput("iris", IRIS_SPEC);
    sendIris("iris", 0, 50);
    ModelState first = SnapshotCodec.decode(snapshots.readValue());
    String faster =
        IRIS_SPEC.replace(
            "\"batch_size\": 4,",
            "\"batch_size\": 4, \"optimizer\":"
                + " {\"name\": \"adam\", \"learning_rate\": 0.01},");
    specs.pipeInput("iris", faster);
    sendIris("iris", 50, 100);

    ModelState second = SnapshotCodec.decode(snapshots.readValue());
    assertThat(second.version()).isEqualTo(2);
    assertThat(second.spec().optimizer().learningRate()).isEqualTo(0.01);
    assertThat(first.examples()).isEqualTo(50);

    // Offline: 50 rows under the old spec, the same state under the new spec, 50 more rows.
    ModelState after50 = IRIS.train(SpecJson.parse(IRIS_SPEC), 50).learner().state();
    OnlineLearner continued = OnlineLearner.restore(after50.withSpec(SpecJson.parse(faster)));
    for (int i = 50; i < 100; i++) {
      continued.learn(IRIS.features().get(i), IRIS.labels().get(i));
    }
    assertSameModel(second, continued.state());
  }

  @Test
  void updatedShape_restartsTheModel_withVersionsContinuing() {
    specs.pipeInput("iris", IRIS_SPEC);
    sendIris("iris", 0, 50);
    assertThat(SnapshotCodec.decode(snapshots.readValue()).version()).isEqualTo(1);
    String wider = IRIS_SPEC.replace("[8]", "[16]");
    specs.pipeInput("iris", wider);
    sendIris("iris", 0, 50);

    ModelState restarted = SnapshotCodec.decode(snapshots.readValue());
    assertThat(restarted.version()).isEqualTo(2);
    assertSameModel(restarted, IRIS.train(SpecJson.parse(wider), 50).learner().state());
  }

  @Test
  void shutdown_publishesEveryModelsUnpublishedExamples_beforeAcknowledging() throws Exception {
    specs.pipeInput("iris", IRIS_SPEC);
    specs.pipeInput("other", IRIS_SPEC);
    sendIris("iris", 0, 60);
    sendIris("other", 0, 10);
    assertThat(snapshots.readRecordsToList()).hasSize(1);

    AtomicBoolean acknowledged = new AtomicBoolean();
    Thread closer =
        new Thread(
            () -> {
              try {
                acknowledged.set(shutdown.requestAndAwait(Duration.ofSeconds(30)));
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    closer.start();
    // Each check advances the driver's wall clock: the housekeeping punctuation publishes the
    // shutdown snapshots. Checked in this thread: the TopologyTestDriver is not thread-safe.
    await("the shutdown request acknowledged")
        .pollInSameThread()
        .atMost(Duration.ofSeconds(30))
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(10))
        .until(
            () -> {
              driver.advanceWallClockTime(Duration.ofMillis(250));
              return !closer.isAlive();
            });
    assertThat(acknowledged).isTrue();
    Map<String, Long> examplesByModel =
        snapshots.readRecordsToList().stream()
            .collect(
                java.util.stream.Collectors.toMap(
                    TestRecord::key, r -> SnapshotCodec.decode(r.value()).examples()));
    assertThat(examplesByModel)
        .containsExactlyInAnyOrderEntriesOf(Map.of("iris", 60L, "other", 10L));
  }

  // ---- raw events ------------------------------------------------------------------------------

  static final String RAW_SPEC = RawEvents.spec("{\"every_examples\": 100, \"every_seconds\": 0}");

  @Test
  void rawEvents_trainAsTheOfflineModel_withNullsAbsentKeysNewCategoriesClassNamesAndWeights() {
    specs.pipeInput("churn", RAW_SPEC);
    List<byte[]> events = RawEvents.load();
    for (byte[] event : events) {
      examples.pipeInput(utf8("churn"), event);
    }

    assertThat(deadLetters.isEmpty()).isTrue();
    List<TestRecord<String, byte[]>> published = snapshots.readRecordsToList();
    assertThat(published).hasSize(events.size() / 100);
    ModelSpec spec = SpecJson.parse(RAW_SPEC);
    for (int i = 0; i < published.size(); i++) {
      ModelState state = SnapshotCodec.decode(published.get(i).value());
      assertThat(state.version()).isEqualTo(i + 1);
      assertSameModel(state, RawEvents.train(spec, events.subList(0, 100 * (i + 1))).state());
    }
  }

  @Test
  void badRawEvents_deadLetteredUnchanged_withTheirReasonsNamingFieldAndValue() {
    specs.pipeInput("churn", RAW_SPEC);
    List<RawEvents.Bad> bad = RawEvents.bad(config.exampleMaxBytes());
    for (RawEvents.Bad b : bad) {
      examples.pipeInput(utf8("churn"), b.value());
    }
    byte[] ghost = RawEvents.load().get(0);
    examples.pipeInput(utf8("ghost"), ghost);

    List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
    assertThat(dead).hasSize(bad.size() + 1);
    for (int i = 0; i < bad.size(); i++) {
      TestRecord<byte[], byte[]> letter = dead.get(i);
      String error = header(letter.headers(), DeadLetters.ERROR_HEADER);
      assertThat(letter.key()).isEqualTo(utf8("churn"));
      assertThat(letter.value()).as(error).isEqualTo(bad.get(i).value());
      assertThat(header(letter.headers(), DeadLetters.REASON_HEADER))
          .as(error)
          .isEqualTo(bad.get(i).reason());
      assertThat(header(letter.headers(), DeadLetters.SOURCE_OFFSET_HEADER))
          .isEqualTo(Integer.toString(i));
    }
    assertThat(header(dead.get(bad.size()).headers(), DeadLetters.REASON_HEADER))
        .isEqualTo("unknown_model");
    assertThat(dead.get(bad.size()).value()).isEqualTo(ghost);
    List<String> errors =
        dead.stream().map(r -> header(r.headers(), DeadLetters.ERROR_HEADER)).toList();
    assertThat(errors)
        .contains(
            "features.amount: must be a number (numeric feature), got \"12\"",
            "features.referer: not a feature of this model (its schema is closed); its features"
                + " are amount, country, device, is_new, query",
            "features.query: 9 tokens, more than max_tokens 8, got \"where is my order it is very"
                + " late now\"");
    assertThat(deadLetterCount("feature_type_mismatch")).isEqualTo(4.0);
    assertThat(snapshots.isEmpty()).isTrue();
  }

  @Test
  void badRawEventsAmongGoodOnes_deadLettered_andTheModelEqualsTheModelOfTheGoodOnes() {
    specs.pipeInput("churn", RAW_SPEC);
    List<byte[]> events = RawEvents.load().subList(0, 200);
    List<RawEvents.Bad> bad = RawEvents.bad(config.exampleMaxBytes());
    for (int i = 0; i < events.size(); i++) {
      if (i % 10 == 5 && i / 10 < bad.size()) {
        examples.pipeInput(utf8("churn"), bad.get(i / 10).value());
      }
      examples.pipeInput(utf8("churn"), events.get(i));
    }

    assertThat(
            deadLetters.readRecordsToList().stream()
                .map(r -> header(r.headers(), DeadLetters.REASON_HEADER)))
        .containsExactlyElementsOf(bad.stream().map(RawEvents.Bad::reason).toList());
    List<TestRecord<String, byte[]>> published = snapshots.readRecordsToList();
    assertSameModel(
        SnapshotCodec.decode(published.get(1).value()),
        RawEvents.train(SpecJson.parse(RAW_SPEC), events).state());
  }

  @Test
  void rawRegressionTargetsOfTheWrongWidth_deadLettered_asWrongWidth() {
    specs.pipeInput(
        "price",
        "{\"features\": {\"amount\": \"numeric\"}, \"task\": \"regression\", \"targets\": 2}");
    byte[] value = utf8("{\"features\": {\"amount\": 3}, \"label\": [1, 2, 3]}");
    examples.pipeInput(utf8("price"), value);

    TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
    assertThat(dead.value()).isEqualTo(value);
    assertThat(header(dead.headers(), DeadLetters.REASON_HEADER)).isEqualTo("wrong_width");
    assertThat(header(dead.headers(), DeadLetters.ERROR_HEADER))
        .isEqualTo("label: expected 2 numbers, got 3");
  }
}
