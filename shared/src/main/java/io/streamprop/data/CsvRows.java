package io.streamprop.data;

import com.fasterxml.jackson.core.io.NumberInput;
import java.util.ArrayList;
import java.util.List;

/**
 * The rows of a CSV data file: a header row, then one example per line, all numeric. The label is
 * the column named {@code label}, else the last column; every other column is a feature, named by
 * the header. Fields may be quoted ({@code "a,b"}). Lines without quotes, nearly all of them, are
 * parsed from slices of one reused char buffer, with no String per cell. Not thread-safe.
 */
final class CsvRows implements RowParser {
  private final DataLines lines;
  private final List<String> featureNames;
  private final String labelName;
  private final int labelColumn;
  private final int columns;
  private char[] chars = new char[1024]; // the current line, reused

  /**
   * Reads the header, which {@code lines} has just read.
   *
   * @throws DataFileException if it names fewer than two columns
   */
  CsvRows(DataLines lines, String header) {
    this.lines = lines;
    List<String> cells = splitCsv(header);
    columns = cells.size();
    if (columns < 2) {
      throw new DataFileException(
          lines.where()
              + ": the header must name at least one feature and the label, got "
              + header);
    }
    int label = cells.indexOf("label");
    labelColumn = label >= 0 ? label : columns - 1;
    labelName = cells.get(labelColumn);
    List<String> names = new ArrayList<>(cells);
    names.remove(labelColumn);
    featureNames = List.copyOf(names);
  }

  @Override
  public List<String> featureNames() {
    return featureNames;
  }

  @Override
  public int featureCount() {
    return featureNames.size();
  }

  @Override
  public int labelWidth() {
    return 1;
  }

  @Override
  public String labelName() {
    return labelName;
  }

  @Override
  public DataFile.Row parse(String line) {
    if (line.indexOf('"') >= 0) {
      return parseQuoted(line); // rare: quoted cells take the general path
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
    return new DataFile.Row(lines.lineNumber(), features, label);
  }

  private DataFile.Row parseQuoted(String line) {
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
    return new DataFile.Row(lines.lineNumber(), features, label);
  }

  private DataFileException wrongWidth(String line) {
    return new DataFileException(
        lines.where()
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
          lines.where()
              + ": column "
              + columnName(column)
              + ": not a number: \""
              + DataLines.abbreviate(new String(text, from, to - from))
              + "\"");
    }
    if (!Float.isFinite(value)) {
      throw new DataFileException(
          lines.where()
              + ": column "
              + columnName(column)
              + ": not a finite float32: \""
              + DataLines.abbreviate(new String(text, from, to - from))
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
}
