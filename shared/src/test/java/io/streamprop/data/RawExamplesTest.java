package io.streamprop.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamprop.features.FeatureRow;
import io.streamprop.features.FeaturizedBatch;
import io.streamprop.features.Featurizer;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Raw files read for a spec: featurized rows, labels by name, records that featurize the same. */
class RawExamplesTest {
  @TempDir Path dir;

  private Path write(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content);
  }

  private static List<RawExamples.RawExample> readAll(Path file, ModelSpec spec)
      throws IOException {
    List<RawExamples.RawExample> rows = new ArrayList<>();
    try (RawExamples examples = RawExamples.open(file, spec)) {
      RawExamples.RawExample row;
      while ((row = examples.next()) != null) {
        rows.add(row);
      }
    }
    return rows;
  }

  /** What the trainer does with a record: parse it and featurize its features object. */
  private static FeatureRow featurizeRecord(byte[] record, ModelSpec spec) throws IOException {
    JsonNode tree = RawDataFile.JSON.readTree(record);
    Featurizer featurizer = new Featurizer(spec.features());
    FeaturizedBatch batch = featurizer.newBatch(1);
    featurizer.add(tree.get("features"), batch);
    return FeatureRow.of(batch, 0);
  }

  private static void assertSameRow(FeatureRow actual, FeatureRow expected, String what) {
    // Bits, not values: NaN (a missing number) must stay NaN, -0 stay -0.
    assertThat(actual.dense())
        .as(what)
        .usingElementComparator(Float::compare)
        .containsExactly(expected.dense());
    assertThat(actual.ids()).as(what).isDeepEqualTo(expected.ids());
  }

  @ParameterizedTest
  @ValueSource(strings = {"titanic", "chile", "house_votes_84"})
  void csvAndJsonLines_sameFeaturizedRowsAndLabels(String name) throws Exception {
    Path csv = RawExampleDatasetsTest.RAW.resolve(name + ".csv");
    ModelSpec spec = SpecInference.infer(csv);

    List<RawExamples.RawExample> fromCsv = readAll(csv, spec);
    List<RawExamples.RawExample> fromJson =
        readAll(RawExampleDatasetsTest.RAW.resolve(name + ".jsonl"), spec);

    assertThat(fromJson).hasSameSizeAs(fromCsv);
    for (int i = 0; i < fromCsv.size(); i++) {
      assertSameRow(fromJson.get(i).row(), fromCsv.get(i).row(), name + " row " + i);
      assertThat(fromJson.get(i).label()).isEqualTo(fromCsv.get(i).label());
      assertThat(fromJson.get(i).labelJson()).isEqualTo(fromCsv.get(i).labelJson());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"soybean.csv", "titanic.csv", "chile.csv", "diamonds.csv.gz"})
  void csvRecord_featurizesAsTheTrainerWould_toTheSameRow(String file) throws Exception {
    Path path = RawExampleDatasetsTest.RAW.resolve(file);
    ModelSpec spec = SpecInference.infer(path);
    int checked = 0;
    try (RawExamples examples = RawExamples.open(path, spec)) {
      RawExamples.RawExample row;
      while ((row = examples.next()) != null && checked++ < 3000) {
        assertSameRow(featurizeRecord(row.recordBytes(), spec), row.row(), file + ":" + row.line());
      }
    }
    assertThat(checked).isGreaterThan(400);
  }

  @Test
  void mixedCsv_everyKindAndMissing_recordFeaturizesToTheSameRow() throws Exception {
    Path csv = DataFileTest.resource("mixed.csv");
    ModelSpec spec = SpecInference.infer(csv);
    for (RawExamples.RawExample row : readAll(csv, spec)) {
      assertSameRow(featurizeRecord(row.recordBytes(), spec), row.row(), "line " + row.line());
    }
  }

  @Test
  void categoricalNumberCells_canonicalInTheRecord_oddDecimalsKeptAsText() throws Exception {
    ModelSpec spec =
        SpecJson.parse(
            "{\"features\": {\"code\": \"categorical\", \"n\": \"numeric\"}, \"classes\": 2}");
    Path csv = write("c.csv", "code,n,label\n2.50,1.5,0\n007,,1\n1e2,-0,1\n");

    List<RawExamples.RawExample> rows = readAll(csv, spec);

    assertThat(new String(rows.get(0).recordBytes()))
        .isEqualTo("{\"features\":{\"code\":\"2.5\",\"n\":1.5},\"label\":0}");
    assertThat(new String(rows.get(1).recordBytes()))
        .isEqualTo("{\"features\":{\"code\":\"007\",\"n\":null},\"label\":1}");
    assertThat(new String(rows.get(2).recordBytes()))
        .isEqualTo("{\"features\":{\"code\":\"100\",\"n\":-0.0},\"label\":1}");
  }

  @Test
  void labels_byName_byIndex_andRegressionTargets() throws Exception {
    ModelSpec named =
        SpecJson.parse(
            "{\"features\": {\"a\": \"categorical\"}, \"class_names\": [\"cat\", \"dog\"]}");
    ModelSpec regression =
        SpecJson.parse("{\"features\": {\"a\": \"categorical\"}, \"task\": \"regression\"}");
    Path names = write("n.csv", "a,label\nx,dog\ny,cat\nz,1\n");
    Path targets = write("t.jsonl", "{\"features\": {\"a\": \"x\"}, \"label\": 2.5}\n");

    List<RawExamples.RawExample> rows = readAll(names, named);

    assertThat(rows.stream().map(r -> r.label()[0])).containsExactly(1f, 0f, 1f);
    assertThat(rows.stream().map(r -> r.labelJson().textValue()))
        .containsExactly("dog", "cat", "dog");
    assertThat(readAll(targets, regression).get(0).label()).containsExactly(2.5f);
  }

  @Test
  void unknownClassName_errorNamingTheLineTheValueAndTheClasses() throws Exception {
    ModelSpec spec =
        SpecJson.parse(
            "{\"features\": {\"a\": \"categorical\"}, \"class_names\": [\"cat\", \"dog\"]}");
    Path csv = write("u.csv", "a,label\nx,dog\ny,cow\n");

    assertThatThrownBy(() -> readAll(csv, spec))
        .isInstanceOf(DataFileException.class)
        .hasMessage(
            "u.csv:3: label: \"cow\" is not a class of this model; its classes are \"cat\","
                + " \"dog\" (or their indices 0..1)");
  }

  @Test
  void badNumericCell_errorNamingTheLineTheFieldAndTheValue() throws Exception {
    ModelSpec spec =
        SpecJson.parse("{\"features\": {\"age\": \"numeric\"}, \"class_names\": [\"n\", \"y\"]}");
    Path csv = write("b.csv", "age,label\n30,y\nthirty,n\n");
    Path json =
        write(
            "b.jsonl",
            "{\"features\": {\"age\": 3}, \"label\": \"y\"}\n"
                + "{\"features\": {\"age\": \"x\"}, \"label\": \"y\"}\n");

    assertThatThrownBy(() -> readAll(csv, spec))
        .isInstanceOf(DataFileException.class)
        .hasMessage("b.csv:3: features.age: must be a number (numeric feature), got \"thirty\"");
    assertThatThrownBy(() -> readAll(json, spec))
        .isInstanceOf(DataFileException.class)
        .hasMessage("b.jsonl:2: features.age: must be a number (numeric feature), got \"x\"");
  }

  @Test
  void missingLabel_errorNamingTheLine() throws Exception {
    ModelSpec spec = SpecJson.parse("{\"features\": {\"a\": \"categorical\"}, \"classes\": 2}");
    Path csv = write("m.csv", "a,label\nx,0\ny,\n");

    assertThatThrownBy(() -> readAll(csv, spec))
        .isInstanceOf(DataFileException.class)
        .hasMessage("m.csv:3: label: missing; every row needs its label");
  }

  private static final ModelSpec TINY =
      SpecJson.parse(
          "{\"task\": \"classification\", \"classes\": 2, \"class_names\": [\"no\", \"yes\"],"
              + " \"features\": [{\"name\": \"city\", \"kind\": \"categorical\"}]}");

  @Test
  void jsonLinesWeight_readAsTheTrainerReadsIt_andKeptInTheRecord() throws Exception {
    String[] weights = {"0", "-0.0", "2", "0.1", "1e-3", "3.4e38", "0.30000000000000004"};
    StringBuilder file =
        new StringBuilder("{\"features\": {\"city\": \"a\"}, \"label\": \"no\"}\n");
    for (String w : weights) {
      file.append("{\"features\": {\"city\": \"b\"}, \"label\": \"yes\", \"weight\": ")
          .append(w)
          .append("}\n");
    }
    List<RawExamples.RawExample> rows = readAll(write("w.jsonl", file.toString()), TINY);

    assertThat(rows.get(0).weight()).isEqualTo(1f);
    assertThat(new String(rows.get(0).recordBytes(), java.nio.charset.StandardCharsets.UTF_8))
        .doesNotContain("weight");
    io.streamprop.wire.ExampleParser trainer = new io.streamprop.wire.ExampleParser(TINY);
    for (int i = 0; i < weights.length; i++) {
      RawExamples.RawExample row = rows.get(i + 1);
      float trainerWeight = trainer.parse(row.recordBytes()).weight();
      assertThat(Float.floatToRawIntBits(row.weight()))
          .as("weight " + weights[i])
          .isEqualTo(Float.floatToRawIntBits(trainerWeight));
    }
    assertThat(rows.get(3).weight()).isEqualTo(2f);
  }

  @ParameterizedTest
  @ValueSource(strings = {"-1", "-2.5", "\"2\"", "true", "[1]"})
  void jsonLinesBadWeight_errorNamesTheLineTheFieldAndTheValue(String weight) throws Exception {
    Path file =
        write(
            "bad.jsonl",
            "{\"features\": {\"city\": \"a\"}, \"label\": \"no\"}\n"
                + "{\"features\": {\"city\": \"a\"}, \"label\": \"no\", \"weight\": "
                + weight
                + "}\n");

    assertThatThrownBy(() -> readAll(file, TINY))
        .isInstanceOf(DataFileException.class)
        .hasMessageStartingWith("bad.jsonl:2: weight: must be a finite number >= 0")
        .hasMessageEndingWith("got " + weight);
  }
}
