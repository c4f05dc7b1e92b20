package io.streamprop.wire;

/**
 * One labeled example after parsing and validation.
 *
 * @param features raw features in the spec's input order, all finite
 * @param label class index as a float (classification; a label given by name is its index) or
 *     targets (regression), all finite
 * @param weight how much the example weighs in the loss, finite and >= 0 (1 when the record gives
 *     none; 0 scores the example without learning from it)
 */
public record Example(float[] features, float[] label, float weight) {

  /** An example of weight 1. */
  public Example(float[] features, float[] label) {
    this(features, label, 1f);
  }
}
