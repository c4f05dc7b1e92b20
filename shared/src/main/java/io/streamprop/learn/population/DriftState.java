package io.streamprop.learn.population;

import java.util.Objects;

/**
 * The complete state of a population's drift detection ({@link DriftResponse}): its plan, the
 * {@link PageHinkley} test's, the block being filled and the alarms so far.
 *
 * @param plan how changes are detected and answered
 * @param count blocks since the test (re)started
 * @param mean their mean error rate
 * @param sum the test's cumulative sum
 * @param blockErrors misclassified examples in the block being filled
 * @param blockExamples examples in it
 * @param alarms changes detected
 * @param alarmAt the population's example count at the last alarm, -1 before the first
 * @param relabel the relabelling in progress since that alarm ({@link Relabelling}), or null
 */
public record DriftState(
    DriftPlan plan,
    long count,
    double mean,
    double sum,
    long blockErrors,
    long blockExamples,
    long alarms,
    long alarmAt,
    RelabelState relabel) {

  public DriftState {
    Objects.requireNonNull(plan, "plan");
    if (count < 0 || blockErrors < 0 || blockExamples < blockErrors || alarms < 0 || alarmAt < -1) {
      throw new IllegalArgumentException(
          "drift state counts must be >= 0 (errors <= examples), got count "
              + count
              + ", block "
              + blockErrors
              + "/"
              + blockExamples
              + ", alarms "
              + alarms
              + ", alarm at "
              + alarmAt);
    }
    if (relabel != null && !plan.relabels()) {
      throw new IllegalArgumentException("a relabelling in progress needs a plan that relabels");
    }
  }

  /** The state of a new population's detection. */
  public static DriftState start(DriftPlan plan) {
    return new DriftState(plan, 0, 0, 0, 0, 0, 0, -1, null);
  }
}
