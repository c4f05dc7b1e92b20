package io.streamprop.spec;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.streamprop.spec.ModelSpec.ClassWeight;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * The JSON of a spec's label keys, {@code class_names} and {@code class_weight}, for {@link
 * SpecJson}: how {@code class_weight} is read in its three forms, and how both keys are written
 * (only when the spec has them, so a spec without them writes exactly as before they existed).
 */
final class LabelsJson {
  private LabelsJson() {}

  /**
   * {@code "balanced"}, a list of one weight per class, or (with class names) an object of name:
   * weight that names every class.
   */
  static ClassWeight classWeight(JsonNode node, List<String> classNames) {
    if (node == null) {
      return SpecDefaults.CLASS_WEIGHT;
    }
    if (node.isTextual() && node.textValue().equals("balanced")) {
      return ClassWeight.BALANCED;
    }
    if (node.isArray()) {
      List<Double> weights = new ArrayList<>();
      for (int i = 0; i < node.size(); i++) {
        weights.add(number("class_weight[" + i + "]", node.get(i)));
      }
      return ClassWeight.explicit(weights);
    }
    if (node.isObject()) {
      if (classNames.isEmpty()) {
        throw new SpecException(
            "class_weight",
            "an object of name: weight needs \"class_names\"; give a list of one weight per class");
      }
      Double[] weights = new Double[classNames.size()];
      Iterator<String> names = node.fieldNames();
      while (names.hasNext()) {
        String name = names.next();
        int index = classNames.indexOf(name);
        if (index < 0) {
          throw new SpecException(
              "class_weight." + name,
              "not a class of this model; its classes are " + String.join(", ", classNames));
        }
        weights[index] = number("class_weight." + name, node.get(name));
      }
      for (int i = 0; i < weights.length; i++) {
        if (weights[i] == null) {
          throw new SpecException(
              "class_weight", "must give a weight for every class; missing " + classNames.get(i));
        }
      }
      return ClassWeight.explicit(Arrays.asList(weights));
    }
    throw new SpecException(
        "class_weight",
        "must be \"balanced\", a list of one weight per class, or an object of class name:"
            + " weight; got "
            + JsonFields.show(node));
  }

  private static double number(String field, JsonNode node) {
    if (!node.isNumber()) {
      throw new SpecException(field, "must be a number, got " + JsonFields.show(node));
    }
    return node.doubleValue();
  }

  /** {@code class_names} and {@code class_weight}, each only when the spec has it. */
  static void write(JsonGenerator g, ModelSpec spec) throws IOException {
    if (!spec.classNames().isEmpty()) {
      g.writeArrayFieldStart("class_names");
      for (String n : spec.classNames()) {
        g.writeString(n);
      }
      g.writeEndArray();
    }
    ClassWeight w = spec.classWeight();
    switch (w.mode()) {
      case NONE -> {}
      case BALANCED -> g.writeStringField("class_weight", "balanced");
      case EXPLICIT -> {
        g.writeArrayFieldStart("class_weight");
        for (double v : w.weights()) {
          g.writeNumber(v);
        }
        g.writeEndArray();
      }
    }
  }
}
