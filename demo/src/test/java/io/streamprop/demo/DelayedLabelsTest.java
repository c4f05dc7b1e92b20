package io.streamprop.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DelayedLabelsTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void add_delaysBetweenHalfAndOneAndAHalfTimesD_meanNearD() {
    DelayedLabels labels = new DelayedLabels(Duration.ofSeconds(30), 7);
    long now = 123 * SECOND;
    double sum = 0;
    int n = 10_000;
    for (int i = 0; i < n; i++) {
      long delay = labels.add(now, "demo-" + i, new byte[0]) - now;
      assertThat(delay).isBetween(15 * SECOND, 45 * SECOND - 1);
      sum += delay;
    }
    assertThat(sum / n / SECOND).isCloseTo(30.0, org.assertj.core.data.Offset.offset(0.5));
    assertThat(labels.size()).isEqualTo(n);
  }

  @Test
  void due_returnsOnlyDueLabels_earliestFirst_andRemovesThem() {
    DelayedLabels labels = new DelayedLabels(Duration.ofSeconds(10), 1);
    List<Long> dues = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      dues.add(labels.add(i * SECOND / 10, "demo-" + i, new byte[] {(byte) i}));
    }
    long cut = 12 * SECOND;
    long expected = dues.stream().filter(d -> d <= cut).count();

    List<DelayedLabels.Label> due = labels.due(cut);

    assertThat(due)
        .hasSize((int) expected)
        .isSortedAccordingTo(java.util.Comparator.comparingLong(DelayedLabels.Label::dueNanos));
    assertThat(due).allSatisfy(l -> assertThat(l.dueNanos()).isLessThanOrEqualTo(cut));
    assertThat(labels.size()).isEqualTo(100 - expected);
    assertThat(labels.due(cut)).isEmpty();
    assertThat(labels.due(Long.MAX_VALUE / 2)).hasSize(100 - (int) expected);
  }

  @Test
  void sameSeed_sameDelays() {
    DelayedLabels a = new DelayedLabels(Duration.ofMillis(500), 42);
    DelayedLabels b = new DelayedLabels(Duration.ofMillis(500), 42);
    for (int i = 0; i < 50; i++) {
      assertThat(a.add(0, "x", new byte[0])).isEqualTo(b.add(0, "x", new byte[0]));
    }
  }

  @Test
  void zeroDelay_refused() {
    assertThatThrownBy(() -> new DelayedLabels(Duration.ZERO, 1)).hasMessageContaining("positive");
  }
}
