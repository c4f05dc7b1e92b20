package io.streamprop.features;

import java.util.Arrays;

/**
 * One featurized example, detached from any batch: what the learner keeps in its pending mini-batch
 * and a predictor takes for one instance.
 *
 * @param dense the dense part of the network input row, {@link FeatureLayout#denseWidth()} floats:
 *     numeric values (NaN where missing: the standardization imputes the running mean), their
 *     missing indicators, booleans, their indicators, one-hot blocks
 * @param ids for each embedded field in the order of {@link FeatureLayout#embeddings()}, the bucket
 *     ids of its bag (at least one: a missing value is the bag of id 0)
 */
public record FeatureRow(float[] dense, int[][] ids) {

  /** Row {@code r} of a batch, copied out. */
  public static FeatureRow of(FeaturizedBatch batch, int r) {
    if (r < 0 || r >= batch.size()) {
      throw new IllegalArgumentException("row must be in [0, " + batch.size() + "), got " + r);
    }
    int width = batch.denseWidth();
    float[] dense = Arrays.copyOfRange(batch.dense(), r * width, (r + 1) * width);
    int[][] ids = new int[batch.embeddingCount()][];
    for (int e = 0; e < ids.length; e++) {
      int[] offsets = batch.offsets(e);
      ids[e] = Arrays.copyOfRange(batch.ids(e), offsets[r], offsets[r + 1]);
    }
    return new FeatureRow(dense, ids);
  }
}
