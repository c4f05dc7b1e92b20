package io.streamprop.scorer.registry;

/**
 * Why a snapshot record was not served. The {@link #code} is the {@code reason} tag of {@code
 * streamprop_snapshots_rejected_total}: stable, lowercase, bounded.
 */
public enum SnapshotRejectReason {
  /** The record has no key, so it names no model. */
  NO_KEY("no_key"),
  /** The bytes do not decode: corrupt, truncated, or of an unknown format version. */
  CORRUPT("corrupt"),
  /** The version is not newer than the one already served. */
  NOT_NEWER("not_newer"),
  /** The snapshot decodes but no predictor can be built from it (inconsistent arrays). */
  INVALID("invalid"),
  /** The warm-up prediction produced NaN or infinity. */
  NOT_FINITE("not_finite");

  private final String code;

  SnapshotRejectReason(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }
}
