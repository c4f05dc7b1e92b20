package io.streamprop.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamprop.data.RawDataFile;
import io.streamprop.features.FeatureRow;
import io.streamprop.features.FeaturizedBatch;
import io.streamprop.features.Featurizer;
import io.streamprop.nn.SplitMix64;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Examples of a spec with raw {@code features}: the row, the ids, and every reason to refuse. */
class ExampleParserRawTest {

  static final String FEATURES =
      "\"features\": ["
          + "{\"name\": \"amount\", \"kind\": \"numeric\"},"
          + "{\"name\": \"country\", \"kind\": \"categorical\", \"max_length\": 8},"
          + "{\"name\": \"is_new\", \"kind\": \"boolean\"},"
          + "{\"name\": \"query\", \"kind\": \"tokens\", \"bigrams\": true, \"max_tokens\": 4},"
          + "{\"name\": \"device\", \"kind\": \"categorical\", \"buckets\": 4}]";

  static final ModelSpec CHURN =
      SpecJson.parse(
          "{" + FEATURES + ", \"classes\": 2, \"class_names\": [\"stay\", \"churned\"]}");
  static final ModelSpec CLOSED =
      SpecJson.parse("{" + FEATURES + ", \"classes\": 2, \"closed_schema\": true}");
  static final ModelSpec PRICE =
      SpecJson.parse("{" + FEATURES + ", \"task\": \"regression\", \"targets\": 2}");

  private static Example parse(ModelSpec spec, String json) {
    return new ExampleParser(spec).parse(json.getBytes(StandardCharsets.UTF_8));
  }

  private static ExampleException rejected(ModelSpec spec, String json) {
    try {
      Example e = new ExampleParser(spec).parse(json.getBytes(StandardCharsets.UTF_8));
      throw new AssertionError("accepted: " + json + " as " + e);
    } catch (ExampleException e) {
      return e;
    }
  }

