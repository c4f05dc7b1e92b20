package io.streamprop.learn;

import io.streamprop.learn.state.PendingBatch;
import io.streamprop.spec.ModelSpec;
import java.util.Arrays;

/**
 * The learner's pending mini-batch: the raw examples accepted since the last step, checked on the
 * way in. Buffers are allocated once, for a full batch.
 */
final class MiniBatch {
  private final ModelSpec spec;
  private final int capacity;
  private final int inputs;
  private final int labelWidth;
  private final float[] features; // (capacity, inputs), raw
  private final float[] labels; // (capacity, labelWidth)
  private final float[] weights; // (capacity) the examples' weights
  private int rows;
  private int weighted; // rows whose weight is not 1

  MiniBatch(ModelSpec spec) {
    this.spec = spec;
    this.capacity = spec.batchSize();
    this.inputs = spec.inputs();
    this.labelWidth = spec.task() == ModelSpec.Task.REGRESSION ? spec.outputs() : 1;
    this.features = new float[capacity * inputs];
    this.labels = new float[capacity * labelWidth];
    this.weights = new float[capacity];
  }

  /**
   * Checks one example: the right widths, finite values, a class index in range, a finite weight >=
   * 0.
   *
   * @throws IllegalArgumentException naming the problem
   */
  void check(float[] x, float[] label, float weight) {
    if (!(weight >= 0) || weight == Float.POSITIVE_INFINITY) {
      throw new IllegalArgumentException("weight must be finite and >= 0, got " + weight);
    }
    if (x == null || x.length != inputs) {
      throw new IllegalArgumentException(
          "features: expected " + inputs + " values, got " + (x == null ? "null" : x.length));
    }
    for (int j = 0; j < inputs; j++) {
      if (!Float.isFinite(x[j])) {
        throw new IllegalArgumentException("features[" + j + "] is not finite: " + x[j]);
      }
    }
    if (label == null || label.length != labelWidth) {
      throw new IllegalArgumentException(
          "label: expected "
              + labelWidth
              + " values, got "
              + (label == null ? "null" : label.length));
    }
    for (int k = 0; k < labelWidth; k++) {
      if (!Float.isFinite(label[k])) {
        throw new IllegalArgumentException("label[" + k + "] is not finite: " + label[k]);
      }
    }
    if (spec.task() == ModelSpec.Task.CLASSIFICATION) {
      float c = label[0];
      if (c != Math.rint(c) || c < 0 || c >= spec.outputs()) {
        throw new IllegalArgumentException(
            "label must be a class index in [0, " + (spec.outputs() - 1) + "], got " + c);
      }
    }
  }

  /** Appends a copy of a checked example; true when the batch is full. */
  boolean add(float[] x, float[] label, float weight) {
    System.arraycopy(x, 0, features, rows * inputs, inputs);
    System.arraycopy(label, 0, labels, rows * labelWidth, labelWidth);
    weights[rows] = weight;
    if (weight != 1f) {
      weighted++;
    }
    rows++;
    return rows == capacity;
  }

  /**
   * (capacity) the examples' weights, the first {@link #rows()} rows are the batch's; null when
   * every one is 1. Read it before {@link #clear}.
   */
  float[] weights() {
    return weighted == 0 ? null : weights;
  }

  /** Empties the batch (its buffers stay valid until the next {@link #add}). */
  void clear() {
    rows = 0;
    weighted = 0;
  }

  /** (capacity, inputs) raw features; the first {@link #rows()} rows are the batch. */
  float[] features() {
    return features;
  }

  /** (capacity, labelWidth) labels; the first {@link #rows()} rows are the batch. */
  float[] labels() {
    return labels;
  }

  int rows() {
    return rows;
  }

  int labelWidth() {
    return labelWidth;
  }

  /** Copies of the waiting rows. */
  PendingBatch state() {
    return new PendingBatch(
        rows,
        Arrays.copyOf(features, rows * inputs),
        Arrays.copyOf(labels, rows * labelWidth),
        weighted == 0 ? null : Arrays.copyOf(weights, rows));
  }

  /** Refills the batch from a state, checking its shape. */
  void restore(PendingBatch pending) {
    int count = pending.rows();
    if (count < 0 || count >= capacity) {
      throw new IllegalArgumentException(
          "pending rows must be in [0, " + capacity + "), got " + count);
    }
    requireLength("pending features", pending.features(), count * inputs);
    requireLength("pending labels", pending.labels(), count * labelWidth);
    System.arraycopy(pending.features(), 0, features, 0, count * inputs);
    System.arraycopy(pending.labels(), 0, labels, 0, count * labelWidth);
    weighted = 0;
    if (pending.weights() == null) {
      Arrays.fill(weights, 0, count, 1f);
    } else {
      requireLength("pending weights", pending.weights(), count);
      for (int r = 0; r < count; r++) {
        float w = pending.weights()[r];
        if (!(w >= 0) || w == Float.POSITIVE_INFINITY) {
          throw new IllegalArgumentException(
              "pending weights[" + r + "] must be finite and >= 0, got " + w);
        }
        weights[r] = w;
        weighted += w != 1f ? 1 : 0;
      }
    }
    rows = count;
  }

  static void requireLength(String what, float[] values, int length) {
    if (values.length != length) {
      throw new IllegalArgumentException(
          what + " has " + values.length + " values, expected " + length);
    }
  }
}
