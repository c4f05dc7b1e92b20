package io.streamprop.data;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamprop.features.RawValues;
import io.streamprop.spec.ModelSpec.Task;
import io.streamprop.spec.SpecLimits;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The labels of a file, seen one by one, and the task they call for ({@link SpecInference}'s rule,
 * also in {@code docs/data.md}):
 *
 * <ul>
 *   <li>a label column with a <b>string</b> in some row (a CSV cell that is not a decimal, a JSON
 *       string) holds <b>class names</b>: classification with one class per distinct value, {@code
 *       class_names} sorted by Unicode code point ({@link #CODE_POINT_ORDER}: the order of Python's
 *       {@code sorted} and of scikit-learn's {@code LabelEncoder}); a number among them is named by
 *       its canonical decimal ({@code 2.0} is {@code "2"});
 *   <li>labels that are all numbers follow the class-code rule: <b>classification</b> with {@code
 *       classes = max + 1} when every label is one integer {@code >= 0}, class 0 occurs, there are
 *       2 to {@value SpecInference#MAX_INFERRED_CLASSES} distinct values, and they use at least
 *       half of the codes {@code 0..max}; otherwise <b>regression</b>, one target per label value.
 * </ul>
 */
final class LabelInference {

  /**
   * Strings by Unicode code point, then length: Python's {@code sorted} on {@code str}, and numpy's
   * {@code unique} that scikit-learn's {@code LabelEncoder} uses. Java's {@link String#compareTo}
   * compares UTF-16 units instead, which puts a supplementary character (an emoji, U+1F600) before
   * U+E000..U+FFFF; this comparator does not.
   */
  static final Comparator<String> CODE_POINT_ORDER =
      (a, b) -> {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
          int ca = a.codePointAt(i);
          int cb = b.codePointAt(j);
          if (ca != cb) {
            return Integer.compare(ca, cb);
          }
          i += Character.charCount(ca);
          j += Character.charCount(cb);
        }
        return Boolean.compare(i < a.length(), j < b.length());
      };

  /** The task, the number of outputs, the class names (empty unless named) and why. */
  record Decision(Task task, int outputs, List<String> classNames, String reason) {}

  long rows;
  private int width = -1;
  private boolean integral = true;
  private double min = Double.POSITIVE_INFINITY;
  private double max = Double.NEGATIVE_INFINITY;
  private final Set<Float> distinct = new HashSet<>();
  // Every label's name (a string, or a number's canonical decimal), while there are few enough.
  private final TreeSet<String> names = new TreeSet<>(CODE_POINT_ORDER);
  private boolean named; // some label is a string
  private boolean tooManyNames;

  /** A label of a file of numbers ({@link DataFile}). */
  void add(float[] label) {
    rows++;
    width = label.length;
    if (label.length != 1) {
      return;
    }
    float value = label[0];
    min = Math.min(min, value);
    max = Math.max(max, value);
    if (value < 0 || value != Math.rint(value)) {
      integral = false;
    }
    if (integral && distinct.size() <= SpecInference.MAX_INFERRED_CLASSES) {
      distinct.add(value);
    }
  }

  /**
   * A label of a raw file ({@link RawDataFile}): a JSON number, string or list of numbers, or a CSV
   * cell as a string node.
   *
   * @throws DataFileException naming {@code where} and the value when it is missing or unusable
   */
  void add(JsonNode label, String where, String name) {
    if (label.isTextual() && !label.textValue().isEmpty()) {
      String text = label.textValue();
      if (!RawValues.isDecimal(text)) {
        named = true;
        addName(text);
        rows++;
        return;
      }
      add(new float[] {Float.parseFloat(text)});
      addName(nameOf(text));
      return;
    }
    if (label.isNumber()) {
      add(new float[] {label.floatValue()});
      addName(nameOf(label.asText()));
      return;
    }
    if (label.isArray() && !label.isEmpty()) {
      float[] values = new float[label.size()];
      for (int i = 0; i < values.length; i++) {
        if (!label.get(i).isNumber()) {
          throw new DataFileException(
              where
                  + ": "
                  + name
                  + "["
                  + i
                  + "]: a list label holds regression targets, numbers only, got "
                  + DataLines.abbreviate(label.get(i).toString()));
        }
        values[i] = label.get(i).floatValue();
      }
      add(values);
      return;
    }
    throw new DataFileException(
        where
            + ": "
            + name
            + ": expected a class name, a class code or a target, got "
            + (label.isNull() || label.isTextual()
                ? "nothing (every row needs its label)"
                : DataLines.abbreviate(label.toString())));
  }

  private void addName(String name) {
    if (names.size() <= SpecInference.MAX_INFERRED_CLASSES) {
      names.add(name);
    } else if (!names.contains(name)) {
      tooManyNames = true;
    }
  }

  /**
   * The class name of a number among named labels: its canonical decimal ({@code 2.0} is {@code
   * "2"}, as a categorical value), or its text when that would be too long.
   */
  static String nameOf(String number) {
    String canonical =
        RawValues.isJsonNumber(number)
            ? RawValues.canonical(number, SpecLimits.MAX_CLASS_NAME_LENGTH)
            : null;
    return canonical == null ? number : canonical;
  }

  /** True when some label is a string: the file needs a spec that can read class names. */
  boolean named() {
    return named;
  }

  Decision decide(String labelName) {
    if (named) {
      return decideNamed(labelName);
    }
    if (width != 1) {
      return regression(
          width,
          "labels are lists of " + width + " numbers: regression with " + width + " targets");
    }
    if (!integral) {
      return regression(1, labelName + " has values that are not integers >= 0: regression");
    }
    if (min != 0) {
      return regression(
          1,
          labelName
              + " holds integers "
              + (long) min
              + ".."
              + (long) max
              + ", not class codes starting at 0: regression");
    }
    if (distinct.size() > SpecInference.MAX_INFERRED_CLASSES
        || max + 1 > SpecInference.MAX_INFERRED_CLASSES) {
      return regression(
          1,
          labelName
              + " holds integers up to "
              + (long) max
              + ", more than "
              + SpecInference.MAX_INFERRED_CLASSES
              + " classes: regression");
    }
    if (distinct.size() < 2 || max + 1 > 2.0 * distinct.size()) {
      return regression(
          1,
          labelName
              + " has "
              + distinct.size()
              + " distinct integers in 0.."
              + (long) max
              + ", too sparse for class codes: regression");
    }
    int classes = (int) max + 1;
    return new Decision(
        Task.CLASSIFICATION,
        classes,
        List.of(),
        labelName
            + " holds class codes 0.."
            + (long) max
            + " ("
            + distinct.size()
            + " distinct): classification with "
            + classes
            + " classes");
  }

  private Decision decideNamed(String labelName) {
    if (width > 1) {
      throw new DataFileException(
          labelName + ": some labels are strings and some lists of numbers; use one kind");
    }
    if (tooManyNames) {
      throw new DataFileException(
          labelName
              + ": more than "
              + SpecInference.MAX_INFERRED_CLASSES
              + " distinct values, strings among them: too many to be class names; write a spec");
    }
    if (names.size() < 2) {
      throw new DataFileException(
          labelName
              + ": every row has the class \""
              + DataLines.abbreviate(names.first())
              + "\"; a classifier needs at least 2 classes");
    }
    List<String> classNames = new ArrayList<>(names);
    return new Decision(
        Task.CLASSIFICATION,
        classNames.size(),
        List.copyOf(classNames),
        labelName
            + " holds "
            + classNames.size()
            + " distinct names: classification with "
            + classNames.size()
            + " classes, class_names in code point order");
  }

  private static Decision regression(int outputs, String reason) {
    return new Decision(Task.REGRESSION, outputs, List.of(), reason);
  }
}