  /** The row the command line's path makes: RawDataFile's JSON tree, then the featurizer. */
  private static FeatureRow offline(ModelSpec spec, String features) {
    try {
      JsonNode node = RawDataFile.JSON.readTree(features);
      Featurizer featurizer = new Featurizer(spec.features());
      FeaturizedBatch batch = featurizer.newBatch(1);
      featurizer.add(node, batch);
      return FeatureRow.of(batch, 0);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static void assertSameRow(Example e, FeatureRow row) {
    assertThat(e.features()).usingElementComparator(Float::compare).containsExactly(row.dense());
    assertThat(e.ids()).isDeepEqualTo(row.ids());
  }

  @Test
  void rawEvent_parsed_denseRowAndIdsOfTheFeaturizer_labelByName_weight() {
    String features =
        "{\"amount\": 12.5, \"country\": \"ID\", \"is_new\": true,"
            + " \"query\": \"Red running shoes\", \"device\": \"android\"}";
    Example e =
        parse(CHURN, "{\"features\": " + features + ", \"label\": \"churned\", \"weight\": 2.5}");

    assertSameRow(e, offline(CHURN, features));
    assertThat(e.features()).hasSize(CHURN.features().layout().denseWidth());
    assertThat(e.ids()).hasNumberOfRows(2); // country and query are embedded; device is one-hot
    assertThat(e.ids()[1]).hasSize(3 + 2); // three tokens and two bigrams
    assertThat(e.label()).containsExactly(1f);
    assertThat(e.weight()).isEqualTo(2.5f);
  }

  @Test
  void nullsAbsentKeysAndEmptyStrings_missing_asTheFeaturizerSaysAndNaNForNumbers() {
    String features = "{\"amount\": null, \"country\": \"\", \"query\": null}";
    Example e = parse(CHURN, "{\"label\": 0, \"features\": " + features + "}");

    assertSameRow(e, offline(CHURN, features));
    assertThat(e.features()[0]).isNaN(); // amount: imputed by the standardization
    assertThat(e.features()[1]).isEqualTo(1f); // amount's missing indicator
    assertThat(e.ids()[0]).containsExactly(0); // country missing: bucket 0
    assertThat(e.ids()[1]).containsExactly(0); // query missing: the bag {0}
    assertThat(e.weight()).isEqualTo(1f);
  }

  @Test
  void unknownNamesInAnOpenSchemaAndOtherTopLevelKeys_ignored() {
    Example e =
        parse(
            CHURN,
            "{\"id\": 7, \"features\": {\"amount\": 1, \"referrer\": {\"x\": [1]}}, \"label\": 1}");

    assertSameRow(e, offline(CHURN, "{\"amount\": 1}"));
  }

  @Test
  void rawNumbers_roundedOnceToFloat32_asTheVectorParserReadsThem() {
    // Just above the midpoint between 1 and the next float: a double rounds it to that midpoint,
    // and then to 1 (ties to even); rounded once it is the next float.
    String justAbove = "1.000000059604644775390625000001";
    Example raw = parse(CHURN, "{\"features\": {\"amount\": " + justAbove + "}, \"label\": 0}");
    assertThat(raw.features()[0]).isEqualTo(Math.nextUp(1f));

    ModelSpec vector = SpecJson.parse("{\"inputs\": 1, \"classes\": 2}");
    SplitMix64 random = new SplitMix64(16);
    for (int i = 0; i < 2000; i++) {
      double magnitude = Math.pow(10, (int) (random.nextDouble() * 12) - 6);
      String text =
          new BigDecimal((random.nextDouble() - 0.5) * magnitude)
              .round(new java.math.MathContext(1 + (int) (random.nextDouble() * 25)))
              .toString();
      float expected = parse(vector, "{\"features\": [" + text + "], \"label\": 0}").features()[0];
      float got =
          parse(CHURN, "{\"features\": {\"amount\": " + text + "}, \"label\": 0}").features()[0];
      assertThat(Float.floatToRawIntBits(got))
          .as(text)
          .isEqualTo(Float.floatToRawIntBits(expected));
    }
  }

  @Test
  void categoricalNumbers_hashedAsTheirCanonicalDecimal_likeTheCommandLine() {
    Example e = parse(CHURN, "{\"features\": {\"country\": 7.50}, \"label\": 0}");
    Example same = parse(CHURN, "{\"features\": {\"country\": \"7.5\"}, \"label\": 0}");

    assertThat(e.ids()[0]).isEqualTo(same.ids()[0]).isNotEqualTo(new int[] {0});
  }

  @Test
  void titanicFile_everyRow_theRowOfTheCommandLinesPath() throws IOException {
    ModelSpec spec =
        SpecJson.parse(
            "{\"features\": {\"sex\": \"categorical\", \"age\": \"numeric\","
                + " \"passengerClass\": \"categorical\"}, \"classes\": 2,"
                + " \"class_names\": [\"no\", \"yes\"]}");
    List<String> lines = Files.readAllLines(Path.of("../examples/data/raw/titanic.jsonl"));
    ExampleParser parser = new ExampleParser(spec);
    for (String line : lines) {
      Example e = parser.parse(line.getBytes(StandardCharsets.UTF_8));
      JsonNode tree = RawDataFile.JSON.readTree(line);
      assertSameRow(e, offline(spec, tree.get("features").toString()));
      assertThat(e.label()).containsExactly(tree.get("label").asText().equals("yes") ? 1f : 0f);
    }
    assertThat(lines).hasSizeGreaterThan(1000);
  }

  @Test
  void oneParserSharedByThreads_eachExampleItsOwnRow() throws Exception {
    ExampleParser parser = new ExampleParser(CHURN);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> results = new java.util.ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        results.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 2000; i++) {
                    String features =
                        "{\"amount\": " + (thread * 10000 + i) + ", \"country\": \"c" + i + "\"}";
                    Example e =
                        parser.parse(
                            ("{\"features\": " + features + ", \"label\": 0}")
                                .getBytes(StandardCharsets.UTF_8));
                    FeatureRow row = offline(CHURN, features);
                    if (e.features()[0] != thread * 10000 + i || e.ids()[0][0] != row.ids()[0][0]) {
                      return false;
                    }
                  }
                  return true;
                }));
      }
      for (Future<Boolean> result : results) {
        assertThat(result.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  // ---- every reason ---------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          bad_json              | {"features": {"amount": 1, "label": 0}          | not valid JSON
          bad_json              | {"features": [1, 2, 3], "label": 0}             | features: this model takes raw features by name, an object {"<name>": value, ...}; got a list [1,2,3]
          bad_json              | {"features": "amount=1", "label": 0}            | features: this model takes raw features by name, an object {"<name>": value, ...}; got a string "amount=1"
          bad_json              | {"features": null, "label": 0}                  | features: this model takes raw features by name, an object {"<name>": value, ...}; got null null
          bad_json              | {"features": {"amount": 1, "amount": 2}, "label": 0} | features: a name is given twice: Duplicate field 'amount'
          bad_json              | {"features": {}, "features": {}, "label": 0}    | duplicate key "features"
          missing_field         | {"label": 0}                                    | features: missing; an example is {"features": {"<name>": value, ...}, "label": ...}
          missing_field         | {"features": {"amount": 1}}                     | label: missing
          not_finite            | {"features": {"amount": NaN}, "label": 0}       | features.amount: must be a finite number (float32: |x| < 3.4e38), got NaN
          not_finite            | {"features": {"amount": 1e39}, "label": 0}      | features.amount: must be a finite number (float32: |x| < 3.4e38), got 1E+39
          not_finite            | {"features": {"amount": -Infinity}, "label": 0} | features.amount: must be a finite number
          feature_type_mismatch | {"features": {"amount": "12.5"}, "label": 0}    | features.amount: must be a number (numeric feature), got "12.5"
          feature_type_mismatch | {"features": {"amount": {"x": 1}}, "label": 0}  | features.amount: must be a number (numeric feature), got {"x":1}
          feature_type_mismatch | {"features": {"is_new": "maybe"}, "label": 0}   | features.is_new: must be true, false, 1, 0 or a boolean word (boolean feature), got "maybe"
          feature_type_mismatch | {"features": {"country": ["ID"]}, "label": 0}   | features.country: must be a string, a number or a boolean (categorical feature), got ["ID"]
          feature_type_mismatch | {"features": {"query": 42}, "label": 0}         | features.query: must be a string or a list of strings (tokens feature), got 42
          feature_type_mismatch | {"features": {"query": ["red", 1]}, "label": 0} | features.query: must be a string or a list of strings, got ["red",1]
          feature_too_long      | {"features": {"country": "Indonesia!"}, "label": 0} | features.country: categorical value of 10 characters, more than max_length 8, got "Indonesia!"
          too_many_tokens       | {"features": {"query": "a b c d e"}, "label": 0} | features.query: 5 tokens, more than max_tokens 4, got "a b c d e"
          label_out_of_range    | {"features": {"amount": 1}, "label": "Churned"} | label: "Churned" is not a class of this model
          label_out_of_range    | {"features": {"amount": 1}, "label": 2}         | label: must be a class index, an integer in 0..1, or a class name ("stay", "churned"), got 2
          weight_invalid        | {"features": {"amount": 1}, "label": 0, "weight": -1} | weight: must be a finite number >= 0 (float32: < 3.4e38), got -1
          """)
  void badRawExample_refused_withItsReasonFieldAndValue(
      String reason, String json, String message) {
    ExampleException e = rejected(CHURN, json);

    assertThat(e.reason().code()).isEqualTo(reason);
    assertThat(e.getMessage()).contains(message);
  }

  @Test
  void unknownFeatureInAClosedSchema_unknownFeature_namingIt() {
    ExampleException e =
        rejected(CLOSED, "{\"features\": {\"amount\": 1, \"referer\": \"x\"}, \"label\": 0}");

    assertThat(e.reason()).isEqualTo(RejectReason.UNKNOWN_FEATURE);
    assertThat(e.getMessage())
        .startsWith("features.referer: not a feature of this model (its schema is closed)");
  }

  @Test
  void regressionTargetsOfTheWrongWidth_wrongWidth() {
    ExampleException e = rejected(PRICE, "{\"features\": {\"amount\": 1}, \"label\": [1, 2, 3]}");

    assertThat(e.reason()).isEqualTo(RejectReason.WRONG_WIDTH);
    assertThat(e.getMessage()).isEqualTo("label: expected 2 numbers, got 3");
  }

  @Test
  void overlongRecord_oversize_beforeAnyParsing() {
    String json = "{\"features\": {\"query\": \"" + "x".repeat(200) + "\"}, \"label\": 0}";
    try {
      new ExampleParser(CHURN, 100).parse(json.getBytes(StandardCharsets.UTF_8));
      throw new AssertionError("accepted");
    } catch (ExampleException e) {
      assertThat(e.reason()).isEqualTo(RejectReason.OVERSIZE);
      assertThat(e.getMessage())
          .isEqualTo("record value is " + json.length() + " bytes, more than the limit of 100");
    }
  }

  @Test
  void garbage_badJson_neverAnotherException() {
    SplitMix64 random = new SplitMix64(3);
    String valid =
        "{\"features\": {\"amount\": 1.5, \"country\": \"ID\", \"query\": [\"a\", \"b\"]},"
            + " \"label\": \"stay\"}";
    ExampleParser parser = new ExampleParser(CHURN);
    for (int i = 0; i < 5000; i++) {
      byte[] bytes = valid.getBytes(StandardCharsets.UTF_8);
      int cut = 1 + (int) (random.nextDouble() * (bytes.length - 1));
      bytes = java.util.Arrays.copyOf(bytes, cut);
      if (bytes.length > 1) {
        bytes[(int) (random.nextDouble() * bytes.length)] = (byte) (random.nextLong() & 0xff);
      }
      try {
        parser.parse(bytes);
      } catch (ExampleException expected) {
        assertThat(expected.getMessage()).isNotBlank();
      }
    }
  }
}
