package io.streamprop.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamprop.nn.EmbeddingBag.Columns;
import io.streamprop.nn.EmbeddingBag.Mode;
import io.streamprop.nn.optim.Optimizer;
import io.streamprop.nn.optim.Optimizers;
import io.streamprop.nn.optim.TouchedRows;
import io.streamprop.spec.SpecJson;
import io.streamprop.testing.ThreadAllocations;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** What the embedding bag computes, which rows it touches, and what it refuses. */
class EmbeddingBagTest {

  /** A 5 x 2 table whose row r is (r, 10·r), so every output names its rows. */
  private static EmbeddingBag table(Mode mode) {
    EmbeddingBag bag = new EmbeddingBag(5, 2, mode);
    for (int r = 0; r < 5; r++) {
      bag.weight()[2 * r] = r;
      bag.weight()[2 * r + 1] = 10 * r;
    }
    return bag;
  }

  // bags: [1, 3], [], [4, 4, 2]
  private static final int[] IDS = {1, 3, 4, 4, 2, 99}; // the array may be longer than its bags
  private static final int[] OFFSETS = {0, 2, 2, 5};

  @Test
  void sum_addsEachBagsRows_repeatsTwice_emptyBagZero() {
    float[] out = table(Mode.SUM).forward(IDS, OFFSETS, 3);
    assertThat(Arrays.copyOf(out, 6)).containsExactly(4, 40, 0, 0, 10, 100);
  }

  @Test
  void mean_dividesBySizeCountingRepeats_emptyBagZero() {
    float[] out = table(Mode.MEAN).forward(IDS, OFFSETS, 3);
    assertThat(Arrays.copyOf(out, 6)).containsExactly(2, 20, 0, 0, 10f / 3, 100f / 3);
  }

  @Test
  void forward_writesOnlyItsColumnsOfTheSharedRow() {
    float[] input = new float[3 * 6];
    Arrays.fill(input, -7f);
    table(Mode.SUM).forward(IDS, OFFSETS, 3, input, new Columns(3, 6));
    assertThat(input)
        .containsExactly(
            -7, -7, -7, 4, 40, -7, //
            -7, -7, -7, 0, 0, -7, //
            -7, -7, -7, 10, 100, -7);
  }

  @Test
  void backward_scattersIntoTheBagsRows_andListsThemSortedOnce() {
    EmbeddingBag bag = table(Mode.MEAN);
    // dOut in columns [1, 3) of rows of width 4
    float[] dOut = {9, 1, 2, 9, 9, 5, 6, 9, 9, 3, 6, 9};
    bag.backward(IDS, OFFSETS, 3, dOut, new Columns(1, 4));
    // bag 0 (n 2): rows 1 and 3 get (1, 2)/2; bag 1 empty; bag 2 (n 3): row 4 twice (3, 6)/3, row 2
    // once
    assertThat(bag.dWeight()).containsExactly(0, 0, 0.5f, 1, 1, 2, 0.5f, 1, 2, 4);
    TouchedRows rows = bag.touchedRows();
    assertThat(rows.count()).isEqualTo(4);
    assertThat(new int[] {rows.row(0), rows.row(1), rows.row(2), rows.row(3)})
        .containsExactly(1, 2, 3, 4);
  }

  @Test
  void backward_accumulates_untilZeroGradientsClearsTheTouchedRows() {
    EmbeddingBag bag = table(Mode.SUM);
    float[] dOut = {1, 1, 7, 7, 2, 2};
    bag.backward(IDS, OFFSETS, 3, dOut, new Columns(0, 2));
    bag.backward(new int[] {0}, new int[] {0, 1}, 1, new float[] {5, 5}, new Columns(0, 2));
    assertThat(bag.dWeight()).containsExactly(5, 5, 1, 1, 2, 2, 1, 1, 4, 4);
    assertThat(bag.touchedRows().count()).isEqualTo(5);
    assertThat(bag.touchedRows().row(0)).isZero();

    bag.zeroGradients();
    assertThat(bag.dWeight()).containsOnly(0f);
    assertThat(bag.touchedRows().count()).isZero();
    assertThat(bag.touchedRows().contains(4)).isFalse();
  }

  @Test
  void zeroGradients_leavesRowsOutsideTheTouchedSetAlone() {
    // A stray value outside the touched rows stays: zeroing visits the touched rows only.
    EmbeddingBag bag = table(Mode.SUM);
    bag.dWeight()[0] = 3f;
    bag.backward(new int[] {2}, new int[] {0, 1}, 1, new float[] {1, 1}, new Columns(0, 2));
    bag.zeroGradients();
    assertThat(bag.dWeight()[0]).isEqualTo(3f);
    assertThat(bag.dWeight()[4]).isZero();
  }

