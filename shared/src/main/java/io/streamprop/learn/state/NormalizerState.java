package io.streamprop.learn.state;

import java.util.Objects;

/**
 * Running statistics of a row of values (the input features, or the regression targets) by
 * Welford's algorithm: what {@code io.streamprop.learn.Normalizer} standardizes with. For a spec
 * with raw features the columns are the numeric features only, and a missing value (NaN) does not
 * join its column's statistics, so each column keeps its own count ({@code columnCounts}).
 *
 * @param count rows seen (for raw features: every accepted example, missing values or not)
 * @param mean running mean per column
 * @param m2 running sum of squared deviations from the mean per column (variance = m2 / count, or
 *     m2 / columnCounts[j] with per-column counts)
 * @param columnCounts per column, the values that joined it (raw features: the rows where it was
 *     not missing); null when every column counts every row ({@code count})
 */
public record NormalizerState(double count, double[] mean, double[] m2, double[] columnCounts) {
  public NormalizerState {
    Objects.requireNonNull(mean, "mean");
    Objects.requireNonNull(m2, "m2");
  }

  /** Statistics whose every column counts every row. */
  public NormalizerState(double count, double[] mean, double[] m2) {
    this(count, mean, m2, null);
  }
}
