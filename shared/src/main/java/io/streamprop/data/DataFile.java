package io.streamprop.data;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.NumberInput;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Reads a dataset row by row, in file order, for the command line and producers. Two formats,
 * either optionally gzip-compressed (detected from the content, not the name):
 *
 * <ul>
 *   <li><b>CSV</b>: a header row, then one example per line, all numeric. The label is the column
 *       named {@code label}, else the last column; every other column is a feature, named by the
 *       header. Fields may be quoted ({@code "a,b"}); blank lines are skipped.
 *   <li><b>JSON lines</b>: one example per line in the {@code examples} topic's form, {@code
 *       {"features": [..] or {name: v}, "label": n or [..]}}. The first row fixes the width (and
 *       the names, for named features); every row must agree.
 * </ul>
 *
 * <p>The format is JSON lines when the first non-blank character is {@code {}, else CSV. Every
 * value must be a finite number; a bad row stops reading with a {@link DataFileException} naming
 * the file, the line and the column, so that nothing is dropped silently. Not thread-safe.
 */
public final class DataFile implements Closeable {

  /** The two layouts a data file may have. */
  public enum Format {
    CSV,
    JSON_LINES
  }

  /**
   * One example.
   *
   * @param line the 1-based line number in the (uncompressed) file
   * @param features the feature values, in column (or first-row name) order
   * @param label the label: one value for CSV, the label's width for JSON lines
   */
  public record Row(long line, float[] features, float[] label) {}

  private static final JsonFactory JSON =
      JsonFactory.builder().enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER).build();

  private final String source;
  private final BufferedReader reader;
  private final Format format;
  private final List<String> featureNames;
  private final String labelName;
  private final int labelColumn;
  private final int columns;
  private long lineNumber;
  private char[] chars = new char[1024]; // CSV: the current line, reused
  private Row first; // JSON lines: read ahead to learn the width
  private Map<String, Integer> jsonNameIndex;
  private int featureWidth = -1;
  private int labelWidth = -1;

  private DataFile(Path path, BufferedReader reader) throws IOException {
    this.source = path.getFileName() == null ? path.toString() : path.getFileName().toString();
    this.reader = reader;
    String header = nextNonBlankLine();
    if (header == null) {
      throw new DataFileException(source + ": the file is empty");
    }
    if (header.startsWith("\ufeff")) {
      header = header.substring(1);
    }
    if (header.stripLeading().startsWith("{")) {
      format = Format.JSON_LINES;
      labelName = "label";
      labelColumn = -1;
      columns = -1;
      first = parseJsonLine(header);
      featureNames = jsonNameIndex == null ? List.of() : List.copyOf(namesInOrder(jsonNameIndex));
    } else {
      format = Format.CSV;
      List<String> cells = splitCsv(header);
      columns = cells.size();
      if (columns < 2) {
        throw new DataFileException(
            where() + ": the header must name at least one feature and the label, got " + header);
      }
      int label = cells.indexOf("label");
      labelColumn = label >= 0 ? label : columns - 1;
      labelName = cells.get(labelColumn);
      List<String> names = new ArrayList<>(cells);
      names.remove(labelColumn);
      featureNames = List.copyOf(names);
      featureWidth = featureNames.size();
      labelWidth = 1;
    }
  }

  /**
   * Opens a CSV or JSON-lines file, gzip-compressed or not.
   *
   * @throws DataFileException if the file is empty or its header cannot be used
   */
  public static DataFile open(Path path) throws IOException {
    InputStream in = new BufferedInputStream(Files.newInputStream(path), 1 << 16);
    try {
      in.mark(2);
      int b0 = in.read();
      int b1 = in.read();
      in.reset();
      if (b0 == 0x1f && b1 == 0x8b) {
        in = new GZIPInputStream(in, 1 << 16);
      }
      BufferedReader reader =
          new BufferedReader(
              new InputStreamReader(
                  in,
                  StandardCharsets.UTF_8
                      .newDecoder()
                      .onMalformedInput(CodingErrorAction.REPORT)
                      .onUnmappableCharacter(CodingErrorAction.REPORT)),
              1 << 16);
      return new DataFile(path, reader);
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
  }

  public Format format() {
    return format;
  }

  /** Feature names from the CSV header (or the first JSON row's names); empty if positional. */
  public List<String> featureNames() {
    return featureNames;
  }

  /** Number of features per row. */
  public int featureCount() {
    return featureWidth;
  }

  /** Number of label values per row (1 for CSV). */
  public int labelWidth() {
    return labelWidth;
  }

  /** The label column's name (CSV), or {@code label} (JSON lines). */
  public String labelName() {
    return labelName;
  }

  /**
   * The next row, or null at the end of the file.
   *
   * @throws DataFileException for a row that cannot be used, naming the file, line and column
   */
  public Row next() throws IOException {
    if (first != null) {
      Row row = first;
      first = null;
      return row;
    }
    String line = nextNonBlankLine();
    if (line == null) {
      return null;
    }
    return format == Format.CSV ? parseCsvLine(line) : parseJsonLine(line);
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }

  private String nextNonBlankLine() throws IOException {
    String line;
    do {
      line = reader.readLine();
      if (line == null) {
        return null;
      }
      lineNumber++;
    } while (line.isBlank());
    return line;
  }

  private String where() {
    return source + ":" + lineNumber;
  }

  private Row parseCsvLine(String line) {
    if (line.indexOf('"') >= 0) {
      return parseQuotedCsvLine(line); // rare: quoted cells take the general path
    }
    // Fast path: numbers are parsed from slices of one reused char buffer, no String per cell.
    int length = line.length();
    if (chars.length < length) {
      chars = new char[Math.max(length, 2 * chars.length)];
    }
    line.getChars(0, length, chars, 0);
    float[] features = new float[columns - 1];
    float[] label = new float[1];
    int column = 0;
    int feature = 0;
    int start = 0;
    for (int i = 0; i <= length; i++) {
      if (i < length && chars[i] != ',') {
        continue;
      }
      if (column >= columns) {
        throw wrongWidth(line);
      }
      float value = number(chars, start, i, column);
      if (column == labelColumn) {
        label[0] = value;
      } else {
        features[feature++] = value;
      }
      column++;
      start = i + 1;
    }
    if (column != columns) {
      throw wrongWidth(line);
    }
    return new Row(lineNumber, features, label);
  }

  private Row parseQuotedCsvLine(String line) {
    List<String> cells = splitCsv(line);
    if (cells.size() != columns) {
      throw wrongWidth(line);
    }
    float[] features = new float[columns - 1];
    float[] label = new float[1];
    for (int c = 0, f = 0; c < columns; c++) {
      char[] cell = cells.get(c).toCharArray();
      float value = number(cell, 0, cell.length, c);
      if (c == labelColumn) {
        label[0] = value;
      } else {
        features[f++] = value;
      }
    }
    return new Row(lineNumber, features, label);
  }

  private DataFileException wrongWidth(String line) {
    return new DataFileException(
        where()
            + ": expected "
            + columns
            + " columns as in the header, got "
            + splitCsv(line).size());
  }

  /** The number in {@code text[from, to)}, spaces around it ignored; small integers fast. */
  private float number(char[] text, int from, int to, int column) {
    while (from < to && (text[from] == ' ' || text[from] == '\t')) {
      from++;
    }
    while (to > from && (text[to - 1] == ' ' || text[to - 1] == '\t')) {
      to--;
    }
    int digitsFrom = from < to && text[from] == '-' ? from + 1 : from;
    if (to > digitsFrom && to - digitsFrom <= 7) {
      // Up to 7 digits is exact in a float; pixels and codes take this path.
      int value = 0;
      int i = digitsFrom;
      while (i < to && text[i] >= '0' && text[i] <= '9') {
        value = value * 10 + (text[i] - '0');
        i++;
      }
      if (i == to) {
        return digitsFrom > from ? -(float) value : (float) value;
      }
    }
    float value;
    try {
      if (from == to) {
        throw new NumberFormatException();
      }
      value = NumberInput.parseFloat(text, from, to - from, true);
    } catch (NumberFormatException e) {
      throw new DataFileException(
          where()
              + ": column "
              + columnName(column)
              + ": not a number: \""
              + abbreviate(new String(text, from, to - from))
              + "\"");
    }
    if (!Float.isFinite(value)) {
      throw new DataFileException(
          where()
              + ": column "
              + columnName(column)
              + ": not a finite float32: \""
              + abbreviate(new String(text, from, to - from))
              + "\"");
    }
    return value;
  }

  private String columnName(int column) {
    if (column == labelColumn) {
      return labelName;
    }
    return featureNames.get(column < labelColumn ? column : column - 1);
  }

  /** Splits one CSV line; a field in double quotes may hold commas and doubled quotes. */
  static List<String> splitCsv(String line) {
    List<String> cells = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char ch = line.charAt(i);
      if (quoted) {
        if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          cell.append('"');
          i++;
        } else if (ch == '"') {
          quoted = false;
        } else {
          cell.append(ch);
        }
      } else if (ch == '"') {
        quoted = true;
      } else if (ch == ',') {
        cells.add(cell.toString().strip());
        cell.setLength(0);
      } else {
        cell.append(ch);
      }
    }
    cells.add(cell.toString().strip());
    return cells;
  }

  private Row parseJsonLine(String line) throws IOException {
    float[] features = null;
    float[] label = null;
    try (JsonParser p = JSON.createParser(line)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new DataFileException(where() + ": expected a JSON object per line");
      }
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        JsonToken value = p.nextToken();
        if (key.equals("features")) {
          features = jsonFeatures(p, value);
        } else if (key.equals("label")) {
          label = jsonLabel(p, value);
        } else {
          p.skipChildren();
        }
      }
      if (p.nextToken() != null) {
        throw new DataFileException(where() + ": one JSON object per line, found more");
      }
    } catch (JsonProcessingException e) {
      throw new DataFileException(where() + ": not valid JSON: " + e.getOriginalMessage());
    }
    if (features == null || label == null) {
      throw new DataFileException(
          where() + ": missing \"" + (features == null ? "features" : "label") + "\"");
    }
    if (featureWidth < 0) {
      featureWidth = features.length;
      labelWidth = label.length;
    } else if (features.length != featureWidth) {
      throw new DataFileException(
          where()
              + ": expected "
              + featureWidth
              + " features as in the first row, got "
              + features.length);
    } else if (label.length != labelWidth) {
      throw new DataFileException(
          where()
              + ": expected a label of width "
              + labelWidth
              + " as in the first row, got "
              + label.length);
    }
    return new Row(lineNumber, features, label);
  }

  private float[] jsonFeatures(JsonParser p, JsonToken start) throws IOException {
    if (start == JsonToken.START_ARRAY) {
      if (jsonNameIndex != null) {
        throw new DataFileException(
            where() + ": features by position, but the first row named them");
      }
      return jsonNumbers(p, "features");
    }
    if (start != JsonToken.START_OBJECT) {
      throw new DataFileException(where() + ": features must be a list or an object of numbers");
    }
    boolean firstRow = featureWidth < 0;
    if (firstRow) {
      jsonNameIndex = new HashMap<>();
    } else if (jsonNameIndex == null) {
      throw new DataFileException(where() + ": features by name, but the first row gave a list");
    }
    List<Float> values = new ArrayList<>();
    float[] ordered = firstRow ? null : new float[jsonNameIndex.size()];
    boolean[] seen = firstRow ? null : new boolean[jsonNameIndex.size()];
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      float value = jsonNumber(p, "features." + name);
      if (firstRow) {
        if (jsonNameIndex.putIfAbsent(name, values.size()) != null) {
          throw new DataFileException(where() + ": feature " + name + " appears twice");
        }
        values.add(value);
      } else {
        Integer index = jsonNameIndex.get(name);
        if (index == null || seen[index]) {
          throw new DataFileException(
              where()
                  + ": feature "
                  + name
                  + (index == null ? " is not in the first row" : " appears twice"));
        }
        seen[index] = true;
        ordered[index] = value;
      }
    }
    if (firstRow) {
      float[] out = new float[values.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = values.get(i);
      }
      return out;
    }
    for (int i = 0; i < seen.length; i++) {
      if (!seen[i]) {
        throw new DataFileException(
            where() + ": feature " + namesInOrder(jsonNameIndex).get(i) + " is missing");
      }
    }
    return ordered;
  }

  private float[] jsonLabel(JsonParser p, JsonToken start) throws IOException {
    if (start == JsonToken.START_ARRAY) {
      return jsonNumbers(p, "label");
    }
    return new float[] {jsonNumber(p, "label")};
  }

  private float[] jsonNumbers(JsonParser p, String field) throws IOException {
    float[] values = new float[16];
    int n = 0;
    while (p.nextToken() != JsonToken.END_ARRAY) {
      if (n == values.length) {
        values = java.util.Arrays.copyOf(values, 2 * n);
      }
      values[n] = jsonNumber(p, field + "[" + n + "]");
      n++;
    }
    return java.util.Arrays.copyOf(values, n);
  }

  private float jsonNumber(JsonParser p, String field) throws IOException {
    JsonToken t = p.currentToken();
    if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
      throw new DataFileException(where() + ": " + field + ": expected a number, got " + t);
    }
    float v = p.getFloatValue();
    if (!Float.isFinite(v)) {
      throw new DataFileException(
          where() + ": " + field + ": not a finite float32: " + abbreviate(p.getText()));
    }
    return v;
  }

  private static List<String> namesInOrder(Map<String, Integer> index) {
    String[] names = new String[index.size()];
    index.forEach((name, i) -> names[i] = name);
    return List.of(names);
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 37) + "...";
  }
}
