package io.streamprop.features;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reading one present (not missing) JSON value as each kind wants it, or the {@link
 * io.streamprop.wire.ExampleException} that says why it cannot be.
 */
final class JsonValues {
  private JsonValues() {}

  /** A numeric feature: a JSON number, finite as a float32. */
  static float number(JsonNode v, String path) {
    if (!v.isNumber()) {
      throw FeatureErrors.typeMismatch(path, "a number (numeric feature)", show(v));
    }
    float value = v.floatValue();
    if (!Float.isFinite(value)) {
      throw FeatureErrors.notFinite(path, show(v));
    }
    return value;
  }

  /** A boolean feature: true/false, the numbers 0/1, or a boolean word. */
  static Boolean bool(JsonNode v, String path) {
    if (v.isBoolean()) {
      return v.booleanValue();
    }
    if (v.isNumber()) {
      double d = v.doubleValue();
      if (d == 0 || d == 1) {
        return d == 1;
      }
    } else if (v.isTextual()) {
      Boolean word = RawValues.booleanWord(v.textValue());
      if (word != null) {
        return word;
      }
    }
    throw FeatureErrors.typeMismatch(
        path, "true, false, 1, 0 or a boolean word (boolean feature)", show(v));
  }

  /** A categorical feature: a string as is, a number's canonical decimal, true or false. */
  static String category(JsonNode v, FeatureSpec f, String path) {
    String value;
    if (v.isTextual()) {
      value = v.textValue();
    } else if (v.isBoolean()) {
      return v.booleanValue() ? "true" : "false";
    } else if (v.isNumber()) {
      if (!v.isBigDecimal() && !Double.isFinite(v.doubleValue())) {
        throw FeatureErrors.notFinite(path, show(v)); // 1e999 read as a double, or NaN
      }
      value = RawValues.canonical(v, f.maxLength());
      if (value == null) {
        throw FeatureErrors.numberTooLong(path, f, show(v));
      }
    } else {
      throw FeatureErrors.typeMismatch(
          path, "a string, a number or a boolean (categorical feature)", show(v));
    }
    if (value.length() > f.maxLength()) {
      throw FeatureErrors.tooLong(path, f, value.length(), value);
    }
    return value;
  }

  /** A tokens feature given as one text. */
  static String text(JsonNode v, String path) {
    if (!v.isTextual()) {
      throw FeatureErrors.typeMismatch(
          path, "a string or a list of strings (tokens feature)", show(v));
    }
    return v.textValue();
  }

  /** A value quoted in a message, as JSON, abbreviated. */
  static String show(JsonNode v) {
    return FeatureErrors.abbreviate(v.toString());
  }
}
