package io.streamprop.data;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

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
 *
 * <p>The work is shared out: {@link DataLines} reads numbered lines (gzip, strict UTF-8), and a
 * {@link RowParser}, {@link CsvRows} or {@link JsonLinesRows}, turns each line into a row.
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

  private final DataLines lines;
  private final Format format;
  private final RowParser rows;
  private Row first; // JSON lines: read ahead to learn the width

  private DataFile(DataLines lines) throws IOException {
    this.lines = lines;
    String header = lines.nextNonBlank();
    if (header == null) {
      throw new DataFileException(lines.source() + ": the file is empty");
    }
    if (header.startsWith("\ufeff")) {
      header = header.substring(1);
    }
    if (header.stripLeading().startsWith("{")) {
      format = Format.JSON_LINES;
      JsonLinesRows json = new JsonLinesRows(lines);
      first = json.parse(header);
      rows = json;
    } else {
      format = Format.CSV;
      rows = new CsvRows(lines, header);
    }
  }

  /**
   * Opens a CSV or JSON-lines file, gzip-compressed or not.
   *
   * @throws DataFileException if the file is empty or its header cannot be used
   */
  public static DataFile open(Path path) throws IOException {
    DataLines lines = DataLines.open(path);
    try {
      return new DataFile(lines);
    } catch (IOException | RuntimeException e) {
      lines.close();
      throw e;
    }
  }

  public Format format() {
    return format;
  }

  /** Feature names from the CSV header (or the first JSON row's names); empty if positional. */
  public List<String> featureNames() {
    return rows.featureNames();
  }

  /** Number of features per row. */
  public int featureCount() {
    return rows.featureCount();
  }

  /** Number of label values per row (1 for CSV). */
  public int labelWidth() {
    return rows.labelWidth();
  }

  /** The label column's name (CSV), or {@code label} (JSON lines). */
  public String labelName() {
    return rows.labelName();
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
    String line = lines.nextNonBlank();
    if (line == null) {
      return null;
    }
    return rows.parse(line);
  }

  @Override
  public void close() throws IOException {
    lines.close();
  }
}
