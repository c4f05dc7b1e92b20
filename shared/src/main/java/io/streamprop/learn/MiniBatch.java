package io.streamprop.learn;

import io.streamprop.features.FeatureLayout;
import io.streamprop.features.FeaturizedBatch;
import io.streamprop.learn.state.PendingBatch;
import io.streamprop.spec.ModelSpec;
import java.util.Arrays;

/**
 * The learner's pending mini-batch: the raw examples accepted since the last step, checked on the
 * way in. Buffers are allocated once, for a full batch; with raw features the id arrays grow
 * (doubling) only when a batch holds more ids than any before.
 *
 * <p>A spec of numbers keeps (capacity, inputs) feature rows. A spec with raw features keeps the
 * featurizer's dense rows, (capacity, denseWidth) with NaN where a number is missing, and for each
 * embedding table the bags of bucket ids as an embedding bag takes them: {@code ids(k)} and {@code
 * offsets(k)} (capacity + 1), row r's bag is {@code ids[offsets[r] .. offsets[r + 1])}.
 */
final class MiniBatch {
  private final ModelSpec spec;
  private final int capacity;
  private final int width; // floats per row: inputs, or the dense part's width with raw features
  private final int labelWidth;
  private final int numeric; // raw features: numeric value columns [0, numeric) may hold NaN
  private final int[] buckets; // (tables) rows of each embedding table; empty for numbers
  private final float[] features; // (capacity, width), raw
  private final float[] labels; // (capacity, labelWidth)
  private final float[] weights; // (capacity) the examples' weights
  private final int[][] ids; // per table: the bags' ids, row after row
  private final int[][] offsets; // per table: (capacity + 1) bag boundaries
  private int rows;
  private int weighted; // rows whose weight is not 1

  MiniBatch(ModelSpec spec) {
    this.spec = spec;
    this.capacity = spec.batchSize();
    this.labelWidth = spec.task() == ModelSpec.Task.REGRESSION ? spec.outputs() : 1;
    if (spec.hasFeatures()) {
      FeatureLayout layout = spec.features().layout();
      this.width = layout.denseWidth();
      this.numeric = layout.numericCount();
      int tables = layout.embeddings().size();
      this.buckets = new int[tables];
      this.ids = new int[tables][];
      this.offsets = new int[tables][];
      for (int k = 0; k < tables; k++) {
        buckets[k] = layout.embeddings().get(k).buckets();
        ids[k] = new int[capacity * 4];
        offsets[k] = new int[capacity + 1];
      }
    } else {
      this.width = spec.inputs();
      this.numeric = 0;
      this.buckets = new int[0];
      this.ids = null;
      this.offsets = null;
    }
    this.features = new float[capacity * width];
    this.labels = new float[capacity * labelWidth];
    this.weights = new float[capacity];
  }

  /**
   * Checks one example of a spec of numbers: the right widths, finite values, a class index in
   * range, a finite weight >= 0.
   *
   * @throws IllegalArgumentException naming the problem
   */
  void check(float[] x, float[] label, float weight) {
    checkWeight(weight);
    if (x == null || x.length != width) {
      throw new IllegalArgumentException(
          "features: expected " + width + " values, got " + (x == null ? "null" : x.length));
    }
    for (int j = 0; j < width; j++) {
      if (!Float.isFinite(x[j])) {
        throw new IllegalArgumentException("features[" + j + "] is not finite: " + x[j]);
      }
    }
    checkLabel(label);
  }

