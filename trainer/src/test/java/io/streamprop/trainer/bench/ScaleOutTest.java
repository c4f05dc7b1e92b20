package io.streamprop.trainer.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamprop.trainer.bench.ScaleOut.Run;
import io.streamprop.trainer.bench.ScaleOut.Setup;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

/** The scale-out benchmark's model ids land one per partition; its medians and ratios. */
class ScaleOutTest {

  @Test
  void modelKeys_sixPartitions_keyPLandsOnPartitionPUnderTheProducersPartitioner() {
    List<String> keys = ScaleOut.modelKeys(6);

    assertThat(keys).hasSize(6).doesNotHaveDuplicates();
    for (int p = 0; p < keys.size(); p++) {
      byte[] key = keys.get(p).getBytes(StandardCharsets.UTF_8);
      assertThat(BuiltInPartitioner.partitionForKey(key, 6)).as(keys.get(p)).isEqualTo(p);
    }
  }

  @Test
  void medianRatio_twoRounds_meanOfEachRoundsRatioToItsOwnBaseline() {
    Setup two = new Setup(2, 1);
    List<Run> runs =
        List.of(
            run(ScaleOutReport.BASELINE, 0, 10), run(two, 0, 15), // round 1: 1.5
            run(two, 1, 40), run(ScaleOutReport.BASELINE, 1, 20)); // round 2: 2.0

    assertThat(ScaleOutReport.medianRatio(runs, two, Run::perSecond)).isEqualTo(1.75);
    assertThat(ScaleOutReport.median(runs, Run::perSecond)).isEqualTo(17.5);
    assertThat(ScaleOutReport.median(new double[] {3, 1, 2})).isEqualTo(2);
  }

  /** A run of {@code perSecond} examples/s: that many examples in one second. */
  private static Run run(Setup setup, int round, long perSecond) {
    return new Run(setup, round, perSecond, 1, perSecond, 1, 1, 1);
  }
}
