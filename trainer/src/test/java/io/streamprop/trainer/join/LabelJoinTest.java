package io.streamprop.trainer.join;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamprop.config.ConfigSources;
import io.streamprop.config.TrainerKeys;
import io.streamprop.trainer.config.TrainerConfig;
import io.streamprop.trainer.metrics.TrainerMetrics;
import io.streamprop.trainer.topology.DeadLetters;
import io.streamprop.trainer.topology.ShutdownSnapshots;
import io.streamprop.trainer.topology.TrainerTopology;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The label join, driven by {@link TopologyTestDriver} through the whole trainer topology. */
class LabelJoinTest {
  static final String IRIS =
      "{\"inputs\": 4, \"classes\": 3, \"class_names\": [\"setosa\", \"versicolor\","
          + " \"virginica\"], \"hidden\": [8], \"batch_size\": 1,"
          + " \"snapshot\": {\"every_examples\": 1000, \"every_seconds\": 0}}";
  static final String HOUSE =
      "{\"inputs\": 2, \"targets\": 1, \"hidden\": [4], \"batch_size\": 1,"
          + " \"snapshot\": {\"every_examples\": 1000, \"every_seconds\": 0}}";
  static final long T0 = 1_733_480_000_000L;
  static final long GRACE = 10_000;
  static final long RETENTION = 60_000;

  @TempDir Path stateDir;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private TopologyTestDriver driver;
  private TestInputTopic<byte[], byte[]> predictions;
  private TestInputTopic<byte[], byte[]> labels;
  private TestOutputTopic<byte[], byte[]> examples;
  private TestOutputTopic<byte[], byte[]> deadLetters;

