package io.streamprop.learn;

import io.streamprop.spec.ModelSpec;
import java.util.Map;

/**
 * The complete state of an {@link OnlineLearner}, enough to resume training bit for bit: the spec,
 * counters, and named arrays (weights, biases, batch-norm parameters and running statistics,
 * optimizer moments, normalizer statistics, the partly filled mini-batch, the random generator).
 *
 * <p>This is what a snapshot carries (see {@code io.streamprop.wire.SnapshotCodec}). Array names
 * and shapes are defined by the engine and listed in {@code docs/snapshot-format.md}; maps keep
 * insertion order (use {@link java.util.LinkedHashMap}) so that encoding is deterministic.
 *
 * @param spec the model's spec
 * @param version monotonic model version, set by whoever publishes the snapshot
 * @param examples examples accepted by {@link OnlineLearner#learn}, the pending mini-batch included
 * @param steps optimizer steps taken
 * @param skippedSteps mini-batches skipped because loss or gradients were not finite
 * @param floats float32 arrays by name (weights are row-major)
 * @param doubles float64 arrays by name (normalizer statistics, running losses)
 * @param longs 64-bit integers by name (random generator state, pending-batch fill, ...)
 */
public record ModelState(
    ModelSpec spec,
    long version,
    long examples,
    long steps,
    long skippedSteps,
    Map<String, float[]> floats,
    Map<String, double[]> doubles,
    Map<String, Long> longs) {}
