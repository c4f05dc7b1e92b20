package io.streamprop.learn;

import io.streamprop.spec.ModelSpec;

/**
 * An immutable, thread-safe model in inference mode: standardization with the running statistics,
 * batch normalization with running statistics, no dropout. Predicting never changes any state.
 */
public final class Predictor {

  /** Builds a predictor from a snapshot's state. */
  public static Predictor of(ModelState state) {
    throw new UnsupportedOperationException("engine not written yet");
  }

  public ModelSpec spec() {
    throw new UnsupportedOperationException("engine not written yet");
  }

  public long version() {
    throw new UnsupportedOperationException("engine not written yet");
  }

  /**
   * Predicts {@code rows} examples.
   *
   * @param features (rows, inputs) raw features, row-major
   * @return (rows, outputs): class probabilities (classification; for binary cross-entropy the two
   *     probabilities [1-p, p]) or predicted values (regression)
   */
  public float[] predict(float[] features, int rows) {
    throw new UnsupportedOperationException("engine not written yet");
  }
}
