package io.streamprop.learn;

import io.streamprop.features.FeatureLayout;
import io.streamprop.learn.state.NormalizerState;

/**
 * The input standardization of a spec with raw features: Welford's running mean and variance in
 * double (as {@link Normalizer}) over the numeric value columns only ({@link
 * FeatureLayout#numericValuesOffset()}, {@link FeatureLayout#numericCount()} of them), each column
 * with its own count, because a missing value (NaN in the dense row) does not join its column:
 *
 * <pre>
 *   x not NaN:  n_j += 1;  δ = x - mean_j;  mean_j += δ / n_j;  m2_j += δ · (x - mean_j)
 *   x NaN:      nothing (the missing indicator column says it was missing)
 * </pre>
 *
 * Applied in float as {@link Normalizer} does, {@code (x - (float) mean_j) · (float) (1/√(m2_j/n_j
 * + 1e-8))}, scale 1 while {@code m2_j = 0}; a missing value is imputed with the running mean,
 * which is +0 after standardizing. Every other dense column (missing indicators, booleans, one-hot
 * blocks) passes unchanged. With {@code standardize} false the statistics are still kept, since
 * they impute: a missing value becomes {@code (float) mean_j} and present values pass unchanged.
 *
 * <p>With {@code input_transform: symlog} every present numeric value is put on the signed log
 * scale ({@link Symlog}) before it joins the statistics and before it is standardized (or passed
 * on).
 *
 * <p>Rows in: (rows, denseWidth), the featurizer's dense part. Rows out: (rows, inputs), the
 * network input rows, of which this writes the first denseWidth columns (the embedding tables fill
 * the rest). Not thread-safe until {@link #refresh} has run after the last update (the predictor
 * refreshes once and then only reads).
 */
final class MissingAwareNormalizer {
  private final boolean standardize;
  private final boolean symlog; // numeric values go through Symlog first (input_transform symlog)
  private final int numeric; // nNum: the numeric value columns are [0, nNum)
  private final int denseWidth;
  private final int inputs;
  private double count; // rows seen
  private final double[] counts; // (nNum) values seen per column
  private final double[] mean; // (nNum)
  private final double[] m2; // (nNum)
  private final float[] shift; // (nNum) (float) mean
  private final float[] invStd; // (nNum) 1/√(var + eps), or 1 while m2 = 0
  private boolean stale = true;

  MissingAwareNormalizer(FeatureLayout layout, boolean standardize, boolean symlog) {
    if (layout.numericValuesOffset() != 0) {
      throw new IllegalStateException("the numeric value columns must start the dense row");
    }
    this.standardize = standardize;
    this.symlog = symlog;
    this.numeric = layout.numericCount();
    this.denseWidth = layout.denseWidth();
    this.inputs = layout.inputs();
    this.counts = new double[numeric];
    this.mean = new double[numeric];
    this.m2 = new double[numeric];
    this.shift = new float[numeric];
    this.invStd = new float[numeric];
  }

  /**
   * Restores from statistics (copied).
   *
   * @throws IllegalArgumentException unless there are nNum means, sums of squares and per-column
   *     counts, each count a whole number in [0, count]
   */
  MissingAwareNormalizer(
      FeatureLayout layout, boolean standardize, boolean symlog, NormalizerState state) {
    this(layout, standardize, symlog);
    double[] c = state.columnCounts();
    if (state.mean().length != numeric
        || state.m2().length != numeric
        || c == null
        || c.length != numeric) {
      throw new IllegalArgumentException(
          "input statistics of raw features need "
              + numeric
              + " means, sums of squares and per-column counts (one per numeric feature), got "
              + state.mean().length
              + ", "
              + state.m2().length
              + " and "
              + (c == null ? "none" : c.length));
    }
    for (int j = 0; j < numeric; j++) {
      if (!(c[j] >= 0) || c[j] != Math.rint(c[j]) || c[j] > state.count()) {
        throw new IllegalArgumentException(
            "input statistics: count of numeric column "
                + j
                + " must be a whole number in [0, "
                + state.count()
                + "], got "
                + c[j]);
      }
    }
    this.count = state.count();
    System.arraycopy(c, 0, counts, 0, numeric);
    System.arraycopy(state.mean(), 0, mean, 0, numeric);
    System.arraycopy(state.m2(), 0, m2, 0, numeric);
  }

  /** Adds one accepted example's dense row {@code dense[offset .. offset + denseWidth)}. */
  void update(float[] dense, int offset) {
    count += 1.0;
    for (int j = 0; j < numeric; j++) {
      float x = dense[offset + j];
      if (Float.isNaN(x)) {
        continue; // missing: imputed, never counted
      }
      if (symlog) {
        x = Symlog.of(x);
      }
      counts[j] += 1.0;
      double delta = x - mean[j];
      mean[j] += delta / counts[j];
      m2[j] += delta * (x - mean[j]);
    }
    stale = true;
  }

  /**
   * (rows, denseWidth) {@code dense} into the first denseWidth columns of (rows, inputs) {@code
   * out}: numeric columns standardized (or only imputed), the others copied.
   */
  void apply(float[] dense, float[] out, int rows) {
    refresh();
    for (int r = 0; r < rows; r++) {
      final int in = r * denseWidth;
      final int o = r * inputs;
      for (int j = 0; j < numeric; j++) {
        float x = symlog ? Symlog.of(dense[in + j]) : dense[in + j]; // NaN stays NaN
        if (standardize) {
          out[o + j] = Float.isNaN(x) ? 0f : (x - shift[j]) * invStd[j];
        } else {
          out[o + j] = Float.isNaN(x) ? shift[j] : x;
        }
      }
      System.arraycopy(dense, in + numeric, out, o + numeric, denseWidth - numeric);
    }
  }

  /** Float shift and scale per numeric column from the double statistics. */
  void refresh() {
    if (!stale) {
      return;
    }
    for (int j = 0; j < numeric; j++) {
      shift[j] = (float) mean[j];
      double variance = counts[j] > 0 ? m2[j] / counts[j] : 0.0;
      invStd[j] = m2[j] > 0 ? (float) (1.0 / Math.sqrt(variance + Normalizer.EPS)) : 1f;
    }
    stale = false;
  }

  /** Copies of the statistics, with the per-column counts. */
  NormalizerState state() {
    return new NormalizerState(count, mean.clone(), m2.clone(), counts.clone());
  }
}
