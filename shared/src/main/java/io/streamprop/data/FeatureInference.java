package io.streamprop.data;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamprop.features.FeatureKind;
import io.streamprop.features.FeatureSpec;
import io.streamprop.features.Featurizer;
import io.streamprop.features.RawValues;
import io.streamprop.features.Tokenizer;
import io.streamprop.spec.SpecDefaults;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * What one raw column holds, seen value by value, and the feature kind it gets (rules in {@code
 * docs/data.md}): <b>numeric</b> when every present value is a number (so integer codes with few
 * distinct values stay numeric, and a column with no value at all is numeric); else <b>boolean</b>
 * when every present value is true/false/yes/no (any case) or a JSON boolean; else <b>tokens</b>
 * when some value is a list of strings or the values average at least {@value #MIN_MEAN_TOKENS}
 * tokens; else <b>categorical</b>. Missing values (empty cells, nulls, absent keys) do not count.
 * Same values in the same order give the same kind.
 *
 * <p>A categorical column of at most {@value #MAX_ONE_HOT_VALUES} distinct values (no more than the
 * default embedding has dimensions) gets a one-hot block instead of an embedding: {@code buckets}
 * (and {@code embedding_dim}, so that {@code buckets <= embedding_dim}) are the fewest, from the
 * number of values + 1, in which every value seen hashes to a bucket of its own. Its inputs are
 * then those of a one-hot encoder with a missing slot, the usual encoding of a column with a
 * handful of values (an embedding learns a dense code where there are too many values for one input
 * each; Guo and Berkhahn, "Entity Embeddings of Categorical Variables", 2016).
 */
final class FeatureInference {

  /** A string column whose values average this many tokens or more is text. */
  static final double MIN_MEAN_TOKENS = 3.0;

  /** A categorical column with at most this many distinct values is one-hot. */
  static final int MAX_ONE_HOT_VALUES = SpecDefaults.CATEGORICAL_EMBEDDING_DIM;

  /**
   * A column inferred non-numeric whose present values are at least this many percent numbers is
   * reported ({@link #mostlyNumeric}): one typo among a thousand numbers was most likely not meant
   * to make the column categorical.
   */
  static final int MIN_NUMBER_PERCENT = 99;

  private final String name;
  private long present;
  private long numbers;
  // The first present value that is not a number, as the file holds it, and where.
  private String firstOther;
  private String firstOtherWhere;
  private long tokens;
  private boolean numeric = true;
  private boolean bool = true;
  private boolean list;
  // The texts a categorical feature would hash (a number's canonical decimal), at most
  // MAX_ONE_HOT_VALUES + 1 of them: enough to tell whether the column is one-hot.
  private final Set<String> values = new HashSet<>();

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

  /** A CSV cell ({@code ""}: missing) at {@code where} (file:line). */
  void addCell(String cell, String where) {
    if (cell.isEmpty()) {
      return;
    }
    present++;
    boolean number = RawValues.isDecimal(cell);
    numeric &= number;
    if (number) {
      numbers++;
    } else if (firstOther == null) {
      String shown = cell.length() > 40 ? cell.substring(0, 40) + "..." : cell;
      firstOther = "\"" + shown.replace("\"", "\\\"") + "\"";
      firstOtherWhere = where;
    }
    bool &= isBooleanWord(cell);
    tokens += Tokenizer.count(cell);
    String canonical =
        RawValues.isJsonNumber(cell)
            ? RawValues.canonical(cell, SpecDefaults.CATEGORICAL_MAX_LENGTH)
            : cell;
    addValue(canonical == null ? cell : canonical);
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
      numbers++;
    } else if (firstOther == null) {
      firstOther = v.toString();
      firstOtherWhere = where;
    }
    if (v.isNumber()) {
      bool = false;
      tokens += 1;
      boolean finite = v.isBigDecimal() || Double.isFinite(v.doubleValue());
      String canonical =
          finite ? RawValues.canonical(v, SpecDefaults.CATEGORICAL_MAX_LENGTH) : null;
      addValue(canonical == null ? v.asText() : canonical);
    } else if (v.isBoolean()) {
      numeric = false;
      tokens += 1;
      addValue(v.booleanValue() ? "true" : "false");
    } else if (v.isTextual()) {
      numeric = false;
      bool &= isBooleanWord(v.textValue());
      tokens += Tokenizer.count(v.textValue());
      addValue(v.textValue());
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

  /**
   * The column when it is not numeric though at least {@link #MIN_NUMBER_PERCENT}% of its present
   * values are numbers; else null.
   */
  SpecInference.MostlyNumeric mostlyNumeric() {
    long others = present - numbers;
    if (others == 0 || numbers * 100 < MIN_NUMBER_PERCENT * present) {
      return null;
    }
    return new SpecInference.MostlyNumeric(
        name, kind(), present, others, firstOther, firstOtherWhere);
  }

  /** Keeps a categorical text while the column could still be one-hot. */
  private void addValue(String value) {
    if (values.size() <= MAX_ONE_HOT_VALUES) {
      values.add(value);
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

  /**
   * The inferred feature, with the defaults of its kind, but for a categorical column of few values
   * a one-hot block ({@link #oneHotBuckets}).
   */
  FeatureSpec feature() {
    FeatureSpec feature = FeatureSpec.of(name, kind());
    int buckets = oneHotBuckets();
    return buckets == 0 ? feature : feature.withBuckets(buckets).withEmbeddingDim(buckets);
  }

  /**
   * For a categorical column of at most {@link #MAX_ONE_HOT_VALUES} distinct values, the fewest
   * buckets, from the number of values + 1 (bucket 0 is "missing"), in which no two of them share a
   * bucket; else 0 (an embedding of the default buckets). If no count up to the default buckets
   * keeps them apart, 0 too.
   */
  int oneHotBuckets() {
    if (kind() != FeatureKind.CATEGORICAL || values.size() > MAX_ONE_HOT_VALUES) {
      return 0;
    }
    for (int buckets = values.size() + 1; buckets <= SpecDefaults.CATEGORICAL_BUCKETS; buckets++) {
      Set<Integer> taken = new HashSet<>();
      for (String value : values) {
        if (!taken.add(
            Featurizer.categoricalBucket(name, value, buckets, SpecDefaults.HASH_SEED))) {
          break;
        }
      }
      if (taken.size() == values.size()) {
        return buckets;
      }
    }
    return 0;
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
                  Locale.ROOT, ": categorical (%.1f tokens per value)", (double) tokens / present)
              + (oneHotBuckets() == 0
                  ? ""
                  : ", " + values.size() + " values: one-hot in " + oneHotBuckets() + " buckets");
    };
  }
}
