package io.streamprop.features;

import io.streamprop.spec.SpecDefaults;
import io.streamprop.spec.SpecException;
import io.streamprop.spec.SpecLimits;

/**
 * One named raw feature of a spec's {@code features} list. The hashing parameters apply to {@link
 * FeatureKind#CATEGORICAL} and {@link FeatureKind#TOKENS} only and are 0 ({@code false}) for the
 * other kinds; the factories fill the defaults of {@link SpecDefaults}. A {@link FeatureSchema}
 * validates its features ({@link #validate}), naming the JSON path and the bad value.
 *
 * @param name the event field it reads, 1..256 characters, not blank
 * @param kind what it holds
 * @param buckets hash buckets, bucket 0 meaning "missing" (categorical, tokens)
 * @param embeddingDim width of the learned embedding; when {@code buckets <= embeddingDim} the
 *     feature is "tiny" and takes a one-hot block of width {@code buckets} instead
 * @param bigrams tokens: also hash each pair of neighbouring tokens, after the single tokens
 * @param maxTokens tokens: more tokens than this in one value is an error
 * @param maxLength longest string accepted, in UTF-16 code units (categorical, tokens)
 */
public record FeatureSpec(
    String name,
    FeatureKind kind,
    int buckets,
    int embeddingDim,
    boolean bigrams,
    int maxTokens,
    int maxLength) {

  /** A numeric feature. */
  public static FeatureSpec numeric(String name) {
    return new FeatureSpec(name, FeatureKind.NUMERIC, 0, 0, false, 0, 0);
  }

  /** A boolean feature. */
  public static FeatureSpec bool(String name) {
    return new FeatureSpec(name, FeatureKind.BOOLEAN, 0, 0, false, 0, 0);
  }

  /** A categorical feature with the default buckets, embedding width and length limit. */
  public static FeatureSpec categorical(String name) {
    return new FeatureSpec(
        name,
        FeatureKind.CATEGORICAL,
        SpecDefaults.CATEGORICAL_BUCKETS,
        SpecDefaults.CATEGORICAL_EMBEDDING_DIM,
        false,
        0,
        SpecDefaults.CATEGORICAL_MAX_LENGTH);
  }

  /** A tokens feature with the default buckets, embedding width and limits, without bigrams. */
  public static FeatureSpec tokens(String name) {
    return new FeatureSpec(
        name,
        FeatureKind.TOKENS,
        SpecDefaults.TOKENS_BUCKETS,
        SpecDefaults.TOKENS_EMBEDDING_DIM,
        SpecDefaults.BIGRAMS,
        SpecDefaults.MAX_TOKENS,
        SpecDefaults.TOKENS_MAX_LENGTH);
  }

  /** A feature of this kind with every default. */
  public static FeatureSpec of(String name, FeatureKind kind) {
    if (kind == null) {
      throw new SpecException("features." + name + ".kind", "must be given, got null");
    }
    return switch (kind) {
      case NUMERIC -> numeric(name);
      case BOOLEAN -> bool(name);
      case CATEGORICAL -> categorical(name);
      case TOKENS -> tokens(name);
    };
  }

  public FeatureSpec withBuckets(int buckets) {
    return new FeatureSpec(name, kind, buckets, embeddingDim, bigrams, maxTokens, maxLength);
  }

  public FeatureSpec withEmbeddingDim(int embeddingDim) {
    return new FeatureSpec(name, kind, buckets, embeddingDim, bigrams, maxTokens, maxLength);
  }

  public FeatureSpec withBigrams(boolean bigrams) {
    return new FeatureSpec(name, kind, buckets, embeddingDim, bigrams, maxTokens, maxLength);
  }

  public FeatureSpec withMaxTokens(int maxTokens) {
    return new FeatureSpec(name, kind, buckets, embeddingDim, bigrams, maxTokens, maxLength);
  }

  public FeatureSpec withMaxLength(int maxLength) {
    return new FeatureSpec(name, kind, buckets, embeddingDim, bigrams, maxTokens, maxLength);
  }

  /** Categorical or tokens: hashed into buckets. */
  public boolean hashed() {
    return kind != null && kind.hashed();
  }

  /** A hashed feature with {@code buckets <= embeddingDim}: a one-hot block, no embedding. */
  public boolean oneHot() {
    return hashed() && buckets <= embeddingDim;
  }

  /** A hashed feature feeding a learned embedding. */
  public boolean embedded() {
    return hashed() && buckets > embeddingDim;
  }

  /** The most bucket ids one value can make: 1 (categorical), the tokens and their bigrams. */
  public int maxIds() {
    return switch (kind) {
      case CATEGORICAL -> 1;
      case TOKENS -> bigrams ? 2 * maxTokens - 1 : maxTokens;
      case NUMERIC, BOOLEAN -> 0;
    };
  }

  /**
   * Checks every field against {@link SpecLimits}.
   *
   * @param path the JSON path of this feature, e.g. {@code features[2]}
   * @throws SpecException naming {@code path.key} and the bad value
   */
  public void validate(String path) {
    if (name == null) {
      throw new SpecException(path + ".name", "must be given, got null");
    }
    if (name.isBlank() || name.length() > SpecLimits.MAX_FEATURE_NAME_LENGTH) {
      throw new SpecException(
          path + ".name",
          "must be 1.."
              + SpecLimits.MAX_FEATURE_NAME_LENGTH
              + " characters and not blank, got \""
              + FeatureErrors.abbreviate(name)
              + "\"");
    }
    if (kind == null) {
      throw new SpecException(path + ".kind", "must be given, got null");
    }
    if (!hashed()) {
      if (buckets != 0 || embeddingDim != 0 || bigrams || maxTokens != 0 || maxLength != 0) {
        throw new SpecException(
            path,
            kind.jsonName()
                + " feature \""
                + FeatureErrors.abbreviate(name)
                + "\" takes no buckets, embedding_dim, bigrams, max_tokens or max_length");
      }
      return;
    }
    range(path + ".buckets", buckets, SpecLimits.MIN_BUCKETS, SpecLimits.MAX_BUCKETS);
    range(path + ".embedding_dim", embeddingDim, 1, SpecLimits.MAX_EMBEDDING_DIM);
    range(path + ".max_length", maxLength, 1, SpecLimits.MAX_STRING_LENGTH);
    if (kind == FeatureKind.TOKENS) {
      range(path + ".max_tokens", maxTokens, 1, SpecLimits.MAX_TOKENS);
    } else if (bigrams || maxTokens != 0) {
      throw new SpecException(
          path + (bigrams ? ".bigrams" : ".max_tokens"), "is for tokens features only");
    }
  }

  private static void range(String field, int value, int min, int max) {
    if (value < min || value > max) {
      throw new SpecException(field, "must be in " + min + ".." + max + ", got " + value);
    }
  }
}
