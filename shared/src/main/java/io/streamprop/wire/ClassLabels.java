package io.streamprop.wire;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.streamprop.spec.ModelSpec;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a classification label: a class index in {@code 0..classes-1}, or, when the spec declares
 * {@code class_names}, a class name, which becomes its index. A label that is neither is {@link
 * RejectReason#LABEL_OUT_OF_RANGE}, and the message names the value and the allowed classes.
 */
final class ClassLabels {
  private final int classes;
  private final List<String> names;
  private final Map<String, Integer> index;

  ClassLabels(ModelSpec spec) {
    this.classes = spec.outputs();
    this.names = spec.classNames();
    Map<String, Integer> byName = new HashMap<>();
    for (int i = 0; i < names.size(); i++) {
      byName.put(names.get(i), i);
    }
    this.index = byName;
  }

  /** The class index of the label token {@code t}, as a float. */
  float read(JsonParser p, JsonToken t) throws IOException {
    if (t == JsonToken.VALUE_NULL) {
      throw ExampleParser.notFinite("label", null);
    }
    if (t == JsonToken.VALUE_STRING && !names.isEmpty()) {
      Integer c = index.get(p.getText());
      if (c == null) {
        throw new ExampleException(
            RejectReason.LABEL_OUT_OF_RANGE,
            "label: \""
                + ExampleParser.abbreviate(p.getText())
                + "\" is not a class of this model; its classes are "
                + allowedNames());
      }
      return c;
    }
    if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
      throw ExampleParser.badJson(
          "label: expected a class index (a number in 0.."
              + (classes - 1)
              + (names.isEmpty() ? ")" : ") or a class name")
              + ", got "
              + ExampleParser.describe(t));
    }
    // A double keeps 2.0000001 distinct from 2, so only integral values pass.
    double v =
        t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT
            ? p.getIntValue()
            : p.getDoubleValue();
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      throw ExampleParser.notFinite("label", p.getText());
    }
    if (v < 0 || v >= classes || v != Math.rint(v)) {
      throw new ExampleException(
          RejectReason.LABEL_OUT_OF_RANGE,
          "label: must be a class index, an integer in 0.."
              + (classes - 1)
              + (names.isEmpty() ? "" : ", or a class name (" + allowedNames() + ")")
              + ", got "
              + ExampleParser.abbreviate(p.getText()));
    }
    return (float) v;
  }

  /** The names, quoted, at most 20 of them. */
  private String allowedNames() {
    StringBuilder out = new StringBuilder();
    int shown = Math.min(names.size(), 20);
    for (int i = 0; i < shown; i++) {
      out.append(i == 0 ? "\"" : ", \"").append(ExampleParser.abbreviate(names.get(i))).append('"');
    }
    if (names.size() > shown) {
      out.append(", ... (").append(names.size()).append(" in all)");
    }
    return out.toString();
  }
}
