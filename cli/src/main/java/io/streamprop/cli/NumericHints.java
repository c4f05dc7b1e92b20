package io.streamprop.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamprop.data.DataFileException;
import io.streamprop.data.RawDataFile;
import io.streamprop.features.FeatureKind;
import io.streamprop.features.FeatureSpec;
import io.streamprop.features.RawValues;
import io.streamprop.spec.ModelSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Warnings for columns that inference made non-numeric because of a few values: a raw feature
 * inferred {@code categorical}, {@code tokens} or {@code boolean} whose non-empty values are at
 * least {@value #MIN_NUMBER_PERCENT}% numbers (one {@code "thirty"} among a thousand ages) was most
 * likely meant to be numeric. Inference itself stays as it is (any non-number makes a column
 * non-numeric, docs/data.md); this only tells the user, naming the column, how many values are not
 * numbers and the first of them with its line.
 *
 * <p>A value counts as a number as inference counts it: a CSV cell that is a decimal, a JSON
 * number. Empty cells, JSON nulls and absent keys are missing and do not count.
 */
final class NumericHints {
  private NumericHints() {}

  /** A column at least this many percent numbers gets a warning when inferred non-numeric. */
  static final int MIN_NUMBER_PERCENT = 99;

  /** What one column held. */
  private static final class Column {
    long numbers;
    long others;
    String first;
    long firstLine;

    void add(boolean number, String text, long line) {
      if (number) {
        numbers++;
        return;
      }
      if (others++ == 0) {
        first = text;
        firstLine = line;
      }
    }
  }

  /**
   * One line per mostly-numeric column of {@code data} that {@code spec} (inferred from it) does
   * not read as numeric; empty when there is none or the spec has no raw features.
   */
  static List<String> warnings(Path data, ModelSpec spec) {
    if (!spec.hasFeatures()) {
      return List.of();
    }
    Map<String, Column> columns = new LinkedHashMap<>();
    for (FeatureSpec feature : spec.features().features()) {
      if (feature.kind() != FeatureKind.NUMERIC) {
        columns.put(feature.name(), new Column());
      }
    }
    if (columns.isEmpty()) {
      return List.of();
    }
    try (RawDataFile file = RawDataFile.open(data)) {
      RawDataFile.RawRow row;
      while ((row = file.next()) != null) {
        for (Map.Entry<String, Column> e : columns.entrySet()) {
          add(e.getValue(), row, e.getKey());
        }
      }
    } catch (DataFileException e) {
      throw new UserException(e.getMessage(), e);
    } catch (IOException e) {
      throw UserException.io(data, "read", e);
    }
    String name = data.getFileName() == null ? data.toString() : data.getFileName().toString();
    List<String> warnings = new ArrayList<>();
    for (FeatureSpec feature : spec.features().features()) {
      Column c = columns.get(feature.name());
      if (c == null
          || c.others == 0
          || c.numbers * 100 < MIN_NUMBER_PERCENT * (c.numbers + c.others)) {
        continue;
      }
      warnings.add(
          String.format(
              Locale.ROOT,
              "warning: features.%s: %,d of its %,d values %s not a number (the first: %s at"
                  + " %s:%d), so it was inferred %s; to read it as numeric, fix or empty %s and"
                  + " give a --spec where its kind is numeric (`streamprop spec --data %s` prints"
                  + " one to edit)",
              feature.name(),
              c.others,
              c.numbers + c.others,
              c.others == 1 ? "is" : "are",
              c.first,
              name,
              c.firstLine,
              feature.kind().name().toLowerCase(Locale.ROOT),
              c.others == 1 ? "that value" : "those values",
              data));
    }
    return warnings;
  }

  private static void add(Column column, RawDataFile.RawRow row, String name) {
    if (row.cells() != null) {
      String cell = row.cells().get(name);
      if (cell != null && !cell.isEmpty()) {
        column.add(RawValues.isDecimal(cell), quoted(cell), row.line());
      }
      return;
    }
    JsonNode value = row.features() == null ? null : row.features().get(name);
    if (value != null && !value.isNull() && !value.isMissingNode()) {
      column.add(value.isNumber(), value.toString(), row.line());
    }
  }

  private static String quoted(String cell) {
    String shown = cell.length() > 40 ? cell.substring(0, 40) + "..." : cell;
    return "\"" + shown.replace("\"", "\\\"") + "\"";
  }
}
