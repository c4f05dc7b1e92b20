/**
 * Online learning on top of the engine: {@link io.streamprop.learn.OnlineLearner} turns a stream of
 * labeled examples into test-then-train mini-batch steps, {@link io.streamprop.learn.Normalizer}
 * standardizes inputs (and regression targets) online, and {@link io.streamprop.learn.Predictor}
 * serves an immutable copy. A learner exports and resumes its complete state as the typed records
 * of {@link io.streamprop.learn.state}.
 */
package io.streamprop.learn;
