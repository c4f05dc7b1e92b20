package io.streamprop.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamprop.data.SpecInference;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The simulated client's rows: instance, label record and example agree, the file loops. */
class DemoRowsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void numbers_instanceAndLabelAreTheExamplesOwn_inTheSpecsOrder_fileLoops() throws Exception {
    Path data = Files.writeString(dir.resolve("d.csv"), "b,a,label\n1.5,2,1\n3,0.25,0\n");
    ModelSpec spec =
        SpecJson.parse(
            "{\"inputs\": 2, \"classes\": 2, \"feature_names\": [\"a\", \"b\"], \"hidden\": [4]}");

    try (DemoRows rows = new DemoRows(data, spec)) {
      DemoRows.Row first = rows.next();
      assertThat(first.instance()).isEqualTo("[2.0,1.5]");
      assertThat(utf8(first.labelValue())).isEqualTo("{\"label\":1}");
      assertThat(utf8(first.example())).isEqualTo("{\"features\":[2.0,1.5],\"label\":1}");
      assertThat(rows.next().instance()).isEqualTo("[0.25,3.0]");
      assertThat(rows.next().instance()).as("from the top again").isEqualTo("[2.0,1.5]");
    }
  }

  @Test
  void raw_instanceIsTheRawObject_labelAsTheExampleHasIt() throws Exception {
    Path data = Path.of("..", "examples", "data", "raw", "titanic.csv");
    ModelSpec spec = SpecInference.infer(data);

    try (DemoRows rows = new DemoRows(data, spec)) {
      DemoRows.Row row = rows.next();
      JsonNode example = JSON.readTree(row.example());
      JsonNode label = JSON.readTree(row.labelValue());
      assertThat(JSON.readTree(row.instance())).isEqualTo(example.get("features"));
      assertThat(JSON.readTree(row.instance()).isObject()).isTrue();
      assertThat(label.get("label")).isEqualTo(example.get("label"));
    }
  }

  @Test
  void emptyFile_refused() throws Exception {
    Path data = Files.writeString(dir.resolve("e.csv"), "a,b,label\n");
    ModelSpec spec = SpecJson.parse("{\"inputs\": 2, \"classes\": 2, \"hidden\": [4]}");

    try (DemoRows rows = new DemoRows(data, spec)) {
      assertThatThrownBy(rows::next)
          .isInstanceOf(DemoException.class)
          .hasMessageContaining("no rows");
    }
  }

  private static String utf8(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
