package io.streamprop.learn.state;

import java.util.Objects;

/**
 * One embedding table of a spec with raw features: the learned vector of every hash bucket of one
 * embedded field (categorical or tokens), in the order of {@code FeatureLayout.embeddings()}.
 *
 * @param weight (buckets, dim) row-major: row r is bucket r's vector
 */
public record EmbeddingState(float[] weight) {
  public EmbeddingState {
    Objects.requireNonNull(weight, "weight");
  }
}
