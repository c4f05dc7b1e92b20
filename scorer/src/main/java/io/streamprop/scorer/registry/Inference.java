package io.streamprop.scorer.registry;

/**
 * The one thing the HTTP layer needs from a model: batched, side-effect-free inference. In
 * production it is {@link io.streamprop.learn.Predictor#predict}; keeping it an interface lets the
 * HTTP layer be tested against models whose outputs are chosen by the test.
 */
@FunctionalInterface
public interface Inference {

  /**
   * Predicts {@code rows} examples; must be thread-safe and must not change any state.
   *
   * @param features (rows, inputs) raw features, row-major
   * @return (rows, outputs) class probabilities or regression values, row-major
   */
  float[] predict(float[] features, int rows);
}
