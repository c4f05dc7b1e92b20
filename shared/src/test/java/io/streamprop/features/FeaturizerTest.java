package io.streamprop.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.streamprop.wire.ExampleException;
import io.streamprop.wire.RejectReason;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FeaturizerTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final FeatureSchema SCHEMA =
      FeatureSchema.of(
          FeatureSpec.numeric("amount"),
          FeatureSpec.categorical("country"),
          FeatureSpec.bool("is_new"),
          FeatureSpec.tokens("query").withBigrams(true).withMaxTokens(4),
          FeatureSpec.categorical("device").withBuckets(4), // tiny: one-hot of width 4
          FeatureSpec.numeric("age"),
          FeatureSpec.bool("vip"));

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** The bucket by the documented rule, computed here from scratch. */
  private static int bucket(String name, String value, int buckets, int seed) {
    byte[] key = (name + "\u0000" + value).getBytes(StandardCharsets.UTF_8);
    long h = MurmurHash3.hash32(key, seed) & 0xffff_ffffL;
    return (int) (1 + h % (buckets - 1));
  }

  private static float[] row(FeaturizedBatch batch, int r) {
    int w = batch.denseWidth();
    return Arrays.copyOfRange(batch.dense(), r * w, (r + 1) * w);
  }

  private static int[] bag(FeaturizedBatch batch, int e, int r) {
    return Arrays.copyOfRange(batch.ids(e), batch.offsets(e)[r], batch.offsets(e)[r + 1]);
  }

  private static ExampleException rejected(Featurizer f, String event) {
    return catchThrowableOfType(ExampleException.class, () -> f.add(json(event), f.newBatch(1)));
  }

  @Test
  void layout_numericThenBooleanThenOneHotThenEmbeddings() {
    FeatureLayout layout = SCHEMA.layout();

    assertThat(layout.numericCount()).isEqualTo(2);
    assertThat(layout.booleanCount()).isEqualTo(2);
    // [amount age | amount? age? | is_new vip | is_new? vip? | device x4 | country x8 | query x16]
    assertThat(layout.column(0)).isEqualTo(0);
    assertThat(layout.column(5)).isEqualTo(1);
    assertThat(layout.missingColumn(0)).isEqualTo(2);
    assertThat(layout.missingColumn(5)).isEqualTo(3);
    assertThat(layout.column(2)).isEqualTo(4);
    assertThat(layout.column(6)).isEqualTo(5);
    assertThat(layout.missingColumn(2)).isEqualTo(6);
    assertThat(layout.missingColumn(6)).isEqualTo(7);
    assertThat(layout.oneHotOffset()).isEqualTo(8);
    assertThat(layout.column(4)).isEqualTo(8);
    assertThat(layout.width(4)).isEqualTo(4);
    assertThat(layout.denseWidth()).isEqualTo(12);
    assertThat(layout.embeddings())
        .containsExactly(
            new FeatureLayout.Embedding(1, "country", FeatureKind.CATEGORICAL, 1024, 8, 12),
            new FeatureLayout.Embedding(3, "query", FeatureKind.TOKENS, 4096, 16, 20));
    assertThat(layout.inputs()).isEqualTo(36);
    assertThat(layout.embeddingIndex(3)).isEqualTo(1);
    assertThat(layout.embeddingIndex(4)).isEqualTo(-1);
    assertThat(layout.embeddingParameters()).isEqualTo(1024 * 8 + 4096 * 16);
    assertThat(layout.maxIdsPerExample()).isEqualTo(1 + 7 + 1);
  }

  @Test
  void fullEvent_everyKindWritten() {
    Featurizer f = new Featurizer(SCHEMA);
    FeaturizedBatch batch = f.newBatch(2);

    f.add(
        json(
            "{\"amount\": 12.5, \"country\": \"ID\", \"is_new\": true, \"query\": \"Red running"
                + " shoes\", \"device\": \"android\", \"age\": 30, \"vip\": \"no\", \"other\": [1]}"),
        batch);

    assertThat(batch.size()).isEqualTo(1);
    float[] dense = new float[12];
    dense[0] = 12.5f; // amount
    dense[1] = 30f; // age
    dense[4] = 1f; // is_new
    dense[8 + bucket("device", "android", 4, 0)] = 1f;
    assertThat(row(batch, 0)).containsExactly(dense);
    assertThat(bag(batch, 0, 0)).containsExactly(bucket("country", "ID", 1024, 0));
    assertThat(bag(batch, 1, 0))
        .containsExactly(
            bucket("query", "red", 4096, 0),
            bucket("query", "running", 4096, 0),
            bucket("query", "shoes", 4096, 0),
            bucket("query", "red running", 4096, 0),
            bucket("query", "running shoes", 4096, 0));
  }

  @Test
  void nullAbsentAndEmpty_areMissing() {
    Featurizer f = new Featurizer(SCHEMA);
    FeaturizedBatch batch = f.newBatch(3);
    String nulls =
        "{\"amount\": null, \"country\": null, \"is_new\": null, \"query\": null, \"device\": null,"
            + " \"age\": null, \"vip\": null}";
    String empties =
        "{\"amount\": \"\", \"country\": \"\", \"is_new\": \"\", \"query\": \"\", \"device\": \"\","
            + " \"age\": \"\", \"vip\": \"\"}";

    f.add(json(nulls), batch);
    f.add(json("{}"), batch);
    f.add(json(empties), batch);

    for (int r = 0; r < 3; r++) {
      float[] row = row(batch, r);
      assertThat(row[0]).isNaN();
      assertThat(row[1]).isNaN();
      assertThat(Arrays.copyOfRange(row, 2, 12))
          .containsExactly(1, 1, 0, 0, 1, 1, /* device: bucket 0 */ 1, 0, 0, 0);
      assertThat(bag(batch, 0, r)).containsExactly(0);
      assertThat(bag(batch, 1, r)).containsExactly(0);
    }
    assertThat(batch.offsets(1)).startsWith(0, 1, 2, 3);
  }

  @Test
  void newCategoryValues_justHashed_neverBucketZero() {
    Featurizer f = new Featurizer(SCHEMA);
    FeaturizedBatch batch = f.newBatch(50);
    for (int i = 0; i < 50; i++) {
      f.add(json("{\"country\": \"never-seen-" + i + "\"}"), batch);
      assertThat(bag(batch, 0, i)[0]).isBetween(1, 1023);
    }
  }

  @Test
  void categoricalNumbersAndBooleans_canonicalStrings() {
    Featurizer f = new Featurizer(FeatureSchema.of(FeatureSpec.categorical("c")));
    FeaturizedBatch batch = f.newBatch(8);
    for (String v : List.of("3", "3.0", "3e0", "\"3\"", "2.50", "\"2.5\"", "true", "\"true\"")) {
      f.add(json("{\"c\": " + v + "}"), batch);
    }
    int three = bucket("c", "3", 1024, 0);
    int twoHalf = bucket("c", "2.5", 1024, 0);
    int yes = bucket("c", "true", 1024, 0);
    assertThat(Arrays.copyOf(batch.ids(0), 8))
        .containsExactly(three, three, three, three, twoHalf, twoHalf, yes, yes);
    // exact decimals (BigDecimal nodes) give the same strings
    JsonMapper exact =
        JsonMapper.builder()
            .enable(
                com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();
    FeaturizedBatch b2 = f.newBatch(1);
    try {
      f.add(exact.readTree("{\"c\": 2.50}"), b2);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    assertThat(b2.ids(0)[0]).isEqualTo(twoHalf);
  }

  @Test
  void categoricalBucket_theBucketTheFeaturizerUses() {
    FeatureSchema seeded =
        new FeatureSchema(List.of(FeatureSpec.categorical("c").withBuckets(777)), false, 99);
    Featurizer f = new Featurizer(seeded);
    List<String> values = List.of("ID", "android", "é", "2.5", "true");
    FeaturizedBatch batch = f.newBatch(values.size());
    for (String v : values) {
      f.add(Map.of("c", v), batch);
    }
    for (int i = 0; i < values.size(); i++) {
      assertThat(Featurizer.categoricalBucket("c", values.get(i), 777, 99))
          .as(values.get(i))
          .isEqualTo(bag(batch, 0, i)[0])
          .isEqualTo(bucket("c", values.get(i), 777, 99));
    }
  }

  @Test
  void stringsAreCaseSensitive_tokensAreNot() {
    Featurizer f =
        new Featurizer(FeatureSchema.of(FeatureSpec.categorical("c"), FeatureSpec.tokens("t")));
    FeaturizedBatch batch = f.newBatch(2);
    f.add(json("{\"c\": \"ID\", \"t\": \"Shoes\"}"), batch);
    f.add(json("{\"c\": \"id\", \"t\": [\"SHOES\"]}"), batch);

    assertThat(bag(batch, 0, 0)).isNotEqualTo(bag(batch, 0, 1));
    assertThat(bag(batch, 1, 0)).isEqualTo(bag(batch, 1, 1));
  }

  @Test
  void hashSeed_changesBuckets() {
    FeatureSchema seeded = new FeatureSchema(List.of(FeatureSpec.categorical("c")), false, 99);
    Featurizer f = new Featurizer(seeded);
    FeaturizedBatch batch = f.newBatch(1);
    f.add(json("{\"c\": \"ID\"}"), batch);
    assertThat(batch.ids(0)[0]).isEqualTo(bucket("c", "ID", 1024, 99));
    assertThat(bucket("c", "ID", 1024, 99)).isNotEqualTo(bucket("c", "ID", 1024, 0));
  }

  @Test
  void tinyTokens_meanOfOneHot() {
    FeatureSpec t = FeatureSpec.tokens("t").withBuckets(3).withEmbeddingDim(4);
    Featurizer f = new Featurizer(FeatureSchema.of(t));
    FeaturizedBatch batch = f.newBatch(2);
    f.add(json("{\"t\": \"a a b\"}"), batch);
    f.add(json("{\"t\": \"\"}"), batch);

    float[] expected = new float[3];
    expected[bucket("t", "a", 3, 0)] += 2f;
    expected[bucket("t", "b", 3, 0)] += 1f;
    for (int j = 0; j < 3; j++) {
      expected[j] /= 3;
    }
    assertThat(row(batch, 0)).containsExactly(expected);
    assertThat(row(batch, 1)).containsExactly(1f, 0f, 0f);
    assertThat(batch.embeddingCount()).isZero();
  }

  @Test
  void booleanForms_allAccepted() {
    Featurizer f = new Featurizer(FeatureSchema.of(FeatureSpec.bool("b")));
    FeaturizedBatch batch = f.newBatch(8);
    for (String v : List.of("true", "1", "\"YES\"", "\"True\"", "false", "0", "\"no\"", "\"0\"")) {
      f.add(json("{\"b\": " + v + "}"), batch);
    }
    float[] values = new float[8];
    for (int r = 0; r < 8; r++) {
      values[r] = row(batch, r)[0];
      assertThat(row(batch, r)[1]).isZero();
    }
    assertThat(values).containsExactly(1, 1, 1, 1, 0, 0, 0, 0);
  }

  @Test
  void csvCells_sameRowsAsTheJsonEvent() {
    Featurizer f = new Featurizer(SCHEMA);
    FeaturizedBatch fromJson = f.newBatch(1);
    FeaturizedBatch fromCsv = f.newBatch(1);
    f.add(
        json(
            "{\"amount\": 0.1, \"country\": 7, \"is_new\": true, \"query\": \"big shoes\","
                + " \"device\": \"ios\", \"vip\": false}"),
        fromJson);
    Map<String, String> cells = new HashMap<>();
    cells.put("amount", "0.1");
    cells.put("country", "7.0");
    cells.put("is_new", "yes");
    cells.put("query", "Big SHOES");
    cells.put("device", "ios");
    cells.put("age", "");
    cells.put("vip", "FALSE");
    f.add(cells, fromCsv);

    assertThat(row(fromCsv, 0)).containsExactly(row(fromJson, 0));
    assertThat(bag(fromCsv, 0, 0)).isEqualTo(bag(fromJson, 0, 0));
    assertThat(bag(fromCsv, 1, 0)).isEqualTo(bag(fromJson, 1, 0));
  }

  @Test
  void csvCategoryNotInJsonNumberSyntax_keptAsText() {
    Featurizer f = new Featurizer(FeatureSchema.of(FeatureSpec.categorical("zip")));
    FeaturizedBatch batch = f.newBatch(2);
    f.add(Map.of("zip", "02134"), batch);
    f.add(Map.of("zip", "1e2"), batch);
    assertThat(batch.ids(0)[0]).isEqualTo(bucket("zip", "02134", 1024, 0));
    assertThat(batch.ids(0)[1]).isEqualTo(bucket("zip", "100", 1024, 0));
  }

  @Test
  void error_leavesTheBatchUnchanged_nextEventFine() {
    Featurizer f = new Featurizer(SCHEMA);
    FeaturizedBatch batch = f.newBatch(2);
    f.add(json("{\"country\": \"ID\", \"query\": \"a b\"}"), batch);
    float[] before = batch.dense().clone();

    assertThatThrownBy(
            () -> f.add(json("{\"country\": \"FR\", \"query\": \"x\", \"age\": {}}"), batch))
        .isInstanceOf(ExampleException.class);
    assertThat(batch.size()).isEqualTo(1);
    assertThat(Arrays.copyOf(batch.dense(), 12)).containsExactly(Arrays.copyOf(before, 12));
    assertThat(batch.idCount(1)).isEqualTo(3);

    f.add(json("{\"country\": \"DE\"}"), batch);
    assertThat(batch.size()).isEqualTo(2);
    assertThat(bag(batch, 0, 1)).containsExactly(bucket("country", "DE", 1024, 0));
    assertThat(batch.isFull()).isTrue();
    assertThatThrownBy(() -> f.add(json("{}"), batch)).isInstanceOf(IllegalStateException.class);
    batch.clear();
    assertThat(batch.size()).isZero();
  }

  @Test
  void idArrays_growWhenABatchNeedsMore() {
    Featurizer f = new Featurizer(FeatureSchema.of(FeatureSpec.tokens("t").withMaxTokens(200)));
    FeaturizedBatch batch = f.newBatch(2);
    String many = "w ".repeat(200);
    f.add(json("{\"t\": \"" + many + "\"}"), batch);
    f.add(json("{\"t\": \"" + many + "\"}"), batch);
    assertThat(batch.idCount(0)).isEqualTo(400);
    assertThat(batch.offsets(0)).containsExactly(0, 200, 400);
  }

  // ---- errors: reason, field and value in every message ----------------------------------------

  @Test
  void numericOfWrongType_typeMismatchNamingFieldAndValue() {
    Featurizer f = new Featurizer(SCHEMA);
    for (String v : List.of("{\"x\":1}", "[1,2]", "\"12\"", "true")) {
      ExampleException e = rejected(f, "{\"amount\": " + v + "}");
      assertThat(e.reason()).isEqualTo(RejectReason.FEATURE_TYPE_MISMATCH);
      assertThat(e.getMessage()).startsWith("features.amount: must be a number").endsWith(v);
    }
  }

  @Test
  void numericBeyondFloat_notFinite() {
    ExampleException e = rejected(new Featurizer(SCHEMA), "{\"age\": 1e39}");
    assertThat(e.reason()).isEqualTo(RejectReason.NOT_FINITE);
    assertThat(e.getMessage()).startsWith("features.age:").contains("1.0E39");
  }

  @Test
  void booleanOfWrongValue_typeMismatch() {
    ExampleException e = rejected(new Featurizer(SCHEMA), "{\"vip\": \"maybe\"}");
    assertThat(e.reason()).isEqualTo(RejectReason.FEATURE_TYPE_MISMATCH);
    assertThat(e.getMessage())
        .startsWith("features.vip: must be true, false")
        .endsWith("\"maybe\"");
    assertThat(rejected(new Featurizer(SCHEMA), "{\"vip\": 2}").getMessage()).endsWith("got 2");
  }

  @Test
  void categoricalObjectOrList_typeMismatch() {
    ExampleException e = rejected(new Featurizer(SCHEMA), "{\"country\": [\"ID\"]}");
    assertThat(e.reason()).isEqualTo(RejectReason.FEATURE_TYPE_MISMATCH);
    assertThat(e.getMessage())
        .isEqualTo(
            "features.country: must be a string, a number or a boolean (categorical feature),"
                + " got [\"ID\"]");
  }

  @Test
  void tokensOfWrongType_typeMismatch() {
    ExampleException number = rejected(new Featurizer(SCHEMA), "{\"query\": 5}");
    ExampleException listOfNumbers = rejected(new Featurizer(SCHEMA), "{\"query\": [\"a\", 5]}");
    assertThat(number.reason()).isEqualTo(RejectReason.FEATURE_TYPE_MISMATCH);
    assertThat(number.getMessage()).startsWith("features.query:").endsWith("got 5");
    assertThat(listOfNumbers.getMessage()).endsWith("got [\"a\",5]");
  }

  @Test
  void overlongString_featureTooLong() {
    String country = "x".repeat(1025);
    ExampleException e = rejected(new Featurizer(SCHEMA), "{\"country\": \"" + country + "\"}");
    assertThat(e.reason()).isEqualTo(RejectReason.FEATURE_TOO_LONG);
    assertThat(e.getMessage())
        .startsWith(
            "features.country: categorical value of 1025 characters, more than max_length 1024")
        .contains("\"xxxx");
    // exact decimals: too long written out; as a double it overflows to infinity
    Featurizer f = new Featurizer(SCHEMA);
    JsonMapper exact =
        JsonMapper.builder()
            .enable(
                com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();
    ExampleException number =
        catchThrowableOfType(
            ExampleException.class,
            () -> f.add(exact.readTree("{\"country\": 1e999999999}"), f.newBatch(1)));
    assertThat(number.reason()).isEqualTo(RejectReason.FEATURE_TOO_LONG);
    assertThat(number.getMessage()).startsWith("features.country: a number whose decimal");
    ExampleException infinite = rejected(f, "{\"country\": 1e999999999}");
    assertThat(infinite.reason()).isEqualTo(RejectReason.NOT_FINITE);
  }

  @Test
  void tooManyTokens_namesCountAndValue() {
    ExampleException e =
        rejected(new Featurizer(SCHEMA), "{\"query\": \"one two three four five\"}");
    assertThat(e.reason()).isEqualTo(RejectReason.TOO_MANY_TOKENS);
    assertThat(e.getMessage())
        .isEqualTo(
            "features.query: 5 tokens, more than max_tokens 4, got \"one two three four five\"");
    ExampleException list =
        rejected(new Featurizer(SCHEMA), "{\"query\": [\"a\", \"b\", \"c\", \"d\", \"e\"]}");
    assertThat(list.reason()).isEqualTo(RejectReason.TOO_MANY_TOKENS);
  }

  @Test
  void unknownField_errorOnlyWhenClosed() {
    FeatureSchema closed = new FeatureSchema(SCHEMA.features(), true, 0);
    ExampleException e = rejected(new Featurizer(closed), "{\"amount\": 1, \"referer\": null}");
    assertThat(e.reason()).isEqualTo(RejectReason.UNKNOWN_FEATURE);
    assertThat(e.getMessage())
        .startsWith("features.referer: not a feature of this model")
        .contains("amount, country, is_new");
    assertThat(rejected(new Featurizer(SCHEMA), "{\"amount\": 1, \"referer\": null}")).isNull();
    ExampleException csv =
        catchThrowableOfType(
            ExampleException.class,
            () ->
                new Featurizer(closed)
                    .add(Map.of("referer", "x"), new Featurizer(closed).newBatch(1)));
    assertThat(csv.reason()).isEqualTo(RejectReason.UNKNOWN_FEATURE);
  }

  @Test
  void csvBadCells_namedWithTheirText() {
    Featurizer f = new Featurizer(SCHEMA);
    ExampleException number =
        catchThrowableOfType(
            ExampleException.class, () -> f.add(Map.of("amount", "12,5"), f.newBatch(1)));
    assertThat(number.reason()).isEqualTo(RejectReason.FEATURE_TYPE_MISMATCH);
    assertThat(number.getMessage())
        .isEqualTo("features.amount: must be a number (numeric feature), got \"12,5\"");
    for (String notANumber : List.of("NaN", "Infinity", "0x10", "1.5f", "1e", ".")) {
      assertThatThrownBy(() -> f.add(Map.of("age", notANumber), f.newBatch(1)))
          .isInstanceOf(ExampleException.class)
          .hasMessageEndingWith("\"" + notANumber + "\"");
    }
    ExampleException big =
        catchThrowableOfType(
            ExampleException.class, () -> f.add(Map.of("age", "1e39"), f.newBatch(1)));
    assertThat(big.reason()).isEqualTo(RejectReason.NOT_FINITE);
    ExampleException bool =
        catchThrowableOfType(
            ExampleException.class, () -> f.add(Map.of("vip", "y"), f.newBatch(1)));
    assertThat(bool.getMessage()).startsWith("features.vip:").endsWith("\"y\"");
  }

  @Test
  void notAnObject_badJson() {
    ExampleException e = rejected(new Featurizer(SCHEMA), "[1, 2]");
    assertThat(e.reason()).isEqualTo(RejectReason.BAD_JSON);
    assertThat(e.getMessage()).startsWith("features: must be a JSON object").endsWith("[1,2]");
  }
}
