package io.streamprop.features;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The vectors of {@code golden/features.json}, written by {@code features_golden.py}. */
final class FeatureGolden {
  private FeatureGolden() {}

  static final ObjectMapper MAPPER = new ObjectMapper();

  static JsonNode load() {
    try (InputStream in = FeatureGolden.class.getResourceAsStream("/golden/features.json")) {
      if (in == null) {
        throw new IllegalStateException("golden/features.json is missing; run features_golden.py");
      }
      return MAPPER.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
