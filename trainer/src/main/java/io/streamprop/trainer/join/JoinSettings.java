package io.streamprop.trainer.join;

/**
 * What the join needs to know.
 *
 * @param labelsTopic the topic labels come from (a record from any other source is a prediction)
 * @param retentionMs how long a logged prediction waits for its label, from its time; also how long
 *     a labeled (id, model) is remembered to refuse a second label
 * @param graceMs how long a label waits for its prediction, from the label's time
 * @param checkMs how often, in stream time, expired predictions and labels are looked for
 * @param maxBytes largest label record value accepted
 * @param commitSpacingMs least time between two commits the join asks for on emitting an example (a
 *     joined example is invisible to the training task until its transaction commits)
 */
public record JoinSettings(
    String labelsTopic,
    long retentionMs,
    long graceMs,
    long checkMs,
    int maxBytes,
    long commitSpacingMs) {}
