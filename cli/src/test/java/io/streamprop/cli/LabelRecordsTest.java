package io.streamprop.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamprop.wire.ExampleException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Label records as {@code label} and {@code produce --labels} build and check them. */
class LabelRecordsTest {
  private static final Map<String, byte[]> SPECS =
      Map.of(
          "iris",
          utf8("{\"inputs\": 4, \"classes\": 3, \"class_names\": [\"a\", \"b\", \"c\"]}"),
          "price",
          utf8("{\"task\": \"regression\", \"inputs\": 2, \"targets\": 1}"));

  @TempDir Path dir;

  private final LabelRecords records = new LabelRecords(SPECS);

  @Test
  void labelJson_numbersStringsAndListsAsWritten_otherTextAClassName() {
    assertThat(text(LabelRecords.labelJson("2"))).isEqualTo("2");
    assertThat(text(LabelRecords.labelJson("2.5"))).isEqualTo("2.5");
    assertThat(text(LabelRecords.labelJson("[1.5, 2]"))).isEqualTo("[1.5, 2]");
    assertThat(text(LabelRecords.labelJson("\"7\""))).isEqualTo("\"7\"");
    assertThat(text(LabelRecords.labelJson("yes"))).isEqualTo("\"yes\"");
    assertThat(text(LabelRecords.labelJson("a \"b\""))).isEqualTo("\"a \\\"b\\\"\"");
    assertThat(text(LabelRecords.labelJson("2 3"))).isEqualTo("\"2 3\"");
  }

  @Test
  void value_leavesOutWhatIsNotGiven() {
    assertThat(text(LabelRecords.value(utf8("1"), null, null))).isEqualTo("{\"label\": 1}");
    assertThat(text(LabelRecords.value(utf8("\"b\""), "iris", utf8("0.5"))))
        .isEqualTo("{\"label\": \"b\", \"model\": \"iris\", \"weight\": 0.5}");
  }

  @Test
  void check_labelAgainstTheModelsSpec() {
    records.check(0, "o-1", utf8("{\"label\": \"c\", \"model\": \"iris\"}"));
    assertThatThrownBy(() -> records.check(0, "o-1", utf8("{\"label\": 3, \"model\": \"iris\"}")))
        .isInstanceOf(ExampleException.class)
        .hasMessageContaining("0..2");
    assertThatThrownBy(
            () -> records.check(0, "o-1", utf8("{\"label\": \"d\", \"model\": \"iris\"}")))
        .hasMessageContaining("\"d\"");
    assertThatThrownBy(() -> records.check(0, "o-1", utf8("{\"label\": 1, \"model\": \"nope\"}")))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("no model 'nope'");
    assertThatThrownBy(() -> records.check(0, "", utf8("{\"label\": 1}")))
        .hasMessageContaining("id:");
    assertThatThrownBy(() -> records.check(0, "o-1", utf8("{\"label\": 1, \"weight\": -1}")))
        .hasMessageContaining("weight");
  }

  @Test
  void forEach_linesInOrder_idTakenOut_defaultModelFillsIn() throws Exception {
    Path file = dir.resolve("labels.jsonl");
    Files.writeString(
        file,
        "{\"id\": \"o-1\", \"label\": \"b\"}\n"
            + "\n"
            + "{\"id\": \"o-2\", \"label\": 2.5, \"model\": \"price\", \"weight\": 2}\n");
    List<String> seen = new ArrayList<>();
    long n = records.forEach(file, "iris", l -> seen.add(l.id() + " " + text(l.value())));
    assertThat(n).isEqualTo(2);
    assertThat(seen)
        .containsExactly(
            "o-1 {\"label\": \"b\", \"model\": \"iris\"}",
            "o-2 {\"label\": 2.5, \"model\": \"price\", \"weight\": 2}");
  }

  @Test
  void forEach_badLine_namesFileAndLine() throws Exception {
    Path file = dir.resolve("bad.jsonl");
    Files.writeString(
        file,
        "{\"id\": \"o-1\", \"label\": 1, \"model\": \"iris\"}\n"
            + "{\"id\": \"o-2\", \"label\": 5, \"model\": \"iris\"}\n");
    assertThatThrownBy(() -> records.forEach(file, null, l -> {}))
        .isInstanceOf(UserException.class)
        .hasMessageStartingWith(file + ":2: ");
    Files.writeString(file, "{\"label\": 1}\n");
    assertThatThrownBy(() -> records.forEach(file, null, l -> {}))
        .hasMessageStartingWith(file + ":1: id: missing");
    Files.writeString(file, "{\"id\": 7, \"label\": 1}\n");
    assertThatThrownBy(() -> records.forEach(file, null, l -> {}))
        .hasMessageContaining("id: expected the id as a JSON string");
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
