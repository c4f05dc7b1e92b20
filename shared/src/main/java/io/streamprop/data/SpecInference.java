package io.streamprop.data;

import io.streamprop.features.FeatureKind;
import io.streamprop.features.FeatureSchema;
import io.streamprop.features.FeatureSpec;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.ModelSpec.Task;
import io.streamprop.spec.SpecDefaults;
import io.streamprop.spec.SpecException;
import io.streamprop.spec.SpecLimits;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Proposes a spec for a data file: the inputs and feature names from the file, the task from the
 * labels, every other field from {@link SpecDefaults}. It reads the whole file once.
 *
 * <p>The task rule (also in {@code docs/data.md}): a label column with a string in some row holds
 * class names: <b>classification</b> with {@code class_names} sorted by Unicode code point (as
 * Python's {@code sorted} and scikit-learn's {@code LabelEncoder} order them; see {@link
 * LabelInference}). Labels that are all numbers give <b>classification</b> with {@code classes =
 * max + 1} when the label is a single value and every label is an integer {@code >= 0}, class 0
 * occurs (labels are class codes {@code 0..K-1}), there are at least 2 and at most {@value
 * #MAX_INFERRED_CLASSES} distinct values, and they use at least half of the codes {@code 0..max};
 * otherwise <b>regression</b> with as many targets as the label has values. So iris (0, 1, 2) is
 * classification with 3 classes, while diabetes (integers 25..346) and prices are regression. Count
 * data such as 0..8 children would be taken for classes: edit the spec when that is wrong.
 */
public final class SpecInference {
  private SpecInference() {}

  /** More distinct integer labels than this means regression; more distinct names, an error. */
  public static final int MAX_INFERRED_CLASSES = 1000;

  /**
   * What the inference saw and concluded.
   *
   * @param spec the proposed spec
   * @param rows rows read
   * @param reason one sentence on why the task was chosen, for the command line to print
   * @param featureReasons raw features only: one line per feature on its kind (else empty)
   * @param mostlyNumeric raw features only: each column inferred non-numeric though nearly all its
   *     values are numbers, in feature order (else empty)
   */
  public record Inference(
      ModelSpec spec,
      long rows,
      String reason,
      List<String> featureReasons,
      List<MostlyNumeric> mostlyNumeric) {}

  /**
   * A column inferred non-numeric whose present values are at least 99% numbers (one {@code
   * "thirty"} among a thousand ages): most likely meant to be numeric. Values count as the kind
   * inference counts them: a CSV cell in decimal syntax, a JSON number; empty cells, JSON nulls,
   * empty strings and absent keys are missing.
   *
   * @param feature the column's name
   * @param kind the kind it was inferred
   * @param values its present values
   * @param notNumbers how many of them are not numbers
   * @param first the first that is not, as the file holds it (a CSV cell quoted, JSON as JSON)
   * @param where where that is: file name and line
   */
  public record MostlyNumeric(
      String feature, FeatureKind kind, long values, long notNumbers, String first, String where) {}

  /** The proposed spec for the file. */
  public static ModelSpec infer(Path path) throws IOException {
    return analyze(path).spec();
  }

  /**
   * Reads the file and proposes a spec, with the reason for the task. A file whose features are
   * numbers in every row (CSV cells, a JSON list or object of numbers) gets a spec of {@code
   * inputs} numbers as it always has; any other, string, boolean, token or missing values, gets a
   * spec with {@code features} ({@link FeatureInference} gives each column its kind).
   *
   * @throws DataFileException if the file has no rows or a bad row
   */
  public static Inference analyze(Path path) throws IOException {
    RawScan raw = RawScan.read(path);
    if (raw.numeric()) {
      return analyzeNumeric(path);
    }
    LabelInference.Decision d = raw.labels.decide(raw.labelName);
    List<FeatureSpec> features = new ArrayList<>();
    List<String> reasons = new ArrayList<>();
    List<MostlyNumeric> mostlyNumeric = new ArrayList<>();
    for (FeatureInference column : raw.columns) {
      features.add(column.feature());
      reasons.add(column.reason());
      MostlyNumeric hint = column.mostlyNumeric();
      if (hint != null) {
        mostlyNumeric.add(hint);
      }
    }
    FeatureSchema schema;
    try {
      schema = new FeatureSchema(features, SpecDefaults.CLOSED_SCHEMA, SpecDefaults.HASH_SEED);
    } catch (SpecException e) {
      throw new DataFileException("the data does not fit a model: " + e.getMessage());
    }
    return new Inference(
        spec(d, schema.layout().inputs(), List.of(), schema),
        raw.rows,
        d.reason(),
        List.copyOf(reasons),
        List.copyOf(mostlyNumeric));
  }

  /** The inference of a file of numbers only, read as {@link DataFile} rows. */
  private static Inference analyzeNumeric(Path path) throws IOException {
    try (DataFile data = DataFile.open(path)) {
      LabelInference labels = new LabelInference();
      DataFile.Row row;
      while ((row = data.next()) != null) {
        labels.add(row.label());
      }
      if (labels.rows == 0) {
        throw new DataFileException(path.getFileName() + ": no rows to infer a spec from");
      }
      LabelInference.Decision d = labels.decide(data.labelName());
      List<String> names = data.featureNames();
      if (!usableNames(names)) {
        names = List.of();
      }
      return new Inference(
          spec(d, data.featureCount(), names, null), labels.rows, d.reason(), List.of(), List.of());
    }
  }

  private static ModelSpec spec(
      LabelInference.Decision d, int inputs, List<String> names, FeatureSchema features) {
    Task task = d.task();
    try {
      return new ModelSpec(
          task,
          inputs,
          names,
          d.outputs(),
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
          d.classNames(),
          SpecDefaults.CLASS_WEIGHT,
          features,
          SpecDefaults.OPEN_LEARNER,
          SpecDefaults.inputTransform(SpecDefaults.OPEN_LEARNER));
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
