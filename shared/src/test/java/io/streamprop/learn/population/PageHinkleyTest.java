package io.streamprop.learn.population;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamprop.nn.SplitMix64;
import org.junit.jupiter.api.Test;

/** The drift test on synthetic error rates: blocks of 8 Bernoulli examples, fixed seeds. */
class PageHinkleyTest {
  private static final DriftPlan PLAN = DriftPlan.standard();

  /** The error rate of a block of 8 examples, each wrong with probability p. */
  private static double block(SplitMix64 rng, double p) {
    int errors = 0;
    for (int k = 0; k < 8; k++) {
      errors += rng.nextDouble() < p ? 1 : 0;
    }
    return errors / 8.0;
  }

  @Test
  void stepChangeOfTheErrorRate_isSignalledWithinSixBlocks() {
    SplitMix64 rng = new SplitMix64(42);
    PageHinkley test = new PageHinkley(PLAN);
    for (int b = 0; b < 2000; b++) {
      assertThat(test.add(block(rng, 0.2))).as("block %d before the change", b).isFalse();
    }
    int delay = 0;
    while (!test.add(block(rng, 0.9))) {
      delay++;
    }
    assertThat(delay).isLessThan(8);
    assertThat(test.count()).isZero(); // it starts over
    assertThat(test.sum()).isZero();
  }

  @Test
  void smallerStep_isSignalledLater_butSignalled() {
    SplitMix64 rng = new SplitMix64(7);
    PageHinkley test = new PageHinkley(PLAN);
    for (int b = 0; b < 2000; b++) {
      test.add(block(rng, 0.1));
    }
    int delay = 0;
    while (!test.add(block(rng, 0.4)) && delay < 1000) {
      delay++;
    }
    assertThat(delay).isBetween(3, 30);
  }

  @Test
  void stationaryStream_neverSignals_overAMillionExamples() {
    for (double p : new double[] {0.05, 0.2, 0.5}) {
      SplitMix64 rng = new SplitMix64(1);
      PageHinkley test = new PageHinkley(PLAN);
      for (int b = 0; b < 125_000; b++) {
        assertThat(test.add(block(rng, p))).as("error rate %s, block %d", p, b).isFalse();
      }
    }
  }

  @Test
  void learningCurve_fallingError_neverSignals() {
    SplitMix64 rng = new SplitMix64(2);
    PageHinkley test = new PageHinkley(PLAN);
    for (int b = 0; b < 20_000; b++) {
      double p = 0.1 + 0.8 * StrictMath.exp(-b / 300.0);
      assertThat(test.add(block(rng, p))).as("block %d", b).isFalse();
    }
  }

  @Test
  void resumedTest_continuesBitForBit() {
    SplitMix64 a = new SplitMix64(3);
    SplitMix64 b = new SplitMix64(3);
    PageHinkley whole = new PageHinkley(PLAN);
    PageHinkley first = new PageHinkley(PLAN);
    for (int i = 0; i < 500; i++) {
      whole.add(block(a, 0.3));
      first.add(block(b, 0.3));
    }
    PageHinkley resumed = new PageHinkley(PLAN, first.count(), first.mean(), first.sum());
    for (int i = 0; i < 500; i++) {
      double x = block(a, i < 250 ? 0.3 : 0.8);
      assertThat(resumed.add(block(b, i < 250 ? 0.3 : 0.8))).isEqualTo(whole.add(x));
      assertThat(Double.doubleToRawLongBits(resumed.sum()))
          .isEqualTo(Double.doubleToRawLongBits(whole.sum()));
    }
  }
}
