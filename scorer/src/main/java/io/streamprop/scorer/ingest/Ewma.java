package io.streamprop.scorer.ingest;

/**
 * An exponentially weighted moving average over examples, with a half-life in examples: after
 * {@code halfLife} more examples an example's weight has halved. The average is bias-corrected (the
 * sum of weights is tracked, as in Adam's bias correction, Kingma and Ba 2015), so its first values
 * are plain means instead of being pulled towards zero.
 *
 * <p>Single writer; {@link #value()} may be read from any thread.
 */
final class Ewma {
  private final double decay;
  private double weightedSum;
  private double weight;
  private volatile double value = Double.NaN;

  Ewma(double halfLife) {
    // decay^halfLife = 1/2
    this.decay = Math.pow(0.5, 1.0 / halfLife);
  }

  void add(double x) {
    weightedSum = decay * weightedSum + (1 - decay) * x;
    weight = decay * weight + (1 - decay);
    value = weightedSum / weight;
  }

  /** The average so far, NaN before the first value. */
  double value() {
    return value;
  }
}
