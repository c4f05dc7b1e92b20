package io.streamprop.wire;

import com.fasterxml.jackson.core.JsonProcessingException;

/**
 * What Jackson says about bad JSON, as a user should read it: its own message without the parts
 * that speak of Jackson rather than of the input, such as {@code (start marker at [Source: ...])},
 * {@code for `ObjectNode`}, {@code (bound as `com.fasterxml...JsonNode`)} and {@code : not allowed
 * ... `DeserializationFeature.FAIL_ON_...`}. {@code Unexpected end-of-input: expected close marker
 * for Object (start marker at [Source: REDACTED ...])} becomes {@code Unexpected end-of-input:
 * expected close marker for Object}; {@code Duplicate field 'sex' for `ObjectNode`: not allowed
 * when ...} becomes {@code Duplicate field 'sex'}.
 */
public final class JsonErrors {
  private JsonErrors() {}

  /** The parts of a message, from the first of which on the rest is about Jackson. */
  private static final String[] JACKSON_TAILS = {
    " (start marker at ", " for `", " (bound as `", ": not allowed", " at [Source: ", "\n"
  };

  /** {@code e}'s message without its location and its words about Jackson's settings. */
  public static String message(JsonProcessingException e) {
    return clean(e.getOriginalMessage());
  }

  /** {@code message} cut before the first part that is about Jackson, not about the input. */
  static String clean(String message) {
    if (message == null) {
      return "malformed JSON";
    }
    int end = message.length();
    for (String tail : JACKSON_TAILS) {
      int at = message.indexOf(tail);
      if (at >= 0 && at < end) {
        end = at;
      }
    }
    String cleaned = message.substring(0, end).strip();
    return cleaned.isEmpty() ? "malformed JSON" : cleaned;
  }
}
