package io.streamprop.wire;

/**
 * Why a record could not be used. The {@link #code} is what dead-letter headers and metric tags
 * carry: stable, lowercase, bounded.
 */
public enum RejectReason {
  BAD_JSON("bad_json"),
  MISSING_FIELD("missing_field"),
  WRONG_WIDTH("wrong_width"),
  UNKNOWN_FEATURE("unknown_feature"),
  NOT_FINITE("not_finite"),
  LABEL_OUT_OF_RANGE("label_out_of_range"),
  WEIGHT_INVALID("weight_invalid"),
  UNKNOWN_MODEL("unknown_model"),
  OVERSIZE("oversize"),
  /** A raw feature of the wrong type: an object for a number, "maybe" for a boolean, ... */
  FEATURE_TYPE_MISMATCH("feature_type_mismatch"),
  /** A raw feature's string longer than its {@code max_length}. */
  FEATURE_TOO_LONG("feature_too_long"),
  /** A tokens feature with more tokens than its {@code max_tokens}. */
  TOO_MANY_TOKENS("too_many_tokens");

  private final String code;

  RejectReason(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }
}
