package io.streamprop.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.FloatNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import io.streamprop.features.RawValues;
import io.streamprop.spec.ModelSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the label of a raw row ({@link RawDataFile.RawRow#label()}: a CSV cell as a string node, or
 * a JSON value) as a spec takes it, and writes it back as the {@code examples} topic takes it.
 *
 * <ul>
 *   <li>classification with {@code class_names}: a class name (a number is named by its canonical
 *       decimal, as {@link LabelInference} names it, so {@code 2.0} is the class {@code "2"}), else
 *       a class index {@code 0..classes-1}; written as the class name;
 *   <li>classification without names: a class index, written as an integer;
 *   <li>regression: a number, or a list of {@code targets} numbers, finite in float32.
 * </ul>
 *
 * Errors are {@link DataFileException}s naming {@code label} and the value; the caller adds the
 * file and line.
 */
final class RawLabels {
  private final ModelSpec spec;
  private final boolean classification;
  private final Map<String, Integer> index = new HashMap<>();

  RawLabels(ModelSpec spec) {
    this.spec = spec;
    this.classification = spec.task() == ModelSpec.Task.CLASSIFICATION;
    List<String> names = spec.classNames();
    for (int i = 0; i < names.size(); i++) {
      index.put(names.get(i), i);
    }
  }

  /** The label as the learner takes it: the class index as a float, or the targets. */
  float[] read(JsonNode label) {
    if (label == null || label.isNull() || (label.isTextual() && label.textValue().isEmpty())) {
      throw new DataFileException("label: missing; every row needs its label");
    }
    return classification ? new float[] {classIndex(label)} : targets(label);
  }

  /** The label as written to the examples topic: a class name or index, or the targets. */
  JsonNode write(float[] label) {
    if (classification) {
      int c = (int) label[0];
      return index.isEmpty() ? IntNode.valueOf(c) : TextNode.valueOf(spec.className(c));
    }
    if (label.length == 1) {
      return FloatNode.valueOf(label[0]);
    }
    var list = JsonNodeFactory.instance.arrayNode(label.length);
    for (float v : label) {
      list.add(v);
    }
    return list;
  }

  private int classIndex(JsonNode label) {
    String text = label.isTextual() || label.isNumber() ? label.asText() : null;
    if (text != null && !index.isEmpty()) {
      Integer c = index.get(text);
      if (c == null && RawValues.isJsonNumber(text)) {
        c = index.get(LabelInference.nameOf(text));
      }
      if (c != null) {
        return c;
      }
    }
    if (text != null && RawValues.isDecimal(text)) {
      double v = Double.parseDouble(text);
      if (v >= 0 && v < spec.outputs() && v == Math.rint(v)) {
        return (int) v;
      }
    }
    int classes = spec.outputs();
    throw new DataFileException(
        "label: "
            + DataLines.abbreviate(label.toString())
            + " is not a class of this model; its classes are "
            + (index.isEmpty()
                ? "the indices 0.." + (classes - 1)
                : names() + " (or their indices 0.." + (classes - 1) + ")"));
  }

  private String names() {
    StringBuilder out = new StringBuilder();
    List<String> names = spec.classNames();
    int shown = Math.min(names.size(), 20);
    for (int i = 0; i < shown; i++) {
      out.append(i == 0 ? "\"" : ", \"").append(DataLines.abbreviate(names.get(i))).append('"');
    }
    return out.append(names.size() > shown ? ", ... (" + names.size() + " in all)" : "").toString();
  }

  private float[] targets(JsonNode label) {
    int width = spec.outputs();
    if (label.isArray()) {
      if (label.size() != width) {
        throw new DataFileException(
            "label: expected " + width + " targets (the spec's targets), got " + label.size());
      }
      float[] values = new float[width];
      for (int i = 0; i < width; i++) {
        values[i] = target(label.get(i), "label[" + i + "]");
      }
      return values;
    }
    if (width != 1) {
      throw new DataFileException(
          "label: expected a list of "
              + width
              + " targets (the spec's targets), got "
              + DataLines.abbreviate(label.toString()));
    }
    return new float[] {target(label, "label")};
  }

  private static float target(JsonNode v, String field) {
    float value;
    if (v.isNumber()) {
      value = v.floatValue();
    } else if (v.isTextual() && RawValues.isDecimal(v.textValue())) {
      value = Float.parseFloat(v.textValue());
    } else {
      throw new DataFileException(
          field + ": expected a number (a regression target), got " + abbreviate(v));
    }
    if (!Float.isFinite(value)) {
      throw new DataFileException(
          field + ": not a finite float32 (|x| < 3.4e38), got " + abbreviate(v));
    }
    return value;
  }

  private static String abbreviate(JsonNode v) {
    return DataLines.abbreviate(v.toString());
  }
}