  @BeforeEach
  void start() {
    TrainerConfig config =
        TrainerConfig.load(
            ConfigSources.of(
                Map.of(
                    "bootstrap.servers",
                    "unused:9092",
                    TrainerKeys.JOIN_GRACE_MS,
                    Long.toString(GRACE),
                    TrainerKeys.JOIN_RETENTION_MS,
                    Long.toString(RETENTION),
                    TrainerKeys.JOIN_CHECK_INTERVAL_MS,
                    "1000")));
    Properties props = config.streamsProperties();
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    driver =
        new TopologyTestDriver(
            TrainerTopology.build(config, new TrainerMetrics(registry), new ShutdownSnapshots()),
            props,
            Instant.ofEpochMilli(T0));
    TestInputTopic<String, String> specs =
        driver.createInputTopic(
            config.topics().specs(), new StringSerializer(), new StringSerializer());
    specs.pipeInput("iris", IRIS);
    specs.pipeInput("iris2", IRIS);
    specs.pipeInput("house", HOUSE);
    ByteArraySerializer bytes = new ByteArraySerializer();
    predictions = driver.createInputTopic(config.topics().predictions(), bytes, bytes);
    labels = driver.createInputTopic(config.topics().labels(), bytes, bytes);
    ByteArrayDeserializer raw = new ByteArrayDeserializer();
    examples = driver.createOutputTopic(config.topics().examples(), raw, raw);
    deadLetters = driver.createOutputTopic(config.topics().deadLetters(), raw, raw);
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  static byte[] utf8(String s) {
    return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
  }

  static String text(byte[] b) {
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }

  static String header(Headers headers, String name) {
    Header h = headers.lastHeader(name);
    return h == null ? null : text(h.value());
  }

  /** A logged prediction as the scorer writes it (docs/topics.md). */
  static String logged(String id, String model, long version, long time, String features) {
    String prediction =
        model.equals("house")
            ? "3.25"
            : "{\"class\": \"setosa\", \"probabilities\": [0.5, 0.25, 0.25]}";
    return "{\"id\": \""
        + id
        + "\", \"model\": \""
        + model
        + "\", \"version\": "
        + version
        + ", \"time\": "
        + time
        + ", \"features\": "
        + features
        + ", \"prediction\": "
        + prediction
        + "}";
  }

  private void predict(String id, String model, long version, long time) {
    predict(id, model, version, time, "[5.1, 3.5e0, 1.40, 0.2]");
  }

  private void predict(String id, String model, long version, long time, String features) {
    predictions.pipeInput(utf8(id), utf8(logged(id, model, version, time, features)), time);
  }

  private void label(String id, String value, long time) {
    labels.pipeInput(utf8(id), utf8(value), time);
  }

  /** An example as it must appear on the examples topic: key, value, id and version headers. */
  record Out(String model, String value, String id, String version) {
    static Out of(TestRecord<byte[], byte[]> r) {
      return new Out(
          text(r.key()),
          text(r.value()),
          header(r.headers(), LabelJoin.ID_HEADER),
          header(r.headers(), LabelJoin.VERSION_HEADER));
    }
  }

  private List<Out> joined() {
    List<Out> out = new ArrayList<>();
    for (TestRecord<byte[], byte[]> r : examples.readRecordsToList()) {
      out.add(Out.of(r));
    }
    return out;
  }

  /** A dead letter: reason, key and value (unchanged). */
  record Letter(String reason, String key, String value) {}

  private List<Letter> dead() {
    List<Letter> out = new ArrayList<>();
    for (TestRecord<byte[], byte[]> r : deadLetters.readRecordsToList()) {
      out.add(
          new Letter(
              header(r.headers(), DeadLetters.REASON_HEADER), text(r.key()), text(r.value())));
    }
    return out;
  }

  private double count(String name, String... tags) {
    var search = registry.find(name);
    if (tags.length > 0) {
      search = search.tags(tags);
    }
    var counter = search.counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void labelAfterPrediction_becomesTheContractsExample_andTrains() {
    predict("order-1", "iris", 7, T0);
    label("order-1", "{\"label\": \"versicolor\", \"weight\": 0.5, \"note\": [1]}", T0 + 3000);

    assertThat(joined())
        .containsExactly(
            new Out(
                "iris",
                "{\"features\":[5.1, 3.5e0, 1.40, 0.2],\"label\":\"versicolor\",\"weight\":0.5}",
                "order-1",
                "7"));
    assertThat(dead()).isEmpty();
    assertThat(count("streamprop.labels.joined", "model", "iris")).isEqualTo(1);
    // The example went on through parse-and-validate to train.
    assertThat(count("streamprop.examples.trained", "model", "iris")).isEqualTo(1);
    var delay = registry.find("streamprop.label.delay").tag("model", "iris").timer();
    assertThat(delay.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS)).isEqualTo(3000);
    // Served quality of version 7: p[versicolor] = 0.25, and the served class (setosa) was wrong.
    var loss = registry.find("streamprop.served.loss").tags("model", "iris", "version", "7");
    assertThat(loss.gauge().value())
        .isEqualTo(-Math.log(0.25), org.assertj.core.data.Offset.offset(1e-12));
    var accuracy =
        registry.find("streamprop.served.accuracy").tags("model", "iris", "version", "7");
    assertThat(accuracy.gauge().value()).isEqualTo(0.0);
  }

  @Test
  void labelBeforePrediction_waitsWithinTheGrace_thenJoins() {
    label("a", "{\"label\": 2}", T0);
    predict("b", "iris", 1, T0 + GRACE - 1); // stream time moves, still within a's grace
    predict("a", "iris", 1, T0 + GRACE - 1);

    assertThat(joined())
        .containsExactly(
            new Out("iris", "{\"features\":[5.1, 3.5e0, 1.40, 0.2],\"label\":2}", "a", "1"));
    predict("c", "iris", 1, T0 + 2 * GRACE); // past the grace: nothing left to dead-letter
    assertThat(dead()).isEmpty();
  }

  @Test
  void labelWhosePredictionNeverCame_isDeadLetteredUnchangedAfterTheGrace() {
    Headers headers = new RecordHeaders().add("trace", utf8("t-1"));
    labels.pipeInput(new TestRecord<>(utf8("lost"), utf8("{\"label\": 1}"), headers, T0));
    predict("x", "iris", 1, T0 + GRACE - 1000);
    assertThat(dead()).isEmpty();

    predict("y", "iris", 1, T0 + GRACE + 1000); // stream time passes the grace

    List<TestRecord<byte[], byte[]>> letters = deadLetters.readRecordsToList();
    assertThat(letters).hasSize(1);
    TestRecord<byte[], byte[]> letter = letters.get(0);
    assertThat(text(letter.key())).isEqualTo("lost");
    assertThat(text(letter.value())).isEqualTo("{\"label\": 1}");
    assertThat(header(letter.headers(), "trace")).isEqualTo("t-1");
    assertThat(header(letter.headers(), DeadLetters.REASON_HEADER)).isEqualTo("unmatched_label");
    assertThat(header(letter.headers(), DeadLetters.ERROR_HEADER)).contains("'lost'", "grace");
    assertThat(header(letter.headers(), DeadLetters.SOURCE_TOPIC_HEADER)).isEqualTo("labels");
    assertThat(header(letter.headers(), DeadLetters.SOURCE_OFFSET_HEADER)).isEqualTo("0");
    assertThat(count("streamprop.labels.unmatched")).isEqualTo(1);
    assertThat(joined()).isEmpty();
  }

  @Test
  void secondLabelForTheSameIdAndModel_isADuplicate() {
    predict("o", "iris", 3, T0);
    label("o", "{\"label\": 0}", T0 + 1);
    label("o", "{\"label\": 1}", T0 + 2);
    label("o", "{\"label\": 1, \"model\": \"iris\"}", T0 + 3);

    assertThat(joined()).hasSize(1);
    assertThat(dead())
        .containsExactly(
            new Letter("duplicate_label", "o", "{\"label\": 1}"),
            new Letter("duplicate_label", "o", "{\"label\": 1, \"model\": \"iris\"}"));
    assertThat(count("streamprop.labels.duplicate")).isEqualTo(2);
  }

  @Test
  void twoLabelsWaitingForOnePrediction_theSecondIsADuplicate() {
    label("w", "{\"label\": 0}", T0);
    label("w", "{\"label\": 2}", T0 + 1);
    predict("w", "iris", 1, T0 + 2);

    assertThat(joined())
        .extracting(Out::value)
        .containsExactly("{\"features\":[5.1, 3.5e0, 1.40, 0.2],\"label\":0}");
    assertThat(dead()).containsExactly(new Letter("duplicate_label", "w", "{\"label\": 2}"));
  }

  @Test
  void predictionUnlabeledForTheRetention_expires_andALaterLabelIsUnmatched() {
    predict("old", "iris", 1, T0);
    predict("new", "iris", 1, T0 + RETENTION + 1000); // stream time passes old's retention
    assertThat(count("streamprop.predictions.expired", "model", "iris")).isEqualTo(1);

    label("old", "{\"label\": 0}", T0 + RETENTION + 1001);
    predict("later", "iris", 1, T0 + RETENTION + GRACE + 2000);

    assertThat(joined()).isEmpty();
    assertThat(dead()).containsExactly(new Letter("unmatched_label", "old", "{\"label\": 0}"));
  }

  @Test
  void labelWithoutModel_joinsEveryModelThatPredictedTheId_withModelOnlyThatOne() {
    predict("both", "iris", 4, T0);
    predict("both", "iris2", 9, T0);
    predict("one", "iris", 4, T0);
    predict("one", "iris2", 9, T0);

    label("both", "{\"label\": \"virginica\"}", T0 + 1);
    label("one", "{\"label\": 1, \"model\": \"iris2\"}", T0 + 2);

    String features = "{\"features\":[5.1, 3.5e0, 1.40, 0.2],";
    assertThat(joined())
        .containsExactly(
            new Out("iris", features + "\"label\":\"virginica\"}", "both", "4"),
            new Out("iris2", features + "\"label\":\"virginica\"}", "both", "9"),
            new Out("iris2", features + "\"label\":1}", "one", "9"));
    // iris's prediction of "one" still waits for its own label.
    label("one", "{\"label\": 0, \"model\": \"iris\"}", T0 + 3);
    assertThat(joined()).containsExactly(new Out("iris", features + "\"label\":0}", "one", "4"));
    assertThat(dead()).isEmpty();
  }

  @Test
  void modelLessLabelWaiting_joinsEveryPredictionArrivingInItsGrace() {
    label("m", "{\"label\": 1}", T0);
    predict("m", "iris", 1, T0 + 1);
    predict("m", "iris2", 2, T0 + 2);
    predict("z", "iris", 1, T0 + GRACE + 5000); // past the grace: joined, so no dead letter

    assertThat(joined()).extracting(Out::model).containsExactly("iris", "iris2");
    assertThat(dead()).isEmpty();
  }

  @Test
  void regressionLabel_joins_andServedLossIsTheSquaredError() {
    predict("h", "house", 2, T0, "[1.5, 2]");
    label("h", "{\"label\": 3.75}", T0 + 1);

    assertThat(joined())
        .containsExactly(new Out("house", "{\"features\":[1.5, 2],\"label\":3.75}", "h", "2"));
    var loss = registry.find("streamprop.served.loss").tags("model", "house", "version", "2");
    assertThat(loss.gauge().value()).isEqualTo(0.25);
  }

  @Test
  void badLabels_goToDeadLettersUnchanged_withReasonsNamingFieldAndValue() {
    predict("p", "iris", 1, T0);
    String longId = "x".repeat(257);
    label("p", "not json", T0 + 1);
    label("p", "{\"label\": true}", T0 + 2);
    label("p", "{\"label\": 3}", T0 + 3);
    label("p", "{\"label\": \"daisy\"}", T0 + 4);
    label("p", "{\"label\": 1, \"weight\": -2}", T0 + 5);
    label("p", "{\"weight\": 1}", T0 + 6);
    label("p", "{\"label\": 1, \"model\": 5}", T0 + 7);
    labels.pipeInput(null, utf8("{\"label\": 1}"), T0 + 8);
    label(longId, "{\"label\": 1}", T0 + 9);

    List<TestRecord<byte[], byte[]>> letters = deadLetters.readRecordsToList();
    List<String> reasons = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    for (TestRecord<byte[], byte[]> r : letters) {
      reasons.add(header(r.headers(), DeadLetters.REASON_HEADER));
      errors.add(header(r.headers(), DeadLetters.ERROR_HEADER));
    }
    assertThat(reasons)
        .containsExactly(
            "bad_json",
            "bad_json",
            "label_out_of_range",
            "label_out_of_range",
            "weight_invalid",
            "missing_field",
            "bad_json",
            "missing_key",
            "invalid_id");
    assertThat(errors.get(1)).contains("label", "a boolean");
    assertThat(errors.get(2)).contains("model 'iris'", "3");
    assertThat(errors.get(3)).contains("daisy");
    assertThat(errors.get(4)).contains("weight", "-2");
    assertThat(errors.get(8)).contains("257");
    assertThat(text(letters.get(3).value())).isEqualTo("{\"label\": \"daisy\"}");
    assertThat(letters.get(7).key()).isNull();
    // The prediction is still there for a good label.
    label("p", "{\"label\": 1}", T0 + 10);
    assertThat(joined()).hasSize(1);
  }
}
