package io.streamprop.learn.state;

import java.util.Objects;

/**
 * The examples accepted since the last step, waiting for the mini-batch to fill.
 *
 * @param rows examples waiting, fewer than the batch size
 * @param features (rows, inputs) raw features, row-major
 * @param labels (rows, label width): class indices (classification) or targets (regression)
 * @param weights (rows) the examples' weights, or null when every one is 1
 */
public record PendingBatch(int rows, float[] features, float[] labels, float[] weights) {
  public PendingBatch {
    Objects.requireNonNull(features, "features");
    Objects.requireNonNull(labels, "labels");
  }

  /** Pending examples that all weigh 1. */
  public PendingBatch(int rows, float[] features, float[] labels) {
    this(rows, features, labels, null);
  }
}
