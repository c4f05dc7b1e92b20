package io.streamprop.learn.state;

import java.util.Objects;

/**
 * The running class prior that {@code "balanced"} class weights are computed from: how many
 * examples of each class the learner has accepted, the pending mini-batch included.
 *
 * @param counts (classes) examples per class, whole numbers kept exactly as float64 (up to 2⁵³)
 */
public record ClassCounts(double[] counts) {
  public ClassCounts {
    Objects.requireNonNull(counts, "counts");
  }
}
