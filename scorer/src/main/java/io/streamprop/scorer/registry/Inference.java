package io.streamprop.scorer.registry;

import io.streamprop.features.FeatureRow;
import io.streamprop.learn.Predictor;

/**
 * The one thing the HTTP layer needs from a model: batched, side-effect-free inference. In
 * production it is a {@link Predictor} ({@link #of}); keeping it an interface lets the HTTP layer
 * be tested against models whose outputs are chosen by the test.
 */
@FunctionalInterface
public interface Inference {

  /**
   * Predicts {@code rows} examples of a model of numbers; must be thread-safe and must not change
   * any state.
   *
   * @param features (rows, inputs) raw features, row-major
   * @return (rows, outputs) class probabilities or regression values, row-major
   */
  float[] predict(float[] features, int rows);

  /**
   * Predicts featurized examples of a model with raw features (one {@link FeatureRow} each, made by
   * the spec's {@link io.streamprop.features.Featurizer}); thread-safe, no side effects.
   *
   * @return (rows, outputs) class probabilities or regression values, row-major
   * @throws UnsupportedOperationException for a model of numbers (the default)
   */
  default float[] predict(FeatureRow[] rows) {
    throw new UnsupportedOperationException(
        "this model takes vectors of numbers, not raw features");
  }

  /** A predictor's inference, for vectors and for featurized rows alike. */
  static Inference of(Predictor predictor) {
    return new Inference() {
      @Override
      public float[] predict(float[] features, int rows) {
        return predictor.predict(features, rows);
      }

      @Override
      public float[] predict(FeatureRow[] rows) {
        return predictor.predict(rows);
      }
    };
  }
}
