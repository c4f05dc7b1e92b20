package io.streamprop.learn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class EwmaTest {
  @Test
  void firstValueIsItself_halfLifeHalvesOldWeight() {
    Ewma ewma = Ewma.withHalfLife(1);
    assertThat(ewma.value()).isNaN();

    ewma.add(4);
    assertThat(ewma.value()).isEqualTo(4.0);

    ewma.add(0);
    // weights 1/2 (old, after one half-life) and 1/2 (new), bias-corrected: (0.5*4*0.5 +
    // 0.5*0)/0.75
    assertThat(ewma.value()).isCloseTo(4.0 / 3.0, within(1e-12));
  }

  @Test
  void longHalfLife_isNearlyThePlainMean() {
    Ewma ewma = Ewma.withHalfLife(1e9);
    for (int i = 1; i <= 100; i++) {
      ewma.add(i);
    }
    assertThat(ewma.value()).isCloseTo(50.5, within(1e-4));
  }

  @Test
  void aMeanOfNExamples_weighsAsTheNExamplesAddedOneByOne() {
    Ewma batches = Ewma.withWindow(50);
    Ewma examples = Ewma.withWindow(50);
    for (int b = 0; b < 40; b++) {
      double mean = (b * 7919) % 13 / 13.0;
      batches.add(mean, 8);
      for (int i = 0; i < 8; i++) {
        examples.add(mean);
      }
      assertThat(batches.value()).isCloseTo(examples.value(), within(1e-12));
    }
  }

  @Test
  void window_weightsAnExampleByOneOverEAfterThatManyMore() {
    Ewma ewma = Ewma.withWindow(10);
    ewma.add(1);
    ewma.add(0, 10);
    // weights e^-1 · (1 − e^-0.1) for the first, 1 − e^-1 for the ten after, over their sum
    double first = Math.exp(-1) * (1 - Math.exp(-0.1));
    assertThat(ewma.value()).isCloseTo(first / (first + 1 - Math.exp(-1)), within(1e-12));
  }

  @Test
  void earlyValues_arePlainMeans_notPulledTowardsTheFirst() {
    Ewma ewma = Ewma.withWindow(1000);
    ewma.add(0);
    ewma.add(1);
    ewma.add(1);
    ewma.add(1);
    assertThat(ewma.value()).isCloseTo(0.75, within(1e-3));
  }
}
