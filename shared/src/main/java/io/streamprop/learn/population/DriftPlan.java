package io.streamprop.learn.population;

/**
 * How a population notices a sudden change of its stream and reacts to it ({@link DriftResponse}).
 *
 * <p><b>Detection</b>: the served member's prequential error rate (the fraction of misclassified
 * examples), over blocks of at least {@code blockExamples} examples, goes through a {@link
 * PageHinkley} test for an increase of tolerance δ, threshold λ, forgetting α and at least {@code
 * minBlocks} blocks since the test started.
 *
 * <p><b>Reaction</b> to an alarm: the leader is kept; every other member is re-started, the first
 * (the worst by recent loss) from the leader with its output layer initialized afresh, the next
 * from scratch, alternately, both with fresh optimizer moments and at the spec's learning rate;
 * every member's recent loss starts over; for {@code relearnExamples} examples every member learns
 * one example at a time (mini-batch 1) and recent losses are weighted over {@code
 * relearnWindowExamples}, so that whichever member relearns fastest is served soon.
 *
 * <p><b>Relabelling</b> ({@link Relabelling}), with {@code relabelPerClass} above 0: a frozen copy
 * of the leader at the alarm predicts the next {@code relabelPerClass} × classes examples; then the
 * worst member is replaced by that copy with its output units re-ordered to the labels they were
 * confused with, learning at a tenth of the copy's rate. After the labels changed meaning the
 * copy's features and read-out still hold; only the names of its answers moved.
 *
 * @param blockExamples the detector's values are error rates over at least this many examples
 * @param tolerance δ, in error rate per block
 * @param threshold λ, in error rate summed over blocks
 * @param forgetting α, in (0, 1]
 * @param minBlocks blocks the test needs before it may signal
 * @param relearnExamples examples at mini-batch 1 after an alarm (0: none)
 * @param relearnWindowExamples the recent-loss window during them, in examples
 * @param relabelPerClass examples per class the frozen copy predicts before a relabelled member
 *     joins (0: no relabelling)
 */
public record DriftPlan(
    int blockExamples,
    double tolerance,
    double threshold,
    double forgetting,
    long minBlocks,
    long relearnExamples,
    double relearnWindowExamples,
    int relabelPerClass) {

  public DriftPlan {
    if (blockExamples < 1) {
      throw new IllegalArgumentException("drift block must be >= 1 example, got " + blockExamples);
    }
    if (!(tolerance >= 0 && Double.isFinite(tolerance))) {
      throw new IllegalArgumentException("drift tolerance must be >= 0, got " + tolerance);
    }
    if (!(threshold > 0 && Double.isFinite(threshold))) {
      throw new IllegalArgumentException("drift threshold must be > 0, got " + threshold);
    }
    if (!(forgetting > 0 && forgetting <= 1)) {
      throw new IllegalArgumentException("drift forgetting must be in (0, 1], got " + forgetting);
    }
    if (minBlocks < 1) {
      throw new IllegalArgumentException("drift minimum must be >= 1 block, got " + minBlocks);
    }
    if (relearnExamples < 0) {
      throw new IllegalArgumentException(
          "drift relearning must be >= 0 examples, got " + relearnExamples);
    }
    if (!(relearnWindowExamples >= 1 && Double.isFinite(relearnWindowExamples))) {
      throw new IllegalArgumentException(
          "drift relearning window must be >= 1, got " + relearnWindowExamples);
    }
    if (relabelPerClass < 0 || relabelPerClass > MAX_RELABEL_PER_CLASS) {
      throw new IllegalArgumentException(
          "relabelling must be 0 to "
              + MAX_RELABEL_PER_CLASS
              + " examples per class, got "
              + relabelPerClass);
    }
  }

  /** Most examples per class relabelling may wait for. */
  public static final int MAX_RELABEL_PER_CLASS = 1 << 16;

  /** This plan with another {@link #relabelPerClass()} (0: no relabelling). */
  public DriftPlan withRelabelPerClass(int perClass) {
    return new DriftPlan(
        blockExamples,
        tolerance,
        threshold,
        forgetting,
        minBlocks,
        relearnExamples,
        relearnWindowExamples,
        perClass);
  }

  /** True when an alarm starts relabelling ({@link #relabelPerClass()} > 0). */
  public boolean relabels() {
    return relabelPerClass > 0;
  }

  /** The default; its choices are measured in {@code docs/learning-quality.md}. */
  public static DriftPlan standard() {
    return new DriftPlan(8, 0.1, 3, 1 - 1e-4, 30, 1000, 100, 8);
  }
}
