package io.streamprop.learn.population;

/**
 * The Page-Hinkley test for an increase in the mean of a stream of values (Page 1954, "Continuous
 * inspection schemes", Biometrika 41): a cumulative sum of each value's excess over the running
 * mean of all values so far, less a tolerance, floored at 0 and slowly forgotten, signals a change
 * when it reaches a threshold. After a signal the test starts over from the next value. Not
 * thread-safe.
 *
 * <p>For values x₁, x₂, … it keeps n, the mean x̄ₙ of x₁..xₙ and
 *
 * <pre>
 * sumₙ = max(0, α · sumₙ₋₁ + (xₙ − x̄ₙ − δ))
 * </pre>
 *
 * and signals when n ≥ {@code minValues} and sumₙ ≥ λ. A value that stays near the mean drifts the
 * sum down by δ per value; a jump of the mean by d ≫ δ raises it by about d − δ per value, so it is
 * detected after about λ / (d − δ) values. A stream that improves (a learner's error while it
 * learns) stays below its running mean and never signals.
 */
public final class PageHinkley {
  private final DriftPlan plan;
  private long count;
  private double mean;
  private double sum;

  /** A test of the plan's tolerance δ, threshold λ, forgetting α and minimum count. */
  public PageHinkley(DriftPlan plan) {
    this(plan, 0, 0, 0);
  }

  /** A test resumed at n values with running mean x̄ and cumulative sum. */
  PageHinkley(DriftPlan plan, long count, double mean, double sum) {
    this.plan = plan;
    this.count = count;
    this.mean = mean;
    this.sum = sum;
  }

  /** Adds one value; true when it signals a change (the test then starts over). */
  public boolean add(double x) {
    count++;
    mean += (x - mean) / count;
    sum = Math.max(0, plan.forgetting() * sum + (x - mean - plan.tolerance()));
    if (count >= plan.minBlocks() && sum >= plan.threshold()) {
      count = 0;
      mean = 0;
      sum = 0;
      return true;
    }
    return false;
  }

  /** Values since the test (re)started. */
  public long count() {
    return count;
  }

  /** Their mean x̄. */
  public double mean() {
    return mean;
  }

  /** The cumulative sum compared with the threshold. */
  public double sum() {
    return sum;
  }
}
