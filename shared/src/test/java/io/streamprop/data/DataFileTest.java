package io.streamprop.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataFileTest {

  @TempDir Path dir;

  static Path resource(String name) throws URISyntaxException {
    return Path.of(DataFileTest.class.getResource("/data/" + name).toURI());
  }

  private Path write(String name, String content) throws IOException {
    Path path = dir.resolve(name);
    Files.writeString(path, content, StandardCharsets.UTF_8);
    return path;
  }

  private Path writeGzip(String name, String content) throws IOException {
    Path path = dir.resolve(name);
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(path))) {
      out.write(content.getBytes(StandardCharsets.UTF_8));
    }
    return path;
  }

  private static List<DataFile.Row> readAll(Path path) throws IOException {
    List<DataFile.Row> rows = new ArrayList<>();
    try (DataFile data = DataFile.open(path)) {
      DataFile.Row row;
      while ((row = data.next()) != null) {
        rows.add(row);
      }
    }
    return rows;
  }

  @Test
  void irisCsv_read_inFileOrderWithHeaderNames() throws Exception {
    try (DataFile data = DataFile.open(resource("iris.csv"))) {
      assertThat(data.format()).isEqualTo(DataFile.Format.CSV);
      assertThat(data.featureNames())
          .containsExactly("sepal_length", "sepal_width", "petal_length", "petal_width");
      assertThat(data.labelName()).isEqualTo("label");
      DataFile.Row first = data.next();
      assertThat(first.line()).isEqualTo(2);
      assertThat(first.features()).containsExactly(6.1f, 2.8f, 4.7f, 1.2f);
      assertThat(first.label()).containsExactly(1f);
    }
    assertThat(readAll(resource("iris.csv"))).hasSize(150);
  }

  @Test
  void labelColumnAnywhere_foundByName_elseLastColumnIsTheLabel() throws IOException {
    List<DataFile.Row> named = readAll(write("a.csv", "label,x,y\n1,2,3\n"));
    List<DataFile.Row> last = readAll(write("b.csv", "x,y,target\n1,2,3\n"));

    assertThat(named.get(0).label()).containsExactly(1f);
    assertThat(named.get(0).features()).containsExactly(2f, 3f);
    assertThat(last.get(0).label()).containsExactly(3f);
    assertThat(last.get(0).features()).containsExactly(1f, 2f);
  }

  @Test
  void gzipCsvWithQuotesCrlfAndBlankLines_read() throws IOException {
    Path path = writeGzip("q.csv.gz", "\"a,1\",\"b\"\"\",label\r\n1, 2 ,0\r\n\r\n\"3\",4,1\r\n");

    try (DataFile data = DataFile.open(path)) {
      assertThat(data.featureNames()).containsExactly("a,1", "b\"");
      assertThat(data.next().features()).containsExactly(1f, 2f);
      DataFile.Row second = data.next();
      assertThat(second.line()).isEqualTo(4);
      assertThat(second.features()).containsExactly(3f, 4f);
      assertThat(data.next()).isNull();
    }
  }

  @Test
  void csvNumbersOfEveryForm_read_asFloatParseFloatReadsThem() throws IOException {
    String[] cells = {
      "0",
      "-0",
      "7",
      " 42 ",
      "-12",
      "1234567",
      "16777217",
      "123456789012",
      "1e3",
      "-2.5E-3",
      "0.1",
      "3.4028235e38",
      "1.4e-45",
      "+5",
      "007"
    };
    Path path =
        write("forms.csv", String.join(",", cells) + ",label\n" + String.join(",", cells) + ",0\n");

    float[] features = readAll(path).get(0).features();

    for (int i = 0; i < cells.length; i++) {
      assertThat(Float.floatToRawIntBits(features[i]))
          .as(cells[i])
          .isEqualTo(Float.floatToRawIntBits(Float.parseFloat(cells[i].strip())));
    }
  }

  @Test
  void badCsvCell_reported_withFileLineAndColumn() throws IOException {
    Path path = write("bad.csv", "x,y,label\n1,2,0\n1,abc,1\n");

    assertThatThrownBy(() -> readAll(path))
        .isInstanceOf(DataFileException.class)
        .hasMessage("bad.csv:3: column y: not a number: \"abc\"");
  }

  @Test
  void nonFiniteOrMissingCsvCell_reported() throws IOException {
    assertThatThrownBy(() -> readAll(write("n.csv", "x,label\nNaN,0\n")))
        .hasMessage("n.csv:2: column x: not a finite float32: \"NaN\"");
    assertThatThrownBy(() -> readAll(write("e.csv", "x,label\n,0\n")))
        .hasMessage("e.csv:2: column x: not a number: \"\"");
    assertThatThrownBy(() -> readAll(write("o.csv", "x,label\n1e39,0\n")))
        .hasMessageContaining("not a finite float32");
  }

  @Test
  void csvRowOfWrongWidth_reported() throws IOException {
    assertThatThrownBy(() -> readAll(write("w.csv", "x,y,label\n1,2,3\n1,2\n")))
        .hasMessage("w.csv:3: expected 3 columns as in the header, got 2");
    assertThatThrownBy(() -> readAll(write("v.csv", "x,y,label\n1,2,3,4\n")))
        .hasMessage("v.csv:2: expected 3 columns as in the header, got 4");
    assertThatThrownBy(() -> readAll(write("l.csv", "label,x\n1,2\nz,3\n")))
        .hasMessage("l.csv:3: column label: not a number: \"z\"");
  }

  @Test
  void jsonLines_read_withListsOrNames() throws IOException {
    Path lists =
        write(
            "l.jsonl",
            "{\"features\": [1, 2], \"label\": 0, \"id\": 7}\n\n{\"label\": [1.5], \"features\": [3, 4]}\n");
    Path names =
        write(
            "n.jsonl",
            "{\"features\": {\"b\": 2, \"a\": 1}, \"label\": [1, 2]}\n"
                + "{\"features\": {\"a\": 3, \"b\": 4}, \"label\": [3, 4]}\n");

    List<DataFile.Row> listRows = readAll(lists);
    assertThat(listRows).hasSize(2);
    assertThat(listRows.get(1).line()).isEqualTo(3);
    assertThat(listRows.get(1).features()).containsExactly(3f, 4f);
    try (DataFile data = DataFile.open(names)) {
      assertThat(data.format()).isEqualTo(DataFile.Format.JSON_LINES);
      assertThat(data.featureNames()).containsExactly("b", "a");
      assertThat(data.labelWidth()).isEqualTo(2);
      assertThat(data.next().features()).containsExactly(2f, 1f);
      assertThat(data.next().features()).containsExactly(4f, 3f);
    }
  }

  @Test
  void jsonLineThatDisagreesWithTheFirst_reported() throws IOException {
    assertThatThrownBy(
            () ->
                readAll(
                    write(
                        "d.jsonl",
                        "{\"features\": [1, 2], \"label\": 0}\n{\"features\": [1], \"label\": 0}\n")))
        .hasMessage("d.jsonl:2: expected 2 features as in the first row, got 1");
    assertThatThrownBy(
            () ->
                readAll(
                    write("j.jsonl", "{\"features\": [1], \"label\": 0}\n{\"features\": [1]\n")))
        .hasMessageStartingWith("j.jsonl:2: not valid JSON");
    assertThatThrownBy(
            () ->
                readAll(
                    write(
                        "m.jsonl",
                        "{\"features\": {\"a\": 1}, \"label\": 0}\n{\"features\": {\"b\": 1}, \"label\": 0}\n")))
        .hasMessage("m.jsonl:2: feature b is not in the first row");
  }

  @Test
  void emptyFile_reported() throws IOException {
    Path path = write("empty.csv", "\n\n");

    assertThatThrownBy(() -> DataFile.open(path)).hasMessage("empty.csv: the file is empty");
  }
}
