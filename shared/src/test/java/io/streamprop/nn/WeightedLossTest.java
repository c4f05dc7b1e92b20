package io.streamprop.nn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The weighted form of every loss, {@link LossFunction#forward(float[], float[], float[], int,
 * float[])}: weights of 1 give the unweighted loss and gradient bit for bit, a weight of 0 gives a
 * row of +0 and no loss even when the logits are infinite, a weight scales its row, and the loss is
 * Σᵢ wᵢ·lossᵢ / B.
 */
class WeightedLossTest {
  private static final int BATCH = 5;

  record Case(String name, LossFunction loss, int width, boolean classes) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<Case> losses() {
    return List.of(
        new Case("softmax_cross_entropy", new SoftmaxCrossEntropy(4), 4, true),
        new Case("binary_cross_entropy", new BinaryCrossEntropyWithLogits(), 1, true),
        new Case("mse", new MeanSquaredError(3), 3, false),
        new Case("huber", new Huber(3, 0.7), 3, false));
  }

  private static float[] logits(Case c, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] z = new float[BATCH * c.width()];
    for (int i = 0; i < z.length; i++) {
      z[i] = (float) (random.nextDouble() * 6 - 3);
    }
    return z;
  }

  private static float[] labels(Case c) {
    SplittableRandom random = new SplittableRandom(7);
    if (c.classes()) {
      float[] y = new float[BATCH];
      for (int i = 0; i < BATCH; i++) {
        y[i] = random.nextInt(c.width() == 1 ? 2 : c.width());
      }
      return y;
    }
    float[] y = new float[BATCH * c.width()];
    for (int i = 0; i < y.length; i++) {
      y[i] = (float) (random.nextDouble() * 4 - 2);
    }
    return y;
  }

  private static float[] filled(float value) {
    float[] w = new float[BATCH];
    java.util.Arrays.fill(w, value);
    return w;
  }

  @ParameterizedTest
  @MethodSource("losses")
  void weightsOfOne_bitForBitTheUnweightedLoss(Case c) {
    float[] z = logits(c, 1);
    float[] y = labels(c);
    float[] d = new float[z.length];
    float[] dw = new float[z.length];
    double loss = c.loss().forward(z, y, BATCH, d);
    double weighted = c.loss().forward(z, y, filled(1f), BATCH, dw);
    assertThat(Double.doubleToRawLongBits(weighted)).isEqualTo(Double.doubleToRawLongBits(loss));
    for (int i = 0; i < d.length; i++) {
      assertThat(Float.floatToRawIntBits(dw[i]))
          .as("dLogits[%d]", i)
          .isEqualTo(Float.floatToRawIntBits(d[i]));
    }
  }

  @ParameterizedTest
  @MethodSource("losses")
  void weightZero_rowOfPlusZero_noLoss_evenWithInfiniteLogits(Case c) {
    float[] z = logits(c, 2);
    float[] y = labels(c);
    int row = 2;
    for (int k = 0; k < c.width(); k++) {
      z[row * c.width() + k] = k % 2 == 0 ? Float.POSITIVE_INFINITY : Float.NaN;
    }
    float[] w = filled(1f);
    w[row] = 0f;
    float[] d = new float[z.length];
    java.util.Arrays.fill(d, 9f); // overwritten, all of it
    double loss = c.loss().forward(z, y, w, BATCH, d);

    assertThat(loss).isFinite();
    for (int k = 0; k < c.width(); k++) {
      assertThat(Float.floatToRawIntBits(d[row * c.width() + k])).isZero(); // +0, not -0 or NaN
    }
    // The other rows are the unweighted ones: the zero row is the only difference.
    float[] tame = z.clone();
    java.util.Arrays.fill(tame, row * c.width(), (row + 1) * c.width(), 0f);
    float[] dUnweighted = new float[z.length];
    c.loss().forward(tame, y, BATCH, dUnweighted);
    for (int i = 0; i < z.length; i++) {
      if (i / c.width() != row) {
        assertThat(d[i]).as("dLogits[%d]", i).isEqualTo(dUnweighted[i]);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("losses")
  void weights_scaleRowsAndLoss_dividedByTheBatchSize(Case c) {
    float[] z = logits(c, 3);
    float[] y = labels(c);
    float[] w = {2f, 0.5f, 0f, 1f, 4f}; // powers of two: the scaled rows are exact
    float[] d = new float[z.length];
    double loss = c.loss().forward(z, y, w, BATCH, d);

    double expected = 0;
    float[] dOne = new float[c.width()];
    for (int r = 0; r < BATCH; r++) {
      float[] zr = java.util.Arrays.copyOfRange(z, r * c.width(), (r + 1) * c.width());
      float[] yr =
          c.classes()
              ? new float[] {y[r]}
              : java.util.Arrays.copyOfRange(y, r * c.width(), (r + 1) * c.width());
      expected += w[r] * c.loss().forward(zr, yr, 1, dOne); // lossᵣ, a batch of one
      for (int k = 0; k < c.width(); k++) {
        // a batch of one has divisor 1 where the batch has BATCH
        assertThat(d[r * c.width() + k])
            .as("dLogits[%d][%d]", r, k)
            .isCloseTo(w[r] * dOne[k] / BATCH, org.assertj.core.api.Assertions.within(1e-7f));
      }
    }
    assertThat(loss).isCloseTo(expected / BATCH, org.assertj.core.api.Assertions.within(1e-12));
  }
}