  @Test
  void initialize_drawsStandardNormals_deterministically() {
    EmbeddingBag a = new EmbeddingBag(1000, 20, Mode.SUM);
    EmbeddingBag b = new EmbeddingBag(1000, 20, Mode.SUM);
    SplitMix64 rng = new SplitMix64(5);
    a.initialize(rng);
    b.initialize(new SplitMix64(5));
    assertThat(a.weight()).isEqualTo(b.weight());
    double sum = 0;
    double squares = 0;
    for (float w : a.weight()) {
      sum += w;
      squares += (double) w * w;
    }
    double n = a.weight().length;
    assertThat(sum / n).isBetween(-0.03, 0.03);
    assertThat(squares / n - (sum / n) * (sum / n)).isBetween(0.95, 1.05);
    // one draw per weight: the generator is where 20,000 gaussians leave it
    SplitMix64 reference = new SplitMix64(5);
    for (int i = 0; i < 20_000; i++) {
      reference.nextGaussian();
    }
    assertThat(rng.state()).isEqualTo(reference.state());
  }

  @Test
  void badBags_areRefusedNamingTheValue_beforeAnythingIsWritten() {
    EmbeddingBag bag = table(Mode.SUM);
    float[] out = new float[6];
    Columns columns = new Columns(0, 2);
    assertThatThrownBy(() -> bag.forward(new int[] {1, 5}, new int[] {0, 1, 2}, 2, out, columns))
        .hasMessageContaining("ids[1] = 5 is not a bucket in [0, 5)");
    assertThatThrownBy(() -> bag.forward(new int[] {-1}, new int[] {0, 1}, 1, out, columns))
        .hasMessageContaining("ids[0] = -1");
    assertThatThrownBy(() -> bag.forward(IDS, new int[] {0, 3, 2}, 2, out, columns))
        .hasMessageContaining("offsets[2] = 2 < offsets[1] = 3");
    assertThatThrownBy(() -> bag.forward(IDS, new int[] {1, 2}, 1, out, columns))
        .hasMessageContaining("offsets[0] must be 0, got 1");
    assertThatThrownBy(() -> bag.forward(IDS, new int[] {0, 7}, 1, out, columns))
        .hasMessageContaining("offsets[1] = 7 is past the 6 ids");
    assertThatThrownBy(() -> bag.forward(IDS, new int[] {0, 1}, 2, out, columns))
        .hasMessageContaining("offsets needs batch + 1 = 3 entries, has 2");
    assertThatThrownBy(() -> bag.forward(IDS, OFFSETS, 3, out, new Columns(3, 4)))
        .hasMessageContaining("columns [3, 5) of a table of dim 2 do not fit in rows of width 4");
    assertThatThrownBy(() -> bag.forward(IDS, OFFSETS, 3, new float[5], columns))
        .hasMessageContaining("out has 5 floats, needs batch x width = 3 x 2");
    assertThat(out).containsOnly(0f);
    assertThatThrownBy(
            () -> bag.backward(new int[] {7}, new int[] {0, 1}, 1, new float[2], columns))
        .hasMessageContaining("ids[0] = 7");
    assertThat(bag.dWeight()).containsOnly(0f);
    assertThat(bag.touchedRows().count()).isZero();
  }

  /**
   * Zeroing, forward, backward, clipping's sum of squares and a lazy Adam step over the touched
   * rows allocate nothing once the largest mini-batch has been seen.
   */
  @Test
  void steadyStateStep_allocatesNothing() {
    com.sun.management.ThreadMXBean mx = ThreadAllocations.counter();
    EmbeddingBag bag = new EmbeddingBag(4096, 8, Mode.MEAN);
    bag.initialize(new SplitMix64(1));
    Optimizer adam =
        Optimizers.create(
            SpecJson.parse("{\"inputs\": 8, \"classes\": 2, \"optimizer\": \"adam\"}").optimizer(),
            new int[] {bag.weight().length});
    float[][] params = {bag.weight()};
    float[][] grads = {bag.dWeight()};
    boolean[] decay = {false};
    TouchedRows[] rows = {bag.touchedRows()};
    int batch = 16;
    int[] offsets = new int[batch + 1];
    int[] ids = new int[batch * 20];
    float[] dOut = TestData.uniform(batch * 8, -1, 1, 3);
    Columns columns = new Columns(0, 8);
    SplitMix64 rng = new SplitMix64(2);
    long perStep = Long.MAX_VALUE;
    for (int round = 0; round < 1000 && perStep > 0; round++) {
      long before = mx.getCurrentThreadAllocatedBytes();
      for (int step = 0; step < 500; step++) {
        for (int b = 0; b < batch; b++) {
          int n = (int) (rng.nextLong() >>> 60); // 0..15 ids
          offsets[b + 1] = offsets[b] + n;
          for (int k = offsets[b]; k < offsets[b + 1]; k++) {
            ids[k] = (int) (rng.nextLong() >>> 52); // 0..4095
          }
        }
        bag.zeroGradients();
        bag.forward(ids, offsets, batch);
        bag.backward(ids, offsets, batch, dOut, columns);
        io.streamprop.nn.optim.GradientClipping.sumOfSquares(bag.dWeight(), bag.touchedRows());
        adam.step(params, grads, decay, rows, 0.001f);
      }
      perStep = (mx.getCurrentThreadAllocatedBytes() - before) / 500;
    }
    assertThat(perStep).isZero();
  }
}
