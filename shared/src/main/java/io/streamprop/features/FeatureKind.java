package io.streamprop.features;

import java.util.Locale;

/** What a raw feature holds, and so how it reaches the network (see {@code docs/spec.md}). */
public enum FeatureKind {
  /** A number, standardized online; a missing value is imputed and flagged. */
  NUMERIC,
  /** A code or a name, hashed into buckets feeding an embedding (or a one-hot block when tiny). */
  CATEGORICAL,
  /** True or false, with a missing indicator. */
  BOOLEAN,
  /**
   * A text split into lowercase words (or a list of words), a hashed bag of words pooled by mean.
   */
  TOKENS;

  /**
   * The name in spec JSON: {@code numeric}, {@code categorical}, {@code boolean}, {@code tokens}.
   */
  public String jsonName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** True for the kinds hashed into buckets: categorical and tokens. */
  public boolean hashed() {
    return this == CATEGORICAL || this == TOKENS;
  }
}
