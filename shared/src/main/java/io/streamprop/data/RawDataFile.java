package io.streamprop.data;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import io.streamprop.features.Featurizer;
import io.streamprop.wire.JsonErrors;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a dataset of raw, mixed-type rows for a spec with {@code features}, in file order: each
 * row's features as the {@link Featurizer} takes them, and its label as it stands in the file. Same
 * two formats and detection as {@link DataFile} (gzip, strict UTF-8, JSON lines when the first
 * non-blank character is <code>{</code>):
 *
 * <ul>
 *   <li><b>CSV</b> (RFC 4180, read with Jackson's CSV parser): a header row naming the columns,
 *       fields optionally in double quotes holding commas, doubled quotes and line breaks, CRLF or
 *       LF line ends, spaces around unquoted fields ignored, blank lines skipped. The label is the
 *       column {@code label}, else the last. Each row gives {@link RawRow#cells()}, column name to
 *       text ({@code ""} for an empty cell, which is missing), label column left out.
 *   <li><b>JSON lines</b>: {@code {"features": {name: value, ...}, "label": ..., "weight": ...}}
 *       per line (the examples topic's record), values of any JSON type; {@link RawRow#features()}
 *       is the {@code features} object (or list), {@link RawRow#weight()} the optional {@code
 *       weight}. Floats are read as exact decimals (see {@link Featurizer}).
 * </ul>
 *
 * Errors are {@link DataFileException}s naming the file and the line. Not thread-safe.
 */
public final class RawDataFile implements Closeable {

  /**
   * One row.
   *
   * @param line the 1-based line where the row starts
   * @param cells CSV: feature column name to cell text, in header order; null for JSON lines
   * @param features JSON lines: the {@code features} value; null for CSV
   * @param label the label: the CSV cell as a string node ({@code null} node when empty), or the
   *     JSON value ({@code null} node when absent)
   * @param weight JSON lines: the {@code weight} value, null when absent; always null for CSV (a
   *     CSV row has weight 1: a column named {@code weight} is a feature like any other)
   */
  public record RawRow(
      long line, Map<String, String> cells, JsonNode features, JsonNode label, JsonNode weight) {}

  /** The mapper JSON-lines rows are read with: exact decimals, duplicate keys refused. */
  public static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build();

  private final String source;
  private final BufferedReader reader;
  private final DataFile.Format format;
  private final List<String> columns; // CSV: every header column
  private final int labelColumn;
  private final MappingIterator<String[]> csv;
  private long jsonLine;

  private RawDataFile(Path path, BufferedReader reader) throws IOException {
    this.source = path.getFileName() == null ? path.toString() : path.getFileName().toString();
    this.reader = reader;
    reader.mark(1 << 16);
    int c;
    do {
      c = reader.read();
    } while (c == '\ufeff' || (c >= 0 && Character.isWhitespace(c)));
    reader.reset();
    if (c < 0) {
      throw new DataFileException(source + ": the file is empty");
    }
    if (c == '{') {
      format = DataFile.Format.JSON_LINES;
      columns = List.of();
      labelColumn = -1;
      csv = null;
      return;
    }
    format = DataFile.Format.CSV;
    csv =
        new CsvMapper()
            .readerFor(String[].class)
            .with(CsvParser.Feature.WRAP_AS_ARRAY)
            .with(CsvParser.Feature.TRIM_SPACES)
            .with(CsvParser.Feature.SKIP_EMPTY_LINES)
            .readValues(reader);
    String[] header = nextCsv();
    if (header == null || header.length < 2) {
      throw new DataFileException(
          source + ":1: the header must name at least one feature and the label");
    }
    if (header[0].startsWith("\ufeff")) {
      header[0] = header[0].substring(1);
    }
    columns = List.of(header);
    int label = columns.indexOf("label");
    labelColumn = label >= 0 ? label : header.length - 1;
  }

  /** Opens a CSV or JSON-lines file, gzip-compressed or not. */
  public static RawDataFile open(Path path) throws IOException {
    BufferedReader reader = DataLines.reader(path);
    try {
      return new RawDataFile(path, reader);
    } catch (IOException | RuntimeException e) {
      reader.close();
      throw e;
    }
  }

  public DataFile.Format format() {
    return format;
  }

  /** CSV: the feature columns in header order (the label left out); JSON lines: empty. */
  public List<String> featureColumns() {
    List<String> names = new ArrayList<>(columns);
    if (labelColumn >= 0) {
      names.remove(labelColumn);
    }
    return names;
  }

  /** The label column's name (CSV), or {@code label} (JSON lines). */
  public String labelName() {
    return labelColumn >= 0 ? columns.get(labelColumn) : "label";
  }

  /**
   * The next row, or null at the end of the file.
   *
   * @throws DataFileException for a row that cannot be read, naming the file and line
   */
  public RawRow next() throws IOException {
    return format == DataFile.Format.CSV ? nextCsvRow() : nextJsonRow();
  }

  private RawRow nextCsvRow() throws IOException {
    long line = csv.getCurrentLocation().getLineNr();
    String[] cells = nextCsv();
    if (cells == null) {
      return null;
    }
    if (cells.length != columns.size()) {
      throw new DataFileException(
          source
              + ":"
              + line
              + ": expected "
              + columns.size()
              + " columns as in the header, got "
              + cells.length);
    }
    Map<String, String> features = new LinkedHashMap<>();
    for (int c = 0; c < cells.length; c++) {
      if (c != labelColumn) {
        features.put(columns.get(c), cells[c]);
      }
    }
    String label = cells[labelColumn];
    return new RawRow(
        line,
        features,
        null,
        label.isEmpty() ? NullNode.getInstance() : TextNode.valueOf(label),
        null);
  }

  private String[] nextCsv() throws IOException {
    try {
      return csv.hasNextValue() ? csv.nextValue() : null;
    } catch (IOException | RuntimeException e) {
      long line = csv.getCurrentLocation().getLineNr();
      String message =
          e instanceof UncheckedIOException u ? u.getCause().getMessage() : e.getMessage();
      throw new DataFileException(source + ":" + line + ": not valid CSV: " + firstLine(message));
    }
  }

  private RawRow nextJsonRow() throws IOException {
    String text;
    do {
      text = reader.readLine();
      if (text == null) {
        return null;
      }
      jsonLine++;
    } while (text.isBlank());
    if (jsonLine == 1 && text.startsWith("\ufeff")) {
      text = text.substring(1);
    }
    JsonNode row;
    try (JsonParser p = JSON.createParser(text)) {
      row = JSON.readTree(p);
      if (p.nextToken() != null) {
        throw new DataFileException(
            source + ":" + jsonLine + ": one JSON object per line, found more");
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new DataFileException(
          source + ":" + jsonLine + ": not valid JSON: " + JsonErrors.message(e));
    }
    if (row == null || !row.isObject()) {
      throw new DataFileException(source + ":" + jsonLine + ": expected a JSON object per line");
    }
    JsonNode features = row.get("features");
    if (features == null) {
      throw new DataFileException(source + ":" + jsonLine + ": missing \"features\"");
    }
    JsonNode label = row.get("label");
    return new RawRow(
        jsonLine,
        null,
        features,
        label == null ? NullNode.getInstance() : label,
        row.get("weight"));
  }

  private static String firstLine(String message) {
    String m = String.valueOf(message);
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  @Override
  public void close() throws IOException {
    if (csv != null) {
      csv.close();
    }
    reader.close();
  }
}
