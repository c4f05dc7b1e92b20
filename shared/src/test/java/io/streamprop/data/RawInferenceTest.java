package io.streamprop.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamprop.features.FeatureKind;
import io.streamprop.features.FeatureSchema;
import io.streamprop.features.FeatureSpec;
import io.streamprop.features.FeaturizedBatch;
import io.streamprop.features.Featurizer;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.ModelSpec.Task;
import io.streamprop.spec.SpecDefaults;
import io.streamprop.spec.SpecJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Raw (mixed-type) files: RFC 4180 CSV, JSON lines of any values, and their inferred features. */
class RawInferenceTest {
  @TempDir Path dir;

  private Path write(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content);
  }

  private static List<FeatureKind> kinds(ModelSpec spec) {
    return spec.features().features().stream().map(FeatureSpec::kind).toList();
  }

  @Test
  void csv_rfc4180_quotesCommasDoubledQuotesLineBreaksCrlf() throws Exception {
    try (RawDataFile file = RawDataFile.open(DataFileTest.resource("mixed.csv"))) {
      assertThat(file.format()).isEqualTo(DataFile.Format.CSV);
      assertThat(file.featureColumns())
          .containsExactly("country", "device", "amount", "is_new", "query", "plan");
      assertThat(file.labelName()).isEqualTo("label");
      List<RawDataFile.RawRow> rows = new ArrayList<>();
      RawDataFile.RawRow row;
      while ((row = file.next()) != null) {
        rows.add(row);
      }
      assertThat(rows).hasSize(4);
      assertThat(rows.get(1).cells().get("query")).isEqualTo("blue shoes, size 42");
      assertThat(rows.get(1).cells().get("amount")).isEmpty();
      assertThat(rows.get(2).cells().get("query")).isEqualTo("the \"best\" shoes\r\nfor running");
      assertThat(rows.get(2).cells().get("country")).isEqualTo("ID");
      assertThat(rows.get(3).cells().get("device")).isEqualTo("android");
      assertThat(rows.get(3).label().textValue()).isEqualTo("0");
      assertThat(rows.get(0).line()).isEqualTo(2);
      assertThat(rows.get(3).line()).isEqualTo(7);
    }
  }

  @Test
  void mixedCsv_inferredKinds_classification() throws Exception {
    SpecInference.Inference inference = SpecInference.analyze(DataFileTest.resource("mixed.csv"));
    ModelSpec spec = inference.spec();

    assertThat(spec.hasFeatures()).isTrue();
    assertThat(kinds(spec))
        .containsExactly(
            FeatureKind.CATEGORICAL, // country
            FeatureKind.CATEGORICAL, // device
            FeatureKind.NUMERIC, // amount, one cell empty
            FeatureKind.BOOLEAN, // true, FALSE, yes, no
            FeatureKind.TOKENS, // 4 tokens per value on average
            FeatureKind.NUMERIC); // plan: integer codes 1..3 stay numeric
    assertThat(spec.task()).isEqualTo(Task.CLASSIFICATION);
    assertThat(spec.outputs()).isEqualTo(2);
    assertThat(inference.rows()).isEqualTo(4);
    assertThat(inference.featureReasons()).contains("query: tokens (4.0 tokens per value)");
    assertThat(SpecJson.parse(SpecJson.write(spec))).isEqualTo(spec);
    assertThat(SpecInference.infer(DataFileTest.resource("mixed.csv"))).isEqualTo(spec);
  }

  @Test
  void mixedCsv_everyRowFeaturizes() throws Exception {
    FeatureSchema schema = SpecInference.infer(DataFileTest.resource("mixed.csv")).features();
    Featurizer featurizer = new Featurizer(schema);
    FeaturizedBatch batch = featurizer.newBatch(8);
    try (RawDataFile file = RawDataFile.open(DataFileTest.resource("mixed.csv"))) {
      RawDataFile.RawRow row;
      while ((row = file.next()) != null) {
        featurizer.add(row.cells(), batch);
      }
    }
    assertThat(batch.size()).isEqualTo(4);
    int w = batch.denseWidth();
    assertThat(batch.dense()[w]).isNaN(); // row 1: amount empty
    assertThat(batch.dense()[w + 2]).isEqualTo(1f); // its missing indicator
  }

  @Test
  void mixedJsonLines_inferredKindsInFirstAppearanceOrder() throws Exception {
    ModelSpec spec = SpecInference.infer(DataFileTest.resource("mixed.jsonl"));

    assertThat(spec.features().features().stream().map(FeatureSpec::name))
        .containsExactly("country", "amount", "is_new", "tags", "code", "note");
    assertThat(kinds(spec))
        .containsExactly(
            FeatureKind.CATEGORICAL,
            FeatureKind.NUMERIC,
            FeatureKind.BOOLEAN,
            FeatureKind.TOKENS, // lists of strings
            FeatureKind.CATEGORICAL, // numbers and a string
            FeatureKind.TOKENS); // 4 and 2 tokens: 3 per value
    assertThat(spec.outputs()).isEqualTo(3);
    Featurizer featurizer = new Featurizer(spec.features());
    FeaturizedBatch batch = featurizer.newBatch(3);
    try (RawDataFile file = RawDataFile.open(DataFileTest.resource("mixed.jsonl"))) {
      RawDataFile.RawRow row;
      while ((row = file.next()) != null) {
        featurizer.add(row.features(), batch);
      }
    }
    assertThat(batch.size()).isEqualTo(3);
  }

  @Test
  void fewCategories_oneHotInTheFewestBucketsThatKeepThemApart() throws Exception {
    // color: 3 values, one-hot; city: 9 values (more than the default embedding's 8 dimensions),
    // embedded with the defaults.
    StringBuilder csv = new StringBuilder("color,city,label\n");
    String[] colors = {"red", "green", "blue"};
    for (int i = 0; i < 9; i++) {
      csv.append(colors[i % 3]).append(",c").append(i).append(',').append(i % 2).append('\n');
    }
    csv.append(",c0,0\n"); // a missing color
    SpecInference.Inference inference = SpecInference.analyze(write("c.csv", csv.toString()));
    FeatureSpec color = inference.spec().features().feature(0);
    FeatureSpec city = inference.spec().features().feature(1);

    assertThat(color.oneHot()).isTrue();
    assertThat(color.embeddingDim()).isEqualTo(color.buckets());
    assertThat(color.buckets()).isBetween(colors.length + 1, SpecDefaults.CATEGORICAL_BUCKETS);
    assertThat(distinctBuckets("color", colors, color.buckets())).isEqualTo(colors.length);
    for (int fewer = colors.length + 1; fewer < color.buckets(); fewer++) {
      assertThat(distinctBuckets("color", colors, fewer)).as("%s buckets", fewer).isLessThan(3);
    }
    assertThat(city).isEqualTo(FeatureSpec.categorical("city"));
    assertThat(inference.featureReasons())
        .contains(
            "color: categorical (1.0 tokens per value), 3 values: one-hot in "
                + color.buckets()
                + " buckets");

    // The featurizer puts each color's 1 in a column of its own, the missing color in bucket 0.
    Featurizer featurizer = new Featurizer(inference.spec().features());
    FeaturizedBatch batch = featurizer.newBatch(4);
    for (String value : new String[] {"red", "green", "blue", ""}) {
      featurizer.add(java.util.Map.of("color", value, "city", "c1"), batch);
    }
    int block = inference.spec().features().layout().column(0);
    List<Integer> hot = new ArrayList<>();
    for (int row = 0; row < 4; row++) {
      for (int j = 0; j < color.buckets(); j++) {
        if (batch.dense()[row * batch.denseWidth() + block + j] == 1f) {
          hot.add(j);
        }
      }
    }
    assertThat(hot).hasSize(4).doesNotHaveDuplicates().endsWith(0);
  }

  @Test
  void fewCategories_jsonNumbersCountByTheirCanonicalDecimal() throws Exception {
    // 100, 1e2 and "100" are one category ("100"); with "x" and true, 3 values in all.
    Path file =
        write(
            "n.jsonl",
            """
            {"features": {"code": 100}, "label": 0}
            {"features": {"code": 1e2}, "label": 1}
            {"features": {"code": "100"}, "label": 0}
            {"features": {"code": "x"}, "label": 1}
            {"features": {"code": true}, "label": 0}
            """);
    SpecInference.Inference inference = SpecInference.analyze(file);

    assertThat(inference.spec().features().feature(0).oneHot()).isTrue();
    assertThat(inference.featureReasons().get(0)).contains(", 3 values: one-hot in ");
  }

  @Test
  void chile_smallCategoricalsOneHot_csvAndJsonLinesAgree() throws Exception {
    Path raw = Path.of("..", "examples", "data", "raw");
    ModelSpec csv = SpecInference.infer(raw.resolve("chile.csv"));
    ModelSpec json = SpecInference.infer(raw.resolve("chile.jsonl"));

    assertThat(json.features()).isEqualTo(csv.features());
    for (FeatureSpec f : csv.features().features()) {
      assertThat(f.oneHot()).as(f.name()).isEqualTo(f.kind() == FeatureKind.CATEGORICAL);
    }
  }

  /** How many distinct buckets the values of feature {@code name} take among {@code buckets}. */
  private static long distinctBuckets(String name, String[] values, int buckets) {
    return java.util.Arrays.stream(values)
        .mapToInt(v -> Featurizer.categoricalBucket(name, v, buckets, SpecDefaults.HASH_SEED))
        .distinct()
        .count();
  }

  @Test
  void numericFiles_keepTheNumericVectorSpec() throws Exception {
    ModelSpec csv = SpecInference.infer(write("n.csv", "a,b,label\n1,2.5,0\n3,4,1\n"));
    ModelSpec named =
        SpecInference.infer(
            write(
                "n.jsonl",
                "{\"features\": {\"a\": 1, \"b\": 2}, \"label\": 0}\n"
                    + "{\"features\": {\"b\": 3, \"a\": 4}, \"label\": 1}\n"));

    assertThat(csv.hasFeatures()).isFalse();
    assertThat(csv.featureNames()).containsExactly("a", "b");
    assertThat(named.hasFeatures()).isFalse();
    assertThat(named.featureNames()).containsExactly("a", "b");
  }

  @Test
  void oneEmptyCellOrString_makesAFeatureSpec() throws Exception {
    ModelSpec empty = SpecInference.infer(write("e.csv", "a,b,label\n1,,0\n3,4,1\n"));
    ModelSpec text = SpecInference.infer(write("t.csv", "a,b,label\n1,x,0\n3,4,1\n"));

    assertThat(kinds(empty)).containsExactly(FeatureKind.NUMERIC, FeatureKind.NUMERIC);
    assertThat(kinds(text)).containsExactly(FeatureKind.NUMERIC, FeatureKind.CATEGORICAL);
  }

  @Test
  void zeroOneColumn_numeric_yesNoColumn_boolean() throws Exception {
    ModelSpec spec =
        SpecInference.infer(write("b.csv", "z,y,label\n0,yes,0\n1,No,1\n1,,1\n0,TRUE,0\n"));

    assertThat(kinds(spec)).containsExactly(FeatureKind.NUMERIC, FeatureKind.BOOLEAN);
  }

  @Test
  void stringLabels_classificationWithClassNamesInCodePointOrder() throws Exception {
    // "Z" < "a" < "é" (U+00E9) < "Ａ" (U+FF21) < "😀" (U+1F600): by code point, as Python's
    // sorted() and scikit-learn's LabelEncoder; String.compareTo would put the emoji (a surrogate
    // pair, 0xD83D...) before U+FF21.
    Path file = write("s.csv", "a,label\nx,\uff21\ny,a\nz,😀\nx,Z\ny,é\nz,a\n");

    SpecInference.Inference inference = SpecInference.analyze(file);

    assertThat(inference.spec().task()).isEqualTo(Task.CLASSIFICATION);
    assertThat(inference.spec().classNames()).containsExactly("Z", "a", "é", "\uff21", "😀");
    assertThat(inference.spec().outputs()).isEqualTo(5);
    assertThat(inference.reason())
        .isEqualTo(
            "label holds 5 distinct names: classification with 5 classes, class_names in code"
                + " point order");
    assertThat(SpecJson.parse(SpecJson.write(inference.spec()))).isEqualTo(inference.spec());
  }

  @Test
  void stringLabels_numbersAmongThemNamedByTheirCanonicalDecimal() throws Exception {
    Path csv = write("n.csv", "a,label\nx,10\ny,2.0\nz,other\nx,2\n");
    Path json =
        write(
            "n.jsonl",
            "{\"features\": {\"a\": \"x\"}, \"label\": 10}\n"
                + "{\"features\": {\"a\": \"y\"}, \"label\": 2.0}\n"
                + "{\"features\": {\"a\": \"z\"}, \"label\": \"other\"}\n");

    assertThat(SpecInference.infer(csv).classNames()).containsExactly("10", "2", "other");
    assertThat(SpecInference.infer(json).classNames()).containsExactly("10", "2", "other");
  }

  @Test
  void stringLabels_numericFeatures_featureSpecOfNumbers() throws Exception {
    ModelSpec spec = SpecInference.infer(write("i.csv", "a,b,label\n1,2,setosa\n3,4,virginica\n"));

    assertThat(spec.hasFeatures()).isTrue();
    assertThat(kinds(spec)).containsExactly(FeatureKind.NUMERIC, FeatureKind.NUMERIC);
    assertThat(spec.classNames()).containsExactly("setosa", "virginica");
  }

  @Test
  void stringLabels_sameFileInAnotherRowOrder_sameClassNames() throws Exception {
    ModelSpec one = SpecInference.infer(write("o1.csv", "a,label\nx,b\ny,c\nz,a\n"));
    ModelSpec two = SpecInference.infer(write("o2.csv", "a,label\nz,a\nx,c\ny,b\n"));

    assertThat(one.classNames()).containsExactly("a", "b", "c").isEqualTo(two.classNames());
  }

  @Test
  void oneClassName_errorNamingTheClass() throws Exception {
    Path file = write("one.csv", "a,label\nx,cat\ny,cat\n");
    assertThatThrownBy(() -> SpecInference.infer(file))
        .isInstanceOf(DataFileException.class)
        .hasMessage(
            "label: every row has the class \"cat\"; a classifier needs at least 2 classes");
  }

  @Test
  void missingLabel_errorNamingTheLine() throws Exception {
    Path file = write("m.csv", "a,label\nx,cat\ny,\n");
    assertThatThrownBy(() -> SpecInference.infer(file))
        .isInstanceOf(DataFileException.class)
        .hasMessage(
            "m.csv:3: label: expected a class name, a class code or a target, got nothing (every"
                + " row needs its label)");
  }

  @Test
  void jsonObjectValue_errorNamingTheFeature() throws Exception {
    Path file = write("o.jsonl", "{\"features\": {\"a\": {\"b\": 1}}, \"label\": 0}\n");
    assertThatThrownBy(() -> SpecInference.infer(file))
        .isInstanceOf(DataFileException.class)
        .hasMessageStartingWith("o.jsonl:1: features.a: a raw feature is a number");
  }

  @Test
  void csvRowOfWrongWidth_errorNamingTheLine() throws Exception {
    Path file = write("w.csv", "a,b,label\nx,1,0\ny,2\n");
    assertThatThrownBy(() -> SpecInference.infer(file))
        .isInstanceOf(DataFileException.class)
        .hasMessage("w.csv:3: expected 3 columns as in the header, got 2");
  }
}
