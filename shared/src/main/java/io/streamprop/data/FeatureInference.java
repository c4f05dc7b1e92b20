package io.streamprop.data;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamprop.features.FeatureKind;
import io.streamprop.features.FeatureSpec;
import io.streamprop.features.RawValues;
import io.streamprop.features.Tokenizer;
import java.util.Locale;

/**
 * What one raw column holds, seen value by value, and the feature kind it gets (rules in {@code
 * docs/data.md}): <b>numeric</b> when every present value is a number (so integer codes with few
 * distinct values stay numeric, and a column with no value at all is numeric); else <b>boolean</b>
 * when every present value is true/false/yes/no (any case) or a JSON boolean; else <b>tokens</b>
 * when some value is a list of strings or the values average at least {@value #MIN_MEAN_TOKENS}
 * tokens; else <b>categorical</b>. Missing values (empty cells, nulls, absent keys) do not count.
 * Same values in the same order give the same kind.
 */
final class FeatureInference {

  /** A string column whose values average this many tokens or more is text. */
  static final double MIN_MEAN_TOKENS = 3.0;

  private final String name;
  private long present;
  private long tokens;
  private boolean numeric = true;
  private boolean bool = true;
  private boolean list;

  FeatureInference(String name) {
    this.name = name;
  }

  String name() {
    return name;
  }

  /** True while every present value was a number and none was missing. */
  boolean numericWithoutMissing(long rows) {
    return numeric && present == rows;
  }

  /** A CSV cell ({@code ""}: missing). */
  void addCell(String cell) {
    if (cell.isEmpty()) {
      return;
    }
    present++;
    numeric &= RawValues.isDecimal(cell);
    bool &= isBooleanWord(cell);
    tokens += Tokenizer.count(cell);
  }

  /**
   * A JSON value (null: absent).
   *
   * @throws DataFileException for an object, which no kind takes
   */
  void addJson(JsonNode v, String where) {
    if (v == null || v.isNull() || (v.isTextual() && v.textValue().isEmpty())) {
      return;
    }
    present++;
    if (v.isNumber()) {
      bool = false;
      tokens += 1;
    } else if (v.isBoolean()) {
      numeric = false;
      tokens += 1;
    } else if (v.isTextual()) {
      numeric = false;
      bool &= isBooleanWord(v.textValue());
      tokens += Tokenizer.count(v.textValue());
    } else if (v.isArray()) {
      numeric = false;
      bool = false;
      list = true;
      tokens += v.size();
    } else {
      throw new DataFileException(
          where
              + ": features."
              + name
              + ": a raw feature is a number, a string, a boolean or a list of strings, got "
              + (v.isObject() ? "an object" : v.getNodeType().toString().toLowerCase(Locale.ROOT)));
    }
  }

  /** True/false/yes/no in any case; 1 and 0 are numbers first. */
  private static boolean isBooleanWord(String s) {
    return RawValues.booleanWord(s) != null && !s.equals("1") && !s.equals("0");
  }

  /** The inferred kind. */
  FeatureKind kind() {
    if (numeric) {
      return FeatureKind.NUMERIC;
    }
    if (bool) {
      return FeatureKind.BOOLEAN;
    }
    if (list || (double) tokens / present >= MIN_MEAN_TOKENS) {
      return FeatureKind.TOKENS;
    }
    return FeatureKind.CATEGORICAL;
  }

  /** The inferred feature, with the defaults of its kind. */
  FeatureSpec feature() {
    return FeatureSpec.of(name, kind());
  }

  /** One line for the command line: the kind and why. */
  String reason() {
    return switch (kind()) {
      case NUMERIC -> name + ": numeric (every value is a number)";
      case BOOLEAN -> name + ": boolean (only true/false/yes/no)";
      case TOKENS ->
          name
              + ": tokens ("
              + (list
                  ? "lists of strings"
                  : String.format(Locale.ROOT, "%.1f tokens per value", (double) tokens / present))
              + ")";
      case CATEGORICAL ->
          name
              + String.format(
                  Locale.ROOT, ": categorical (%.1f tokens per value)", (double) tokens / present);
    };
  }
}
