package io.streamprop.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * One pass over a {@link RawDataFile} for {@link SpecInference}: what each feature column holds
 * ({@link FeatureInference}, in header order for CSV, first-appearance order for JSON lines) and
 * the labels ({@link LabelInference}).
 */
final class RawScan {
  final List<FeatureInference> columns = new ArrayList<>();
  final LabelInference labels = new LabelInference();
  String labelName;
  long rows;
  private boolean positional;

  private RawScan() {}

  static RawScan read(Path path) throws IOException {
    RawScan scan = new RawScan();
    String source = String.valueOf(path.getFileName());
    try (RawDataFile file = RawDataFile.open(path)) {
      scan.labelName = file.labelName();
      Map<String, FeatureInference> byName = new HashMap<>();
      List<String> header = file.featureColumns();
      for (String name : header) {
        FeatureInference column = new FeatureInference(name);
        scan.columns.add(column);
        byName.putIfAbsent(name, column);
      }
      if (byName.size() != header.size()) {
        // A column name twice: only a file of numbers by position can be read (as DataFile does).
        scan.positional = true;
        return scan;
      }
      RawDataFile.RawRow row;
      while ((row = file.next()) != null) {
        String where = source + ":" + row.line();
        scan.rows++;
        if (row.cells() != null) {
          int c = 0;
          for (String cell : row.cells().values()) {
            scan.columns.get(c++).addCell(cell, where);
          }
        } else if (row.features().isArray()) {
          scan.positional = true;
        } else if (row.features().isObject()) {
          for (Iterator<Map.Entry<String, JsonNode>> it = row.features().fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            FeatureInference column = byName.get(e.getKey());
            if (column == null) {
              column = new FeatureInference(e.getKey());
              byName.put(e.getKey(), column);
              scan.columns.add(column);
            }
            column.addJson(e.getValue(), where);
          }
        } else {
          throw new DataFileException(where + ": features must be an object or a list");
        }
        scan.labels.add(row.label(), where, scan.labelName);
      }
      if (scan.rows == 0) {
        throw new DataFileException(source + ": no rows to infer a spec from");
      }
    }
    return scan;
  }

  /**
   * True when the file holds numbers only, labels included: the numeric-vector spec applies. Class
   * names in the label make a spec with {@code features}, even when every feature is a number.
   */
  boolean numeric() {
    if (positional) {
      return true;
    }
    if (labels.named()) {
      return false;
    }
    for (FeatureInference column : columns) {
      if (!column.numericWithoutMissing(rows)) {
        return false;
      }
    }
    return true;
  }
}
