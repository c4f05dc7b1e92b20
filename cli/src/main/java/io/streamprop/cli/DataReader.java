package io.streamprop.cli;

import io.streamprop.data.DataFile;
import io.streamprop.data.DataFileException;
import io.streamprop.data.RawExamples;
import io.streamprop.data.SpecInference;
import io.streamprop.spec.ModelSpec;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the labeled rows of a data file in file order and checks each one against the spec before
 * it reaches the engine, which expects validated input. Every error names the file and the line. A
 * spec of numbers reads the file with {@link DataFile} (CSV or JSON lines of numbers, optionally
 * gzip-compressed, {@link #forEach}); a spec with raw {@code features} with {@link RawExamples}
 * (RFC 4180 CSV with string columns and empty cells, JSON lines of mixed values, {@link
 * #forEachRaw}), which featurizes every row with the spec's featurizer and names the field and the
 * value of a bad one.
 *
 * <p>When both the spec and the file name their features, the names must match as sets; the columns
 * are then taken in the spec's order, so a CSV with its columns in another order still feeds each
 * feature to the right input.
 */
final class DataReader {
  private DataReader() {}

  /** Receives the rows of a file, in file order. */
  interface RowHandler {
    void accept(float[] features, float[] label);
  }

  /**
   * Streams every row of {@code data} to {@code handler}.
   *
   * @return the number of rows read
   * @throws UserException naming the file and line of the first bad row
   */
  static long forEach(Path data, ModelSpec spec, RowHandler handler) {
    long rows = 0;
    long line = 0;
    try (DataFile file = DataFile.open(data)) {
      int[] columns = columnsInSpecOrder(data, file.featureNames(), spec);
      DataFile.Row row;
      while ((row = file.next()) != null) {
        line = row.line();
        float[] features = columns == null ? row.features() : pick(row.features(), columns);
        check(data, line, features, row.label(), spec);
        handler.accept(features, row.label());
        rows++;
      }
    } catch (NoSuchFileException e) {
      throw new UserException(data + ": no such file");
    } catch (DataFileException e) {
      throw new UserException(e.getMessage(), e);
    } catch (IOException e) {
      // Bad gzip or bad UTF-8 surfaces here, without a line number of its own.
      throw UserException.io(data, "read" + (line > 0 ? " after line " + line : ""), e);
    }
    return rows;
  }

  /** Receives the checked rows of a raw file, in file order. */
  interface RawHandler {
    void accept(RawExamples.RawExample example);
  }

  /**
   * Streams every row of {@code data}, featurized for {@code spec} (which has {@code features}), to
   * {@code handler}.
   *
   * @return the number of rows read
   * @throws UserException naming the file, the line, the field and the value of the first bad row
   */
  static long forEachRaw(Path data, ModelSpec spec, RawHandler handler) {
    long rows = 0;
    long line = 0;
    try (RawExamples file = RawExamples.open(data, spec)) {
      RawExamples.RawExample example;
      while ((example = file.next()) != null) {
        line = example.line();
        handler.accept(example);
        rows++;
      }
    } catch (NoSuchFileException e) {
      throw new UserException(data + ": no such file");
    } catch (DataFileException e) {
      throw new UserException(e.getMessage(), e);
    } catch (IOException e) {
      throw UserException.io(data, "read" + (line > 0 ? " after line " + line : ""), e);
    }
    return rows;
  }

  /** The default spec for a data file, inferred from its header and labels, with the reason. */
  static SpecInference.Inference infer(Path data) {
    try {
      return SpecInference.analyze(data);
    } catch (NoSuchFileException e) {
      throw new UserException(data + ": no such file");
    } catch (DataFileException e) {
      throw new UserException(e.getMessage(), e);
    } catch (IOException e) {
      throw UserException.io(data, "read", e);
    }
  }

  /**
   * For each spec input, its index among the file's features; null when they are already in order
   * (or either side is unnamed).
   */
  static int[] columnsInSpecOrder(Path data, List<String> fileNames, ModelSpec spec) {
    List<String> specNames = spec.featureNames();
    if (specNames.isEmpty() || fileNames.isEmpty() || specNames.equals(fileNames)) {
      return null;
    }
    List<String> missing = new ArrayList<>();
    int[] columns = new int[specNames.size()];
    for (int i = 0; i < columns.length; i++) {
      columns[i] = fileNames.indexOf(specNames.get(i));
      if (columns[i] < 0) {
        missing.add(specNames.get(i));
      }
    }
    if (!missing.isEmpty() || fileNames.size() != specNames.size()) {
      throw new UserException(
          data
              + ": the file's features "
              + fileNames
              + " are not the spec's feature_names "
              + specNames
              + (missing.isEmpty() ? "" : " (missing " + missing + ")"));
    }
    return columns;
  }

  private static float[] pick(float[] values, int[] columns) {
    float[] picked = new float[columns.length];
    for (int i = 0; i < columns.length; i++) {
      picked[i] = values[columns[i]];
    }
    return picked;
  }

  /**
   * Checks one row against the spec: the width, finite values, and a label the loss can take (a
   * class index in range for classification, {@code targets} numbers for regression).
   */
  static void check(Path data, long line, float[] features, float[] label, ModelSpec spec) {
    if (features.length != spec.inputs()) {
      throw rowError(
          data,
          line,
          "expected " + spec.inputs() + " features (the spec's inputs), got " + features.length);
    }
    for (int i = 0; i < features.length; i++) {
      if (!Float.isFinite(features[i])) {
        throw rowError(data, line, "feature " + i + " is " + features[i] + ", not a finite number");
      }
    }
    if (spec.task() == ModelSpec.Task.CLASSIFICATION) {
      if (label.length != 1) {
        throw rowError(data, line, "expected one class label, got " + label.length + " values");
      }
      float value = label[0];
      if (value != Math.rint(value) || value < 0 || value >= spec.outputs()) {
        throw rowError(
            data,
            line,
            "label "
                + value
                + " is not a class index in 0.."
                + (spec.outputs() - 1)
                + " (the spec has "
                + spec.outputs()
                + " classes)");
      }
    } else {
      if (label.length != spec.outputs()) {
        throw rowError(
            data,
            line,
            "expected " + spec.outputs() + " targets (the spec's targets), got " + label.length);
      }
      for (int i = 0; i < label.length; i++) {
        if (!Float.isFinite(label[i])) {
          throw rowError(data, line, "target " + i + " is " + label[i] + ", not a finite number");
        }
      }
    }
  }

  /** The same "file:line: message" form as {@link DataFile}'s own errors and compilers. */
  static UserException rowError(Path data, long line, String message) {
    return new UserException(data + ":" + line + ": " + message);
  }
}
