package io.streamprop.scorer.http;

import java.util.Map;

/**
 * A response ready to be written: status, content type, the whole body, the model version it came
 * from ({@code -1} when no model is involved), and extra headers.
 */
record Reply(
    int status, String contentType, byte[] body, long modelVersion, Map<String, String> headers) {

  static final String JSON = "application/json";

  static Reply json(int status, byte[] body, long modelVersion) {
    return new Reply(status, JSON, body, modelVersion, Map.of());
  }
}
