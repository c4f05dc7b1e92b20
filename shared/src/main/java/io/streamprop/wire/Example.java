package io.streamprop.wire;

/**
 * One labeled example after parsing and validation.
 *
 * @param features raw features in the spec's input order, all finite
 * @param label class index as a float (classification; a label given by name is its index) or
 *     targets (regression), all finite
 * @param weight how much the example weighs in the loss, finite and >= 0 (1 when the record gives
 *     none; 0 scores the example without learning from it)
 * @param ids null for a spec of numbers; for a spec with raw {@code features}, the bucket ids of
 *     each embedded field ({@link io.streamprop.features.FeatureRow#ids()}), and {@code features}
 *     is then the dense part of the row ({@link io.streamprop.features.FeatureRow#dense()}: NaN
 *     where a numeric value is missing)
 */
public record Example(float[] features, float[] label, float weight, int[][] ids) {

  /** An example of a spec of numbers. */
  public Example(float[] features, float[] label, float weight) {
    this(features, label, weight, null);
  }

  /** An example of a spec of numbers, of weight 1. */
  public Example(float[] features, float[] label) {
    this(features, label, 1f, null);
  }
}
