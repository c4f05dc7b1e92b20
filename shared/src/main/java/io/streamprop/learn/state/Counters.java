package io.streamprop.learn.state;

/**
 * A model's counters, as the snapshot header carries them.
 *
 * @param version monotonic model version, set by whoever publishes the state (0 until then)
 * @param examples examples accepted by the learner, the pending mini-batch included
 * @param steps optimizer steps taken
 * @param skippedSteps mini-batches whose update was skipped because loss or gradients were not
 *     finite
 */
public record Counters(long version, long examples, long steps, long skippedSteps) {

  /** The same counters with another version. */
  public Counters withVersion(long version) {
    return new Counters(version, examples, steps, skippedSteps);
  }
}
