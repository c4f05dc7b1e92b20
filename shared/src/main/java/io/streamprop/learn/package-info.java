/**
 * Online learning on top of the engine: {@link io.streamprop.learn.OnlineLearner} turns a stream of
 * labeled examples into test-then-train mini-batch steps, {@link io.streamprop.learn.Normalizer}
 * standardizes inputs (and regression targets) online, and {@link io.streamprop.learn.Predictor}
 * serves an immutable copy. {@link io.streamprop.learn.ModelState} is the complete, resumable
 * state.
 */
package io.streamprop.learn;
