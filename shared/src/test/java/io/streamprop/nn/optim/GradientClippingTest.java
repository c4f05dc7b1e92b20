package io.streamprop.nn.optim;

import static io.streamprop.nn.optim.OptimizerGoldenTest.tensors;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GradientClippingTest {

  static Stream<Arguments> torchCases() {
    List<Arguments> out = new ArrayList<>();
    for (JsonNode c : OptimizerGoldenTest.golden().get("clipping")) {
      out.add(Arguments.of("max_norm=" + c.get("max_norm").asDouble(), c));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("torchCases")
  void clipByGlobalNorm_torchCases_matchesClipGradNorm(String label, JsonNode c) {
    float[][] grads = tensors(c.get("grads"));
    float[][] expected = tensors(c.get("clipped"));
    double torchNorm = c.get("norm").asDouble();

    double norm = GradientClipping.clipByGlobalNorm(grads, c.get("max_norm").asDouble());

    // torch sums in float32; we sum in double, so the norms agree to float32 precision only.
    assertThat(norm).isCloseTo(torchNorm, within(2e-7 * torchNorm));
    for (int t = 0; t < grads.length; t++) {
      OptimizerGoldenTest.assertFloat32Close(grads[t], expected[t], label + " tensor " + t);
    }
  }

  /**
   * A table's gradient zero outside its touched rows: the norm and the clipped gradients over the
   * touched rows are the bits of the dense computation over the whole arrays.
   */
  @Test
  void tableGradient_normAndClipOverTouchedRows_sameBitsAsOverTheWholeArray() {
    float[] dense = {0.3f, -1.7f, 2.2f};
    float[] table = new float[8 * 3];
    int[] touched = {6, 1, 4, 1};
    SplittableRandom random = new SplittableRandom(4);
    for (int r : touched) {
      for (int d = 0; d < 3; d++) {
        table[r * 3 + d] = (float) random.nextDouble(-2, 2);
      }
    }
    TouchedRows rows = new TouchedRows(8, 3);
    rows.addAll(touched, 0, touched.length);
    float[][] sparse = {dense.clone(), table.clone()};
    float[][] whole = {dense.clone(), table.clone()};
    TouchedRows[] which = {null, rows};

    assertThat(GradientClipping.globalNorm(sparse, which))
        .isEqualTo(GradientClipping.globalNorm(whole));
    assertThat(GradientClipping.sumOfSquares(table, rows)).isEqualTo(squares(table));
    double norm = GradientClipping.clipByGlobalNorm(sparse, which, 1.0);
    assertThat(norm).isEqualTo(GradientClipping.clipByGlobalNorm(whole, 1.0)).isGreaterThan(1.0);
    assertThat(sparse[0]).isEqualTo(whole[0]);
    assertThat(sparse[1]).isEqualTo(whole[1]);
    assertThat(sparse[1][6 * 3]).isNotEqualTo(table[6 * 3]);
  }

  /**
   * Four (and two) tables' sums side by side: each the bits of its own sum over its touched rows,
   * for tables of one width with different numbers of touched rows (none too), for tables of mixed
   * widths (summed one after the other), and for tables picked out of order by {@code which}.
   */
  @Test
  void sumsOfSquares_tablesSideBySide_eachTheBitsOfItsOwnSum() {
    SplittableRandom random = new SplittableRandom(9);
    for (int round = 0; round < 200; round++) {
      int tables = 6;
      boolean mixed = round % 4 == 3;
      float[][] grads = new float[tables][];
      TouchedRows[] rows = new TouchedRows[tables];
      for (int t = 0; t < tables; t++) {
        int width = mixed && t == 3 ? 16 : 8;
        int buckets = 64;
        grads[t] = new float[buckets * width];
        rows[t] = new TouchedRows(buckets, width);
        int[] ids = random.ints(random.nextInt(round % 5 == 0 ? 3 : 30), 0, buckets).toArray();
        rows[t].addAll(ids, 0, ids.length);
        for (int k = 0; k < rows[t].count(); k++) {
          for (int d = 0; d < width; d++) {
            // sixty binary orders of magnitude: any other order of additions shows in the bits
            grads[t][rows[t].row(k) * width + d] =
                (float) (random.nextDouble(-1, 1) * Math.scalb(1.0, random.nextInt(-30, 31)));
          }
        }
      }
      int[] which = {5, 2, 0, 3, 1, 4};
      double[] out = new double[tables];
      GradientClipping.sumsOfSquares(grads, rows, which, 1, out);
      for (int j = 1; j < 5; j++) {
        int t = which[j];
        assertThat(Double.doubleToRawLongBits(out[t]))
            .as("round %d, table %d", round, t)
            .isEqualTo(
                Double.doubleToRawLongBits(GradientClipping.sumOfSquares(grads[t], rows[t])));
      }
      assertThat(out[which[0]]).isZero();
      assertThat(out[which[5]]).isZero();
      double[] two = new double[tables];
      GradientClipping.sumsOfSquaresOfTwo(grads, rows, which, 2, two);
      for (int j = 2; j < 4; j++) {
        assertThat(Double.doubleToRawLongBits(two[which[j]]))
            .as("round %d, two tables, table %d", round, which[j])
            .isEqualTo(Double.doubleToRawLongBits(out[which[j]]));
      }
    }
  }

  private static double squares(float[] values) {
    double sum = 0;
    for (float v : values) {
      sum += (double) v * v;
    }
    return sum;
  }

  @Test
  void touchedRowsOfAnotherShape_refused() {
    float[][] grads = {new float[6]};
    assertThatThrownBy(
            () -> GradientClipping.globalNorm(grads, new TouchedRows[] {new TouchedRows(4, 2)}))
        .hasMessageContaining(
            "tensor 0: touched rows of a 4 x 2 table, but the gradient has length 6");
  }

  @Test
  void normAboveBound_clip_scalesEveryTensorToTheBound() {
    float[][] grads = {{3f, 0f}, {4f}};

    double norm = GradientClipping.clipByGlobalNorm(grads, 1.0);

    assertThat(norm).isEqualTo(5.0);
    assertThat(GradientClipping.globalNorm(grads)).isCloseTo(1.0, within(1e-6));
    assertThat(grads[0][0] / grads[1][0]).as("direction kept").isCloseTo(0.75f, within(1e-7f));
  }

  @Test
  void normAtOrBelowBound_clip_leavesGradientsUntouched() {
    float[][] grads = {{3f, 0f}, {4f}};

    double norm = GradientClipping.clipByGlobalNorm(grads, 5.0);

    assertThat(norm).isEqualTo(5.0);
    assertThat(grads[0]).containsExactly(3f, 0f);
    assertThat(grads[1]).containsExactly(4f);
  }

  @Test
  void maxNormZeroOrNegative_clip_isOffButStillReportsNorm() {
    float[][] grads = {{30f, 40f}};

    assertThat(GradientClipping.clipByGlobalNorm(grads, 0)).isEqualTo(50.0);
    assertThat(GradientClipping.clipByGlobalNorm(grads, -1)).isEqualTo(50.0);
    assertThat(grads[0]).containsExactly(30f, 40f);
  }

  @Test
  void nonFiniteGradient_clip_returnsNonFiniteNormAndLeavesGradientsForTheCallerToSkip() {
    float[][] infinite = {{Float.POSITIVE_INFINITY, 1f}};
    float[][] nan = {{Float.NaN, 1f}};

    assertThat(GradientClipping.clipByGlobalNorm(infinite, 1.0)).isInfinite();
    assertThat(GradientClipping.clipByGlobalNorm(nan, 1.0)).isNaN();
    assertThat(infinite[0]).containsExactly(Float.POSITIVE_INFINITY, 1f);
    assertThat(nan[0][1]).isEqualTo(1f);
  }

  @Test
  void hugeFiniteFloats_norm_doesNotOverflow() {
    float[][] grads = {{Float.MAX_VALUE, Float.MAX_VALUE}};

    double norm = GradientClipping.clipByGlobalNorm(grads, 1.0);

    assertThat(norm).isCloseTo(Math.sqrt(2) * Float.MAX_VALUE, within(1e30));
    assertThat(GradientClipping.globalNorm(grads)).isCloseTo(1.0, within(1e-6));
  }

  @Test
  void noGradients_norm_isZero() {
    assertThat(GradientClipping.clipByGlobalNorm(new float[][] {{}, {}}, 1.0)).isZero();
  }

  @Test
  void maxNormNaN_clip_refused() {
    assertThatThrownBy(() -> GradientClipping.clipByGlobalNorm(new float[][] {{1f}}, Double.NaN))
        .hasMessageContaining("NaN");
  }
}
