package io.streamprop.learn;

/**
 * An exponentially weighted moving average over examples: each example's weight shrinks by a
 * constant factor per later example. The average is bias-corrected (the sum of weights is tracked,
 * as in Adam's bias correction, Kingma and Ba 2015), so its first values are plain means instead of
 * being pulled towards zero or towards the first value.
 *
 * <p>Single writer; {@link #value()} may be read from any thread.
 */
public final class Ewma {
  private final double decay;
  private double weightedSum;
  private double weight;
  private volatile double value = Double.NaN;

  private Ewma(double decay) {
    this.decay = decay;
  }

  /** After {@code halfLife} more examples an example's weight has halved. */
  public static Ewma withHalfLife(double halfLife) {
    return new Ewma(Math.pow(0.5, 1.0 / halfLife));
  }

  /**
   * Weighted over about the last {@code window} examples: after {@code window} more examples an
   * example's weight is 1/e of what it was.
   */
  public static Ewma withWindow(double window) {
    return new Ewma(Math.exp(-1.0 / window));
  }

  /** Adds one example's value. */
  public void add(double x) {
    add(x, 1);
  }

  /** Adds {@code n} examples whose mean value is {@code mean} (a mini-batch's). */
  public void add(double mean, int n) {
    double d = n == 1 ? decay : Math.pow(decay, n);
    weightedSum = d * weightedSum + (1 - d) * mean;
    weight = d * weight + (1 - d);
    value = weightedSum / weight;
  }

  /** The average so far, NaN before the first value. */
  public double value() {
    return value;
  }
}
