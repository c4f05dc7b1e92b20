package io.streamprop.scorer.http;

/**
 * A response ready to be written: status, content type, the whole body, and the model version it
 * came from ({@code -1} when no model is involved).
 */
record Reply(int status, String contentType, byte[] body, long modelVersion, String allow) {

  static final String JSON = "application/json";

  static Reply json(int status, byte[] body, long modelVersion) {
    return new Reply(status, JSON, body, modelVersion, null);
  }
}
