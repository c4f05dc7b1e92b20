package io.streamprop.learn;

import io.streamprop.learn.state.NormalizerState;

/**
 * Online standardization of a row of values (the input features, or the regression targets): a
 * running mean and variance per column by Welford's algorithm in double (Welford 1962, "Note on a
 * method for calculating corrected sums of squares and products"), applied as {@code (x - mean) /
 * sqrt(var + eps)} in float, with the population variance {@code var = m2 / count} and {@code eps =
 * 1e-8}. A column that has been constant so far ({@code m2 == 0}) is only centered, as
 * scikit-learn's StandardScaler does, so that it does not explode by 1/sqrt(eps) the first time it
 * moves. {@link #invert} maps standardized values back, {@code z · sqrt(var + eps) + mean}.
 *
 * <p>Statistics come from training examples only. Inputs: the learner updates them when it accepts
 * an example, before the example joins the pending mini-batch, and the whole mini-batch is
 * standardized at step time with statistics that include all of its examples. Targets: updated at
 * step time, after the batch is scored and before it is learned (see {@link Standardization}).
 * Prediction uses the same float arithmetic ({@link #apply}, {@link #invert}), so learner and
 * predictor compute identical values.
 */
public final class Normalizer {
  public static final double EPS = 1e-8;

  private final int features;
  private final boolean symlog; // values go through Symlog first (input_transform symlog)
  private double count;
  private final double[] mean;
  private final double[] m2;
  // Float mean and 1/std per feature, refreshed lazily from the double statistics.
  private final float[] shift;
  private final float[] invStd;
  private final float[] std; // sqrt(var + eps), or 1 where m2 == 0: the inverse of invStd
  private boolean stale = true;

  public Normalizer(int features) {
    this(features, false);
  }

  /**
   * Empty statistics of values that, with {@code symlog}, are first put on the signed log scale
   * ({@link Symlog}): in {@link #update} and {@link #apply} alike, so the statistics and the
   * standardized values are those of the transformed values ({@link #invert} maps back to the
   * transformed scale only; it serves targets, which are never transformed).
   */
  public Normalizer(int features, boolean symlog) {
    this.features = features;
    this.symlog = symlog;
    this.mean = new double[features];
    this.m2 = new double[features];
    this.shift = new float[features];
    this.invStd = new float[features];
    this.std = new float[features];
  }

  /**
   * Restores from statistics of {@code columns} columns (copied).
   *
   * @throws IllegalArgumentException if the means or sums of squares are not {@code columns} long
   */
  public Normalizer(NormalizerState state, int columns) {
    this(state, columns, false);
  }

  /** Restores statistics of values on the signed log scale when {@code symlog} (see above). */
  public Normalizer(NormalizerState state, int columns, boolean symlog) {
    this(columns, symlog);
    if (state.mean().length != columns || state.m2().length != columns) {
      throw new IllegalArgumentException(
          "normalizer statistics have "
              + state.mean().length
              + " means and "
              + state.m2().length
              + " sums of squares, expected "
              + columns
              + " of each");
    }
    this.count = state.count();
    System.arraycopy(state.mean(), 0, this.mean, 0, features);
    System.arraycopy(state.m2(), 0, this.m2, 0, features);
  }

  /** Adds one example's raw features (Welford: mean += δ/n, m2 += δ·(x - new mean)). */
  public void update(float[] x) {
    update(x, 0);
  }

  /** Adds the row of values {@code x[offset .. offset + features)}, as {@link #update(float[])}. */
  public void update(float[] x, int offset) {
    count += 1.0;
    for (int j = 0; j < features; j++) {
      double value = symlog ? Symlog.of(x[offset + j]) : x[offset + j];
      double delta = value - mean[j];
      mean[j] += delta / count;
      m2[j] += delta * (value - mean[j]);
    }
    stale = true;
  }

  /**
   * Standardizes {@code rows} rows of (rows, features) {@code raw} into {@code out}. Not
   * thread-safe (it refreshes a cache); {@link Predictor} keeps its own instance per model.
   */
  public void apply(float[] raw, float[] out, int rows) {
    refresh();
    if (symlog) {
      Symlog.apply(raw, 0, out, 0, rows * features);
      raw = out;
    }
    for (int r = 0; r < rows; r++) {
      final int row = r * features;
      for (int j = 0; j < features; j++) {
        out[row + j] = (raw[row + j] - shift[j]) * invStd[j];
      }
    }
  }

  /**
   * Maps {@code rows} rows of (rows, features) standardized values back to the original units,
   * {@code out = z · std + shift} in float; {@code out} may be {@code standardized} itself. Not
   * thread-safe unless {@link #refresh} ran after the last update (as for {@link #apply}).
   */
  public void invert(float[] standardized, float[] out, int rows) {
    refresh();
    for (int r = 0; r < rows; r++) {
      final int row = r * features;
      for (int j = 0; j < features; j++) {
        out[row + j] = standardized[row + j] * std[j] + shift[j];
      }
    }
  }

  /**
   * Float shift and scales per column; {@link #apply} is x ↦ (x - shift) · invStd and {@link
   * #invert} is z ↦ z · std + shift.
   */
  void refresh() {
    if (!stale) {
      return;
    }
    for (int j = 0; j < features; j++) {
      shift[j] = (float) mean[j];
      double variance = count > 0 ? m2[j] / count : 0.0;
      invStd[j] = m2[j] > 0 ? (float) (1.0 / Math.sqrt(variance + EPS)) : 1f;
      std[j] = m2[j] > 0 ? (float) Math.sqrt(variance + EPS) : 1f;
    }
    stale = false;
  }

  /** Copies of the statistics, for the model state. */
  public NormalizerState state() {
    return new NormalizerState(count, mean.clone(), m2.clone());
  }
}
