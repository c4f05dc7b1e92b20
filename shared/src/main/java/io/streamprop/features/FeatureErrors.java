package io.streamprop.features;

import io.streamprop.wire.ExampleException;
import io.streamprop.wire.RejectReason;

/**
 * The {@link ExampleException}s of featurizing, one factory per reason. Every message starts with
 * the field's path in the event ({@code features.<name>}) and ends with the bad value, abbreviated.
 */
final class FeatureErrors {
  private FeatureErrors() {}

  /** A value quoted in a message: at most 60 characters. */
  static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }

  static String quote(String s) {
    return "\"" + abbreviate(s) + "\"";
  }

  static ExampleException typeMismatch(String path, String expected, String shown) {
    return new ExampleException(
        RejectReason.FEATURE_TYPE_MISMATCH, path + ": must be " + expected + ", got " + shown);
  }

  static ExampleException tooLong(String path, FeatureSpec f, int length, String value) {
    return new ExampleException(
        RejectReason.FEATURE_TOO_LONG,
        path
            + ": "
            + f.kind().jsonName()
            + " value of "
            + length
            + " characters, more than max_length "
            + f.maxLength()
            + ", got "
            + quote(value));
  }

  static ExampleException numberTooLong(String path, FeatureSpec f, String shown) {
    return new ExampleException(
        RejectReason.FEATURE_TOO_LONG,
        path
            + ": a number whose decimal has more than max_length "
            + f.maxLength()
            + " characters, got "
            + shown);
  }

  static ExampleException tooManyTokens(String path, FeatureSpec f, int tokens, String value) {
    return new ExampleException(
        RejectReason.TOO_MANY_TOKENS,
        path
            + ": "
            + tokens
            + " tokens, more than max_tokens "
            + f.maxTokens()
            + ", got "
            + quote(value));
  }

  static ExampleException notFinite(String path, String shown) {
    return new ExampleException(
        RejectReason.NOT_FINITE,
        path + ": must be a finite number (float32: |x| < 3.4e38), got " + shown);
  }

  static ExampleException unknown(String name, FeatureSchema schema) {
    StringBuilder names = new StringBuilder();
    int listed = 0;
    while (listed < schema.size() && names.length() < 120) {
      names.append(listed == 0 ? "" : ", ").append(schema.feature(listed++).name());
    }
    if (listed < schema.size()) {
      names.append(", ...");
    }
    return new ExampleException(
        RejectReason.UNKNOWN_FEATURE,
        "features."
            + abbreviate(name)
            + ": not a feature of this model (its schema is closed); its features are "
            + names);
  }

  static ExampleException notAnObject(String shown) {
    return new ExampleException(
        RejectReason.BAD_JSON, "features: must be a JSON object of named features, got " + shown);
  }
}
