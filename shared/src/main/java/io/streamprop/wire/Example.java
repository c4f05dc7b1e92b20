package io.streamprop.wire;

/**
 * One labeled example after parsing and validation.
 *
 * @param features raw features in the spec's input order, all finite
 * @param label class index as a float (classification) or targets (regression), all finite
 */
public record Example(float[] features, float[] label) {}
