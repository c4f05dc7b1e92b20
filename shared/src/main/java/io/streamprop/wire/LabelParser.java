package io.streamprop.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads a record of the {@code labels} topic: key the id of a logged prediction (UTF-8, at most
 * {@value #MAX_ID_BYTES} bytes), value {@code {"label": ..., "model": "optional model id",
 * "weight": optional number >= 0}} ({@code docs/topics.md}, "labels").
 *
 * <p>The label and the weight are kept as the bytes they were given in, so that the example the
 * join writes carries exactly what the producer sent; {@link #label} validates a label against a
 * model's spec, with the same rules and messages as a label in an example. Other top-level keys are
 * skipped. Never throws anything but {@link ExampleException}, whatever the bytes.
 */
public final class LabelParser {
  private LabelParser() {}

  /** The longest id, in UTF-8 bytes (the contract of ids, shared with the scorer). */
  public static final int MAX_ID_BYTES = 256;

  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
          .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
          .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .build();

  /**
   * A label record's value.
   *
   * @param label the label's JSON as given (a number, a string or a list)
   * @param model the model it labels, or null for every model that predicted the id
   * @param weight the weight's JSON as given, or null when the record gives none
   */
  public record Label(byte[] label, String model, byte[] weight) {}

  /**
   * The id a record key names, or throws naming the problem: no key, not UTF-8, empty, or longer
   * than {@value #MAX_ID_BYTES} bytes.
   */
  public static String id(byte[] key) {
    if (key == null) {
      throw new ExampleException(RejectReason.MISSING_FIELD, "id: the record has no key");
    }
    if (key.length == 0 || key.length > MAX_ID_BYTES) {
      throw new ExampleException(
          RejectReason.MISSING_FIELD,
          "id: the key must be 1 to " + MAX_ID_BYTES + " UTF-8 bytes, got " + key.length);
    }
    boolean ascii = true;
    for (byte b : key) {
      ascii &= b >= 0;
    }
    if (ascii) { // the common case, without a decoder per record
      return new String(key, StandardCharsets.US_ASCII);
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(key))
          .toString();
    } catch (CharacterCodingException e) {
      throw new ExampleException(RejectReason.BAD_JSON, "id: the key is not valid UTF-8");
    }
  }

  /**
   * Parses a label record's value: JSON syntax, a {@code label} of a label's type, a {@code model}
   * string, a valid {@code weight}. Whether the label fits a model is {@link #label}'s question.
   */
  public static Label parse(byte[] value, int maxBytes) {
    if (value == null) {
      throw ExampleParser.badJson("record has no value (null)");
    }
    if (value.length > maxBytes) {
      throw new ExampleException(
          RejectReason.OVERSIZE,
          "record value is " + value.length + " bytes, more than the limit of " + maxBytes);
    }
    try (JsonParser p = FACTORY.createParser(value)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw ExampleParser.badJson(
            "a label must be a JSON object {\"label\": ..., \"model\": ..., \"weight\": ...}");
      }
      byte[] label = null;
      String model = null;
      byte[] weight = null;
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        JsonToken v = p.nextToken();
        if ("label".equals(key)) {
          if (label != null) {
            throw ExampleParser.badJson("duplicate key \"label\"");
          }
          label = labelBytes(p, v, value);
        } else if ("model".equals(key)) {
          if (model != null) {
            throw ExampleParser.badJson("duplicate key \"model\"");
          }
          if (v != JsonToken.VALUE_STRING || p.getText().isEmpty()) {
            throw ExampleParser.badJson(
                "model: expected a non-empty model id string, got "
                    + (v == JsonToken.VALUE_STRING ? "\"\"" : ExampleParser.describe(v)));
          }
          model = p.getText();
        } else if ("weight".equals(key)) {
          if (weight != null) {
            throw ExampleParser.badJson("duplicate key \"weight\"");
          }
          weight = weightBytes(p, v, value);
        } else {
          p.skipChildren();
        }
      }
      if (t != JsonToken.END_OBJECT) {
        throw ExampleParser.badJson(
            "found " + ExampleParser.describe(t) + " where a key was expected");
      }
      if (p.nextToken() != null) {
        throw ExampleParser.badJson("found more after the label object; send one per record");
      }
      if (label == null) {
        throw new ExampleException(
            RejectReason.MISSING_FIELD,
            "label: missing; a label is {\"label\": ..., \"model\": \"optional\","
                + " \"weight\": optional}");
      }
      return new Label(label, model, weight);
    } catch (ExampleException e) {
      throw e;
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : " at byte " + e.getLocation().getByteOffset();
      throw ExampleParser.badJson(
          "not valid JSON" + where + ": " + ExampleParser.abbreviate(JsonErrors.message(e), 160));
    } catch (IOException | RuntimeException e) {
      throw ExampleParser.badJson(
          "not valid JSON: " + ExampleParser.abbreviate(String.valueOf(e.getMessage())));
    }
  }

  /**
   * The label as {@code parser}'s model reads it: a class index (a name is its index) or the
   * targets; throws {@link ExampleException} as for an example's label (out of range, wrong width).
   */
  public static float[] label(ExampleParser parser, byte[] labelJson) {
    try (JsonParser p = FACTORY.createParser(labelJson)) {
      return parser.readLabel(p, p.nextToken());
    } catch (ExampleException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw ExampleParser.badJson(
          "label: not valid JSON: " + ExampleParser.abbreviate(String.valueOf(e.getMessage())));
    }
  }

  /** A number, a string or a list (of numbers, checked by {@link #label}); its bytes as given. */
  private static byte[] labelBytes(JsonParser p, JsonToken v, byte[] value) throws IOException {
    int start = (int) p.currentTokenLocation().getByteOffset();
    switch (v) {
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT, VALUE_STRING -> p.finishToken();
      case START_ARRAY -> p.skipChildren();
      case VALUE_NULL -> throw ExampleParser.notFinite("label", null);
      default ->
          throw ExampleParser.badJson(
              "label: expected a class index, a class name or number(s), got "
                  + ExampleParser.describe(v));
    }
    return Arrays.copyOfRange(value, start, (int) p.currentLocation().getByteOffset());
  }

  /** A finite number >= 0 as a float32, as an example's weight; its bytes as given. */
  private static byte[] weightBytes(JsonParser p, JsonToken v, byte[] value) throws IOException {
    int start = (int) p.currentTokenLocation().getByteOffset();
    if (v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_NUMBER_FLOAT) {
      double w = p.getDoubleValue();
      if (w >= 0 && (float) w < Float.POSITIVE_INFINITY) {
        return Arrays.copyOfRange(value, start, (int) p.currentLocation().getByteOffset());
      }
    }
    String shown =
        v == JsonToken.VALUE_STRING
            ? "\"" + ExampleParser.abbreviate(p.getText()) + "\""
            : v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_NUMBER_FLOAT
                ? ExampleParser.abbreviate(p.getText())
                : ExampleParser.describe(v);
    throw new ExampleException(
        RejectReason.WEIGHT_INVALID,
        "weight: must be a finite number >= 0 (float32: < 3.4e38), got " + shown);
  }
}
