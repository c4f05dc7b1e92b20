package io.streamprop.wire;

import io.streamprop.learn.state.ModelState;

/**
 * A decoded snapshot: the model state and when the snapshot was written.
 *
 * @param state the complete model state
 * @param createdAtMillis when the writer encoded it, in epoch milliseconds (the scorer's snapshot
 *     age)
 */
public record Snapshot(ModelState state, long createdAtMillis) {}
