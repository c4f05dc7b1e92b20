/**
 * JMH benchmarks of the learning engine through its public API only: training examples per second
 * through {@link io.streamprop.learn.OnlineLearner#learn} and inference examples per second through
 * {@link io.streamprop.learn.Predictor#predict}, for the shapes of issue 2 and mini-batches 1, 32
 * and 256. {@code bench/run-engine.sh} runs them beside the same shapes in PyTorch and writes the
 * ratio table to {@code docs/benchmarks.md}.
 */
package io.streamprop.bench;
