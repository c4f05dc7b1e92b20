package io.streamprop.trainer.state;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FrequencySketchTest {
  @Test
  void countsUses_upToFifteen_neverUnderestimated_rarelyOver() {
    FrequencySketch sketch = new FrequencySketch(1024);
    for (int m = 0; m < 500; m++) {
      for (int i = 0; i < m % 7; i++) {
        sketch.increment("model-" + m);
      }
    }
    for (int i = 0; i < 40; i++) {
      sketch.increment("hot");
    }
    int overestimated = 0;
    for (int m = 0; m < 500; m++) {
      int frequency = sketch.frequency("model-" + m);
      assertThat(frequency).isGreaterThanOrEqualTo(m % 7);
      overestimated += frequency > m % 7 ? 1 : 0;
    }
    // A count-min sketch overestimates on collisions only; four rows keep that rare.
    assertThat(overestimated).isLessThan(25);
    assertThat(sketch.frequency("hot")).isEqualTo(15);
    assertThat(sketch.frequency("never seen")).isLessThanOrEqualTo(1);
  }

  @Test
  void halvesEveryCount_afterTenTimesItsWidth_soOldUsesFade() {
    FrequencySketch sketch = new FrequencySketch(16);
    assertThat(sketch.width()).isEqualTo(16);
    for (int i = 0; i < 12; i++) {
      sketch.increment("old");
    }
    assertThat(sketch.frequency("old")).isEqualTo(12);
    for (int i = 0; i < 160 - 12; i++) {
      sketch.increment("new");
    }
    // The 160th count halved every counter: 12 → 6, and "new" (saturated at 15) → 7.
    assertThat(sketch.frequency("old")).isEqualTo(6);
    assertThat(sketch.frequency("new")).isEqualTo(7);
  }

  @Test
  void width_isAPowerOfTwo_atLeastTheOneAskedFor() {
    assertThat(new FrequencySketch(0).width()).isEqualTo(16);
    assertThat(new FrequencySketch(16).width()).isEqualTo(16);
    assertThat(new FrequencySketch(17).width()).isEqualTo(32);
    assertThat(new FrequencySketch(200_000).width()).isEqualTo(262_144);
  }
}
