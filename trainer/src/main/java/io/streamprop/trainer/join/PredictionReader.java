package io.streamprop.trainer.join;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import io.streamprop.wire.ExampleException;
import io.streamprop.wire.RejectReason;
import java.io.IOException;
import java.util.Arrays;

/**
 * Reads a record of the {@code predictions} topic, {@code {"id", "model", "version", "time",
 * "features", "prediction"}} ({@code docs/topics.md}, "predictions"), keeping {@code features} and
 * {@code prediction} as the bytes the scorer logged: the join copies the features into the example
 * unchanged, so the model learns from exactly what it was asked about. Never throws anything but
 * {@link ExampleException}.
 */
final class PredictionReader {
  private PredictionReader() {}

  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
          .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
          .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .build();

  /** The logged prediction in {@code value}; {@code timestamp} stands in for a missing time. */
  static JoinCodec.Logged read(byte[] value, long timestamp) {
    if (value == null) {
      throw bad("record has no value (null)");
    }
    try (JsonParser p = FACTORY.createParser(value)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw bad("a logged prediction must be a JSON object");
      }
      String model = null;
      long version = -1;
      long time = timestamp;
      byte[] features = null;
      byte[] prediction = null;
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        JsonToken v = p.nextToken();
        switch (key) {
          case "model" -> {
            if (v != JsonToken.VALUE_STRING || p.getText().isEmpty()) {
              throw bad("model: expected a non-empty string");
            }
            model = p.getText();
          }
          case "version" -> version = integer(p, v, "version");
          case "time" -> time = integer(p, v, "time");
          case "features" -> features = slice(p, v, value);
          case "prediction" -> prediction = slice(p, v, value);
          default -> p.skipChildren();
        }
      }
      if (model == null || version < 0 || features == null || prediction == null) {
        throw new ExampleException(
            RejectReason.MISSING_FIELD,
            (model == null
                    ? "model"
                    : version < 0 ? "version" : features == null ? "features" : "prediction")
                + ": missing; a logged prediction is {\"id\", \"model\", \"version\", \"time\","
                + " \"features\", \"prediction\"}");
      }
      return new JoinCodec.Logged(model, version, time, false, features, prediction);
    } catch (ExampleException e) {
      throw e;
    } catch (JsonProcessingException e) {
      throw bad("not valid JSON: " + e.getOriginalMessage());
    } catch (IOException | RuntimeException e) {
      throw bad("not valid JSON: " + e.getMessage());
    }
  }

  private static long integer(JsonParser p, JsonToken v, String field) throws IOException {
    if (v != JsonToken.VALUE_NUMBER_INT || p.getLongValue() < 0) {
      throw bad(field + ": expected an integer >= 0, got " + p.getText());
    }
    return p.getLongValue();
  }

  /** The bytes of the value at {@code v}, as given. */
  private static byte[] slice(JsonParser p, JsonToken v, byte[] value) throws IOException {
    int start = (int) p.currentTokenLocation().getByteOffset();
    if (v == JsonToken.START_ARRAY || v == JsonToken.START_OBJECT) {
      p.skipChildren();
    } else {
      p.finishToken();
    }
    return Arrays.copyOfRange(value, start, (int) p.currentLocation().getByteOffset());
  }

  private static ExampleException bad(String message) {
    return new ExampleException(RejectReason.BAD_JSON, message);
  }
}
