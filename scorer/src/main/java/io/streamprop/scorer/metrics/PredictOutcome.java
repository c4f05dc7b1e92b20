package io.streamprop.scorer.metrics;

/** How a predict request ended; the {@code outcome} tag of {@code streamprop_predictions_total}. */
public enum PredictOutcome {
  OK("ok"),
  BAD_REQUEST("bad_request"),
  UNKNOWN_MODEL("unknown_model"),
  METHOD_NOT_ALLOWED("method_not_allowed"),
  TOO_LARGE("too_large"),
  UNSUPPORTED_MEDIA_TYPE("unsupported_media_type"),
  NOT_READY("not_ready"),
  ERROR("error");

  private final String code;

  PredictOutcome(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }

  /** The outcome that an HTTP status stands for. */
  public static PredictOutcome ofStatus(int status) {
    return switch (status) {
      case 200 -> OK;
      case 400 -> BAD_REQUEST;
      case 404 -> UNKNOWN_MODEL;
      case 405 -> METHOD_NOT_ALLOWED;
      case 413 -> TOO_LARGE;
      case 415 -> UNSUPPORTED_MEDIA_TYPE;
      case 503 -> NOT_READY;
      default -> ERROR;
    };
  }
}