  /**
   * Checks one example of a spec with raw features: {@code dense[from .. from + denseWidth)} finite
   * except for NaN (missing) in the numeric value columns; for each embedding table k, its bag
   * {@code bags[k]} of bucket ids in [0, buckets), or, when {@code bags} is null, row {@code row}'s
   * bag of the featurized batch {@code from} (whose dense row is then {@code dense[start ..)});
   * then the label and the weight as {@link #check(float[], float[], float)}.
   *
   * @throws IllegalArgumentException naming the problem
   */
  void checkRaw(
      float[] dense,
      int start,
      int[][] bags,
      FeaturizedBatch from,
      int row,
      float[] label,
      float w) {
    checkWeight(w);
    if (dense == null || dense.length < start + width) {
      throw new IllegalArgumentException(
          "dense features: expected "
              + width
              + " values, got "
              + (dense == null ? "null" : dense.length - start));
    }
    if (from == null && dense.length != width) {
      throw new IllegalArgumentException(
          "dense features: expected " + width + " values, got " + dense.length);
    }
    for (int j = 0; j < width; j++) {
      float x = dense[start + j];
      if (!Float.isFinite(x) && !(j < numeric && Float.isNaN(x))) {
        throw new IllegalArgumentException(
            "dense features["
                + j
                + "] is "
                + x
                + (j < numeric ? "; a numeric value is finite, or NaN when missing" : ""));
      }
    }
    int tables = buckets.length;
    if (from == null && tables > 0 && (bags == null || bags.length != tables)) {
      throw new IllegalArgumentException(
          "ids: expected a bag for each of "
              + tables
              + " embedding tables, got "
              + (bags == null ? "null" : bags.length));
    }
    for (int k = 0; k < tables; k++) {
      int[] bag = from == null ? bags[k] : from.ids(k);
      if (bag == null) {
        throw new IllegalArgumentException("ids[" + k + "] is null");
      }
      int first = from == null ? 0 : from.offsets(k)[row];
      int end = from == null ? bag.length : from.offsets(k)[row + 1];
      for (int i = first; i < end; i++) {
        int id = bag[i];
        if (id < 0 || id >= buckets[k]) {
          throw new IllegalArgumentException(
              "ids["
                  + k
                  + "]["
                  + (i - first)
                  + "] = "
                  + id
                  + " is not a bucket in [0, "
                  + buckets[k]
                  + ")");
        }
      }
    }
    checkLabel(label);
  }

  private static void checkWeight(float weight) {
    if (!(weight >= 0) || weight == Float.POSITIVE_INFINITY) {
      throw new IllegalArgumentException("weight must be finite and >= 0, got " + weight);
    }
  }

