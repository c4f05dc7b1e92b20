package io.streamprop.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.NumberInput;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import io.streamprop.features.FeatureRow;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecLimits;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses the JSON value of an {@code examples} record, {@code {"features": [...], "label": ...}},
 * straight into float arrays, and validates it against a spec (width, finiteness, label range,
 * feature names). Thread-safe: one instance per model, shared by every thread.
 *
 * <p>Accepted forms (see {@code docs/examples.md}):
 *
 * <ul>
 *   <li>{@code features}: a list of {@code inputs} numbers, or, when the spec declares {@code
 *       feature_names}, an object with a number for every name (order free, all names required);
 *       for a spec with raw {@code features}, an object of raw values by name, featurized by the
 *       spec's {@link io.streamprop.features.Featurizer} ({@link RawFeatureReader}): the example's
 *       {@code features} is then the row's dense part and its {@code ids} the bucket ids.
 *   <li>{@code label}: classification, a class index in {@code 0..classes-1} (integral: {@code 2}
 *       and {@code 2.0} are class 2, {@code 2.5} is refused) or, when the spec declares {@code
 *       class_names}, a class name; regression, a number (one target) or a list of {@code targets}
 *       numbers.
 *   <li>{@code weight} (optional, default 1): a finite number >= 0 that scales the example's loss.
 *   <li>Any other top-level key (an id, a timestamp) is skipped; keys may come in any order.
 * </ul>
 *
 * <p>Speed: one pass of Jackson's streaming parser with its fast floating-point parser, numbers
 * read straight into {@code float[]} (no tree, no boxing; raw features straight into the featurized
 * row, save the few forms {@link io.streamprop.features.FeatureStreamReader} declines, which are
 * read again as a tree). {@code NaN} and {@code Infinity} tokens (as Python's {@code json} writes
 * them) and {@code null} (as JavaScript writes {@code NaN}) are read so that they can be refused as
 * {@link RejectReason#NOT_FINITE} with their position, rather than as unreadable JSON; a number
 * beyond the float range ({@code 1e39}) is not finite either.
 *
 * <p>{@link #parse} never throws anything but {@link ExampleException}, whatever the bytes.
 */
public final class ExampleParser {

  /** Default largest record value accepted: 1 MiB. */
  public static final int DEFAULT_MAX_BYTES = 1024 * 1024;

  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
          .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
          .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .build();

  private static final int NONE = -1;

  /** No {@code weight} key seen yet (a weight is never negative). */
  private static final float NO_WEIGHT = -1f;

  private final ModelSpec spec;
  private final int inputs;
  private final int maxBytes;
  private final boolean classification;
  private final int classes;
  private final int targets;
  private final List<String> featureNames;
  private final Map<String, Integer> featureIndex;
  private final ClassLabels classLabels;
  private final RawFeatureReader raw; // null for a spec of numbers

  /** A parser for examples of this model, refusing values above {@link #DEFAULT_MAX_BYTES}. */
  public ExampleParser(ModelSpec spec) {
    this(spec, DEFAULT_MAX_BYTES);
  }

  /** A parser for examples of this model, refusing values above {@code maxBytes}. */
  public ExampleParser(ModelSpec spec, int maxBytes) {
    if (spec == null) {
      throw new IllegalArgumentException("spec must be given");
    }
    if (maxBytes < 2) {
      throw new IllegalArgumentException("maxBytes must be >= 2, got " + maxBytes);
    }
    this.spec = spec;
    this.inputs = spec.inputs();
    this.maxBytes = maxBytes;
    this.classification = spec.task() == ModelSpec.Task.CLASSIFICATION;
    this.classes = spec.outputs();
    this.targets = SpecLimits.labelWidth(spec);
    this.featureNames = spec.featureNames();
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < featureNames.size(); i++) {
      index.put(featureNames.get(i), i);
    }
    this.featureIndex = index;
    this.classLabels = new ClassLabels(spec);
    this.raw = spec.hasFeatures() ? new RawFeatureReader(spec.features()) : null;
  }

  public ModelSpec spec() {
    return spec;
  }

  public int maxBytes() {
    return maxBytes;
  }

  /**
   * Parses and validates one record value.
   *
   * @throws ExampleException with the reason and a message a person can act on
   */
  public Example parse(byte[] json) {
    if (json == null) {
      throw new ExampleException(RejectReason.BAD_JSON, "record has no value (null)");
    }
    if (json.length > maxBytes) {
      throw new ExampleException(
          RejectReason.OVERSIZE,
          "record value is " + json.length + " bytes, more than the limit of " + maxBytes);
    }
    RecordStart.check(json);
    if (raw != null) {
      Example example = parseStreaming(json);
      if (example != null) {
        return example;
      }
    }
    try (JsonParser p = FACTORY.createParser(json)) {
      Example example = parseObject(p, false);
      JsonToken trailing = p.nextToken();
      if (trailing != null) {
        throw badJson(
            "found "
                + describe(trailing)
                + " after the example object; send one object per record");
      }
      return example;
    } catch (ExampleException e) {
      throw e;
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : " at byte " + e.getLocation().getByteOffset();
      throw badJson("not valid JSON" + where + ": " + abbreviate(JsonErrors.message(e), 160));
    } catch (IOException | RuntimeException e) {
      // Defence in depth: whatever a malformed input provokes, the caller sees one exception type.
      throw badJson("not valid JSON: " + abbreviate(String.valueOf(e.getMessage())));
    }
  }

  /**
   * The example of a spec with raw features read without a JSON tree, or null when {@link
   * RawFeatureReader#readStreaming} declines it or anything is wrong with it: {@link #parse} then
   * reads it again the tree's way, which accepts it or says why not. The accepted examples are the
   * same, bit for bit.
   */
  private Example parseStreaming(byte[] json) {
    try (JsonParser p = FACTORY.createParser(json)) {
      Example example = parseObject(p, true);
      return example != null && p.nextToken() == null ? example : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** The example object; with {@code streaming}, null where raw features are declined. */
  private Example parseObject(JsonParser p, boolean streaming) throws IOException {
    p.nextToken(); // START_OBJECT, guaranteed by checkStart
    float[] features = null;
    int[][] ids = null;
    float[] label = null;
    float weight = NO_WEIGHT;
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      JsonToken value = p.nextToken();
      if ("features".equals(key)) {
        if (features != null) {
          throw badJson("duplicate key \"features\"");
        }
        if (raw != null) {
          FeatureRow row = streaming ? raw.readStreaming(p, value) : raw.read(p, value);
          if (row == null) {
            return null;
          }
          features = row.dense();
          ids = row.ids();
        } else {
          features = readFeatures(p, value);
        }
      } else if ("label".equals(key)) {
        if (label != null) {
          throw badJson("duplicate key \"label\"");
        }
        label = readLabel(p, value);
      } else if ("weight".equals(key)) {
        if (weight != NO_WEIGHT) {
          throw badJson("duplicate key \"weight\"");
        }
        weight = readWeight(p, value);
      } else {
        p.skipChildren(); // ids, timestamps and other producer fields are not ours
      }
    }
    if (t != JsonToken.END_OBJECT) {
      throw badJson("found " + describe(t) + " where a key was expected");
    }
    if (features == null) {
      throw new ExampleException(RejectReason.MISSING_FIELD, "features: missing; " + shape());
    }
    if (label == null) {
      throw new ExampleException(RejectReason.MISSING_FIELD, "label: missing; " + shape());
    }
    return new Example(features, label, weight == NO_WEIGHT ? 1f : weight, ids);
  }

  private String shape() {
    return raw == null
        ? "an example is {\"features\": [...], \"label\": ...}"
        : "an example is {\"features\": {\"<name>\": value, ...}, \"label\": ...}";
  }

  /**
   * An example's weight from its JSON number: rounded to float32, which must be finite and >= 0 (-0
   * is 0); NaN when the number is not a weight. The one rule for every reader of weights.
   */
  public static float weight(double w) {
    return w >= 0 && (float) w < Float.POSITIVE_INFINITY ? (w == 0 ? 0f : (float) w) : Float.NaN;
  }

  /** A finite number >= 0 (as a float32); anything else is {@link RejectReason#WEIGHT_INVALID}. */
  private static float readWeight(JsonParser p, JsonToken t) throws IOException {
    if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
      float w = weight(p.getDoubleValue());
      if (!Float.isNaN(w)) {
        return w;
      }
      throw weightInvalid(abbreviate(p.getText()));
    }
    String shown =
        t == JsonToken.VALUE_STRING ? "\"" + abbreviate(p.getText()) + "\"" : describe(t);
    p.skipChildren();
    throw weightInvalid(shown);
  }

  private static ExampleException weightInvalid(String shown) {
    return new ExampleException(
        RejectReason.WEIGHT_INVALID,
        "weight: must be a finite number >= 0 (float32: < 3.4e38), got " + shown);
  }

  private float[] readFeatures(JsonParser p, JsonToken start) throws IOException {
    if (start == JsonToken.START_ARRAY) {
      float[] values = new float[inputs];
      int count = readNumbers(p, values, "features");
      if (count != inputs) {
        throw new ExampleException(
            RejectReason.WRONG_WIDTH, "features: expected " + inputs + " numbers, got " + count);
      }
      return values;
    }
    if (start == JsonToken.START_OBJECT) {
      return readNamedFeatures(p);
    }
    throw badJson(
        "features: expected a list of "
            + inputs
            + " numbers"
            + (featureNames.isEmpty() ? "" : " or an object of name: number")
            + ", got "
            + describe(start));
  }

  /**
   * Reads numbers up to END_ARRAY into {@code values} and returns how many the list held (more than
   * {@code values.length} is counted, not stored, so the width error can say how many).
   */
  private int readNumbers(JsonParser p, float[] values, String field) throws IOException {
    int count = 0;
    int notFinite = NONE;
    String notFiniteText = null;
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_NUMBER_INT) {
        if (count < values.length) {
          float v = readFloat(p);
          values[count] = v;
          if (notFinite == NONE && !Float.isFinite(v)) {
            notFinite = count;
            notFiniteText = p.getText();
          }
        }
      } else if (t == JsonToken.VALUE_NULL) {
        if (notFinite == NONE && count < values.length) {
          notFinite = count;
        }
      } else {
        throw badJson(field + "[" + count + "]: expected a number, got " + describe(t));
      }
      count++;
    }
    if (count == values.length && notFinite != NONE) {
      throw notFinite(field + "[" + notFinite + "]", notFiniteText);
    }
    return count;
  }

  private float[] readNamedFeatures(JsonParser p) throws IOException {
    if (featureNames.isEmpty()) {
      throw new ExampleException(
          RejectReason.UNKNOWN_FEATURE,
          "features: given by name, but the model declares no feature_names; send a list of "
              + inputs
              + " numbers");
    }
    float[] values = new float[inputs];
    boolean[] seen = new boolean[inputs];
    int count = 0;
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      Integer index = featureIndex.get(name);
      JsonToken value = p.nextToken();
      if (index == null) {
        throw new ExampleException(
            RejectReason.UNKNOWN_FEATURE,
            "features."
                + abbreviate(name)
                + ": not a feature of this model; its features are "
                + listNames(featureNames));
      }
      if (seen[index]) {
        throw badJson("features: duplicate name \"" + abbreviate(name) + "\"");
      }
      seen[index] = true;
      count++;
      if (value == JsonToken.VALUE_NUMBER_FLOAT || value == JsonToken.VALUE_NUMBER_INT) {
        float v = readFloat(p);
        if (!Float.isFinite(v)) {
          throw notFinite("features." + abbreviate(name), p.getText());
        }
        values[index] = v;
      } else if (value == JsonToken.VALUE_NULL) {
        throw notFinite("features." + abbreviate(name), null);
      } else {
        throw badJson(
            "features." + abbreviate(name) + ": expected a number, got " + describe(value));
      }
    }
    if (t != JsonToken.END_OBJECT) {
      throw badJson("features: found " + describe(t) + " where a name was expected");
    }
    if (count < inputs) {
      StringBuilder missing = new StringBuilder();
      int listed = 0;
      for (int i = 0; i < inputs && listed < 5; i++) {
        if (!seen[i]) {
          missing.append(listed++ == 0 ? "" : ", ").append(abbreviate(featureNames.get(i)));
        }
      }
      int more = inputs - count - listed;
      throw new ExampleException(
          RejectReason.MISSING_FIELD,
          "features: "
              + (inputs - count)
              + " of "
              + inputs
              + " named features missing: "
              + missing
              + (more > 0 ? " and " + more + " more" : ""));
    }
    return values;
  }

  /** The label at {@code start}, validated against the spec (also read by {@link LabelParser}). */
  float[] readLabel(JsonParser p, JsonToken start) throws IOException {
    if (classification) {
      return new float[] {classLabels.read(p, start)};
    }
    if (start == JsonToken.VALUE_NUMBER_FLOAT || start == JsonToken.VALUE_NUMBER_INT) {
      if (targets != 1) {
        throw new ExampleException(
            RejectReason.WRONG_WIDTH,
            "label: expected a list of " + targets + " numbers, got a single number");
      }
      float v = readFloat(p);
      if (!Float.isFinite(v)) {
        throw notFinite("label", p.getText());
      }
      return new float[] {v};
    }
    if (start == JsonToken.VALUE_NULL) {
      throw notFinite("label", null);
    }
    if (start == JsonToken.START_ARRAY) {
      float[] values = new float[targets];
      int count = readNumbers(p, values, "label");
      if (count != targets) {
        throw new ExampleException(
            RejectReason.WRONG_WIDTH, "label: expected " + targets + " numbers, got " + count);
      }
      return values;
    }
    throw badJson(
        "label: expected a number"
            + (targets > 1 ? " list of " + targets : " or a list of 1")
            + ", got "
            + describe(start));
  }

  /**
   * The current number token as a float32, parsed from the parser's own character buffer (no
   * String, no double) with the fast parser. Integer tokens convert exactly where they can; the
   * rare forms the fast path does not read ({@code +INF}) fall back to Jackson.
   */
  private static float readFloat(JsonParser p) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NUMBER_INT) {
      return p.getNumberType() == JsonParser.NumberType.INT ? p.getIntValue() : p.getFloatValue();
    }
    try {
      return NumberInput.parseFloat(
          p.getTextCharacters(), p.getTextOffset(), p.getTextLength(), true);
    } catch (NumberFormatException e) {
      return p.getFloatValue();
    }
  }

  /** {@code text} is the token as written, so {@code 1e39} is shown as such, not as Infinity. */
  static ExampleException notFinite(String field, String text) {
    String shown =
        text == null ? "null (JavaScript's JSON.stringify writes NaN as null)" : abbreviate(text);
    return new ExampleException(
        RejectReason.NOT_FINITE,
        field + ": must be a finite number (float32: |x| < 3.4e38), got " + shown);
  }

  static ExampleException badJson(String message) {
    return new ExampleException(RejectReason.BAD_JSON, message);
  }

  static String describe(JsonToken t) {
    if (t == null) {
      return "end of input";
    }
    return switch (t) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "a list";
      case VALUE_STRING -> "a string";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case END_OBJECT -> "'}'";
      case END_ARRAY -> "']'";
      case FIELD_NAME -> "a key";
      default -> t.toString();
    };
  }

  private static String listNames(List<String> names) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < Math.min(names.size(), 8); i++) {
      out.append(i == 0 ? "" : ", ").append(abbreviate(names.get(i)));
    }
    if (names.size() > 8) {
      out.append(", ... (").append(names.size()).append(" in all)");
    }
    return out.toString();
  }

  static String abbreviate(String s) {
    return abbreviate(s, 80);
  }

  static String abbreviate(String s, int max) {
    if (s == null) {
      return "null";
    }
    return s.length() <= max ? s : s.substring(0, max - 3) + "...";
  }
}
