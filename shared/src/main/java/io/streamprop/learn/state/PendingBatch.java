package io.streamprop.learn.state;

import java.util.Objects;

/**
 * The examples accepted since the last step, waiting for the mini-batch to fill.
 *
 * @param rows examples waiting, fewer than the batch size
 * @param features (rows, inputs) raw features, row-major
 * @param labels (rows, label width): class indices (classification) or targets (regression)
 */
public record PendingBatch(int rows, float[] features, float[] labels) {
  public PendingBatch {
    Objects.requireNonNull(features, "features");
    Objects.requireNonNull(labels, "labels");
  }
}