  private void checkLabel(float[] label) {
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

  /** Appends a copy of a checked example of a spec of numbers; true when the batch is full. */
  boolean add(float[] x, float[] label, float weight) {
    System.arraycopy(x, 0, features, rows * width, width);
    return addLabel(label, weight);
  }

  /**
   * Appends a copy of an example that {@link #checkRaw} accepted (same arguments); true when the
   * batch is full.
   */
  boolean addRaw(
      float[] dense,
      int start,
      int[][] bags,
      FeaturizedBatch from,
      int row,
      float[] label,
      float w) {
    System.arraycopy(dense, start, features, rows * width, width);
    for (int k = 0; k < buckets.length; k++) {
      int[] bag = from == null ? bags[k] : from.ids(k);
      int first = from == null ? 0 : from.offsets(k)[row];
      int n = (from == null ? bag.length : from.offsets(k)[row + 1]) - first;
      int at = offsets[k][rows];
      if (at + n > ids[k].length) {
        // Rare: more ids than any mini-batch before.
        ids[k] = Arrays.copyOf(ids[k], Math.max(at + n, 2 * ids[k].length));
      }
      System.arraycopy(bag, first, ids[k], at, n);
      offsets[k][rows + 1] = at + n;
    }
    return addLabel(label, w);
  }

  private boolean addLabel(float[] label, float weight) {
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

  /**
   * (capacity, inputs) raw features, or (capacity, denseWidth) dense rows with raw features; the
   * first {@link #rows()} rows are the batch.
   */
  float[] features() {
    return features;
  }

  /** (capacity, labelWidth) labels; the first {@link #rows()} rows are the batch. */
  float[] labels() {
    return labels;
  }

  /** Embedding table k's ids of the batch's bags ({@link #offsets(int)} says where each is). */
  int[] ids(int k) {
    return ids[k];
  }

  /** Embedding table k's bag boundaries, (capacity + 1): row r's bag is ids[o[r] .. o[r+1]). */
  int[] offsets(int k) {
    return offsets[k];
  }

  int rows() {
    return rows;
  }

  int labelWidth() {
    return labelWidth;
  }

  /** Copies of the waiting rows. */
  PendingBatch state() {
    int[][] idsCopy = null;
    int[][] offsetsCopy = null;
    if (ids != null) {
      idsCopy = new int[ids.length][];
      offsetsCopy = new int[ids.length][];
      for (int k = 0; k < ids.length; k++) {
        offsetsCopy[k] = Arrays.copyOf(offsets[k], rows + 1);
        idsCopy[k] = Arrays.copyOf(ids[k], offsets[k][rows]);
      }
    }
    return new PendingBatch(
        rows,
        Arrays.copyOf(features, rows * width),
        Arrays.copyOf(labels, rows * labelWidth),
        weighted == 0 ? null : Arrays.copyOf(weights, rows),
        idsCopy,
        offsetsCopy);
  }

  /** Refills the batch from a state, checking its shape. */
  void restore(PendingBatch pending) {
    int count = pending.rows();
    if (count < 0 || count >= capacity) {
      throw new IllegalArgumentException(
          "pending rows must be in [0, " + capacity + "), got " + count);
    }
    requireLength("pending features", pending.features(), count * width);
    requireLength("pending labels", pending.labels(), count * labelWidth);
    if (ids != null) {
      restoreBags(pending, count);
    } else if (pending.ids() != null) {
      throw new IllegalArgumentException("pending ids need a spec with raw features");
    }
    System.arraycopy(pending.features(), 0, features, 0, count * width);
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

  /** Checks every pending bag (boundaries from 0, not decreasing, ids in range) and copies them. */
  private void restoreBags(PendingBatch pending, int count) {
    int tables = buckets.length;
    if (pending.ids() == null || pending.ids().length != tables) {
      throw new IllegalArgumentException(
          "pending ids: expected the bags of "
              + tables
              + " embedding tables, got "
              + (pending.ids() == null ? "none" : pending.ids().length));
    }
    for (int k = 0; k < tables; k++) {
      int[] o = pending.offsets()[k];
      int[] bag = pending.ids()[k];
      if (o == null || o.length != count + 1 || o[0] != 0) {
        throw new IllegalArgumentException(
            "pending offsets of table " + k + ": expected " + (count + 1) + " from 0");
      }
      for (int r = 0; r < count; r++) {
        if (o[r + 1] < o[r]) {
          throw new IllegalArgumentException(
              "pending offsets of table " + k + " decrease at row " + r);
        }
      }
      if (bag == null || bag.length != o[count]) {
        throw new IllegalArgumentException(
            "pending ids of table " + k + ": expected " + o[count] + " ids");
      }
      for (int i = 0; i < bag.length; i++) {
        if (bag[i] < 0 || bag[i] >= buckets[k]) {
          throw new IllegalArgumentException(
              "pending ids of table "
                  + k
                  + "["
                  + i
                  + "] = "
                  + bag[i]
                  + " is not a bucket in [0, "
                  + buckets[k]
                  + ")");
        }
      }
    }
    for (int k = 0; k < tables; k++) {
      int n = pending.ids()[k].length;
      if (n > ids[k].length) {
        ids[k] = new int[Math.max(n, 2 * ids[k].length)];
      }
      System.arraycopy(pending.ids()[k], 0, ids[k], 0, n);
      System.arraycopy(pending.offsets()[k], 0, offsets[k], 0, count + 1);
    }
  }

  static void requireLength(String what, float[] values, int length) {
    if (values.length != length) {
      throw new IllegalArgumentException(
          what + " has " + values.length + " values, expected " + length);
    }
  }
}
