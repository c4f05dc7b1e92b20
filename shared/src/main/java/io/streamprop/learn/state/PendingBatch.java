package io.streamprop.learn.state;

import java.util.Objects;

/**
 * The examples accepted since the last step, waiting for the mini-batch to fill.
 *
 * @param rows examples waiting, fewer than the batch size
 * @param features (rows, inputs) raw features, row-major
 * @param labels (rows, label width): class indices (classification) or targets (regression)
 * @param weights (rows) the examples' weights, or null when every one is 1
 * @param ids raw features only: per embedding table, the bucket ids of the waiting rows' bags, one
 *     after the other ({@code offsets[k][rows]} of them); null for a spec of numbers
 * @param offsets raw features only: per embedding table, (rows + 1) bag boundaries, row r's bag is
 *     {@code ids[k][offsets[k][r] .. offsets[k][r + 1])}, {@code offsets[k][0] = 0}; null for a
 *     spec of numbers
 */
public record PendingBatch(
    int rows, float[] features, float[] labels, float[] weights, int[][] ids, int[][] offsets) {
  public PendingBatch {
    Objects.requireNonNull(features, "features");
    Objects.requireNonNull(labels, "labels");
    if ((ids == null) != (offsets == null)) {
      throw new IllegalArgumentException("pending ids and offsets come together or not at all");
    }
  }

  /** Pending examples of a spec of numbers. */
  public PendingBatch(int rows, float[] features, float[] labels, float[] weights) {
    this(rows, features, labels, weights, null, null);
  }

  /** Pending examples that all weigh 1. */
  public PendingBatch(int rows, float[] features, float[] labels) {
    this(rows, features, labels, null);
  }
}
