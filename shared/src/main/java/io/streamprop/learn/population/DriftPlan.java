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
 * @param blockExamples the detector's values are error rates over at least this many examples
 * @param tolerance δ, in error rate per block
 * @param threshold λ, in error rate summed over blocks
 * @param forgetting α, in (0, 1]
 * @param minBlocks blocks the test needs before it may signal
 * @param relearnExamples examples at mini-batch 1 after an alarm (0: none)
 * @param relearnWindowExamples the recent-loss window during them, in examples
 */
public record DriftPlan(
    int blockExamples,
    double tolerance,
    double threshold,
    double forgetting,
    long minBlocks,
    long relearnExamples,
    double relearnWindowExamples) {

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
  }

  /** The default; its choices are measured in {@code docs/learning-quality.md}. */
  public static DriftPlan standard() {
    return new DriftPlan(8, 0.1, 3, 1 - 1e-4, 30, 1000, 100);
  }
}
