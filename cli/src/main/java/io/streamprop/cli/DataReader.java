package io.streamprop.cli;

import io.streamprop.spec.ModelSpec;
import java.nio.file.Path;

/**
 * Reads the labeled rows of a data file (CSV or JSON lines, optionally gzip-compressed) in file
 * order and checks each one against the spec before it reaches the engine, which expects validated
 * input. Every error names the file and the line.
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
    throw new UnsupportedOperationException("reading data files arrives with the data package");
  }

  /** The default spec for a data file, inferred from its header and labels. */
  static ModelSpec infer(Path data) {
    throw new UnsupportedOperationException("spec inference arrives with the data package");
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

  static UserException rowError(Path data, long line, String message) {
    return new UserException(data + " line " + line + ": " + message);
  }
}
