package io.streamprop.data;

import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.ModelSpec.Task;
import io.streamprop.spec.SpecDefaults;
import io.streamprop.spec.SpecException;
import io.streamprop.spec.SpecLimits;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Proposes a spec for a data file: the inputs and feature names from the file, the task from the
 * labels, every other field from {@link SpecDefaults}. It reads the whole file once.
 *
 * <p>The task rule (also in {@code docs/data.md}): <b>classification</b> with {@code classes = max
 * + 1} when the label is a single value and every label is an integer {@code >= 0}, class 0 occurs
 * (labels are class codes {@code 0..K-1}), there are at least 2 and at most {@value
 * #MAX_INFERRED_CLASSES} distinct values, and they use at least half of the codes {@code 0..max};
 * otherwise <b>regression</b> with as many targets as the label has values. So iris (0, 1, 2) is
 * classification with 3 classes, while diabetes (integers 25..346) and prices are regression. Count
 * data such as 0..8 children would be taken for classes: edit the spec when that is wrong.
 */
public final class SpecInference {
  private SpecInference() {}

  /** More distinct integer labels than this means regression. */
  public static final int MAX_INFERRED_CLASSES = 1000;

  /**
   * What the inference saw and concluded.
   *
   * @param spec the proposed spec
   * @param rows rows read
   * @param reason one sentence on why the task was chosen, for the command line to print
   */
  public record Inference(ModelSpec spec, long rows, String reason) {}

  /** The proposed spec for the file. */
  public static ModelSpec infer(Path path) throws IOException {
    return analyze(path).spec();
  }

  /**
   * Reads the file and proposes a spec, with the reason for the task.
   *
   * @throws DataFileException if the file has no rows or a bad row
   */
  public static Inference analyze(Path path) throws IOException {
    try (DataFile data = DataFile.open(path)) {
      long rows = 0;
      boolean integral = true;
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      Set<Float> distinct = new HashSet<>();
      DataFile.Row row;
      while ((row = data.next()) != null) {
        rows++;
        if (data.labelWidth() != 1) {
          continue;
        }
        float label = row.label()[0];
        min = Math.min(min, label);
        max = Math.max(max, label);
        if (label < 0 || label != Math.rint(label)) {
          integral = false;
        }
        if (integral && distinct.size() <= MAX_INFERRED_CLASSES) {
          distinct.add(label);
        }
      }
      if (rows == 0) {
        throw new DataFileException(path.getFileName() + ": no rows to infer a spec from");
      }
      String labelName = data.labelName();
      Task task;
      int outputs;
      String reason;
      if (data.labelWidth() != 1) {
        task = Task.REGRESSION;
        outputs = data.labelWidth();
        reason =
            "labels are lists of " + outputs + " numbers: regression with " + outputs + " targets";
      } else if (!integral) {
        task = Task.REGRESSION;
        outputs = 1;
        reason = labelName + " has values that are not integers >= 0: regression";
      } else if (min != 0) {
        task = Task.REGRESSION;
        outputs = 1;
        reason =
            labelName
                + " holds integers "
                + (long) min
                + ".."
                + (long) max
                + ", not class codes starting at 0: regression";
      } else if (distinct.size() > MAX_INFERRED_CLASSES || max + 1 > MAX_INFERRED_CLASSES) {
        task = Task.REGRESSION;
        outputs = 1;
        reason =
            labelName
                + " holds integers up to "
                + (long) max
                + ", more than "
                + MAX_INFERRED_CLASSES
                + " classes: regression";
      } else if (distinct.size() < 2 || max + 1 > 2.0 * distinct.size()) {
        task = Task.REGRESSION;
        outputs = 1;
        reason =
            labelName
                + " has "
                + distinct.size()
                + " distinct integers in 0.."
                + (long) max
                + ", too sparse for class codes: regression";
      } else {
        task = Task.CLASSIFICATION;
        outputs = (int) max + 1;
        reason =
            labelName
                + " holds class codes 0.."
                + (long) max
                + " ("
                + distinct.size()
                + " distinct): classification with "
                + outputs
                + " classes";
      }
      return new Inference(spec(data, task, outputs), rows, reason);
    }
  }

  private static ModelSpec spec(DataFile data, Task task, int outputs) {
    List<String> names = data.featureNames();
    if (!usableNames(names)) {
      names = List.of();
    }
    try {
      return new ModelSpec(
          task,
          data.featureCount(),
          names,
          outputs,
          SpecDefaults.HIDDEN,
          SpecDefaults.ACTIVATION,
          SpecDefaults.INIT,
          SpecDefaults.BATCH_NORM,
          SpecDefaults.DROPOUT,
          task == Task.CLASSIFICATION
              ? SpecDefaults.CLASSIFICATION_LOSS
              : SpecDefaults.REGRESSION_LOSS,
          SpecDefaults.HUBER_DELTA,
          SpecDefaults.optimizer(),
          SpecDefaults.schedule(),
          SpecDefaults.CLIP_NORM,
          SpecDefaults.BATCH_SIZE,
          SpecDefaults.STANDARDIZE,
          SpecDefaults.SEED,
          SpecDefaults.snapshot(),
          SpecDefaults.OPEN_LEARNER);
    } catch (SpecException e) {
      throw new DataFileException("the data does not fit a model: " + e.getMessage());
    }
  }

  /** Header names become feature names only if a spec can hold them: unique, short, not blank. */
  private static boolean usableNames(List<String> names) {
    Set<String> seen = new HashSet<>();
    for (String name : names) {
      if (name.isBlank() || name.length() > SpecLimits.MAX_FEATURE_NAME_LENGTH || !seen.add(name)) {
        return false;
      }
    }
    return true;
  }
}
