package io.streamprop.learn.state;

import java.util.Objects;

/**
 * Running statistics of a row of values (the input features, or the regression targets) by
 * Welford's algorithm: what {@code io.streamprop.learn.Normalizer} standardizes with.
 *
 * @param count values seen
 * @param mean running mean per column
 * @param m2 running sum of squared deviations from the mean per column (variance = m2 / count)
 */
public record NormalizerState(double count, double[] mean, double[] m2) {
  public NormalizerState {
    Objects.requireNonNull(mean, "mean");
    Objects.requireNonNull(m2, "m2");
  }
}
