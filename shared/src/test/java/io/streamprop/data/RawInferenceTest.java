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
  void stringLabel_errorNamingTheLineAndValue() throws Exception {
    Path file = write("s.csv", "a,label\nx,cat\ny,dog\n");
    assertThatThrownBy(() -> SpecInference.infer(file))
        .isInstanceOf(DataFileException.class)
        .hasMessage("s.csv:2: label: expected a number (a class code or a target), got \"cat\"");
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
