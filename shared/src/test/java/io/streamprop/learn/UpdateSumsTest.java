package io.streamprop.learn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The vectorizable update-ratio sums agree with exact double sums to float precision. */
class UpdateSumsTest {

  /** Σ a², an exact double sum (the reference the float-lane sums are held to). */
  static double squares(float[] a) {
    double s = 0;
    for (float v : a) {
      s += (double) v * v;
    }
    return s;
  }

  /** Σ (a − b)², an exact double sum. */
  static double squaredDistance(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      double d = (double) a[i] - b[i];
      s += d * d;
    }
    return s;
  }

  private static float[][] chunked(float[] w) {
    float[][] chunks = UpdateSums.chunks(w.length);
    UpdateSums.copy(w, chunks);
    return chunks;
  }

  @Test
  void randomUpdates_sumsMatchDoubleReference() {
    Random random = new Random(7);
    UpdateSums meter = new UpdateSums();
    for (int length : new int[] {1, 3, 4, 7, 64, 255, 256, 257, 1027, 784 * 256}) {
      float[] a = new float[length];
      float[] b = new float[length];
      for (int i = 0; i < length; i++) {
        b[i] = (float) random.nextGaussian();
        a[i] = b[i] + (float) random.nextGaussian() * 1e-3f;
      }
      double[] out = new double[3];
      meter.measure(a, chunked(b), out);
      double sa = squares(a);
      double sb = squares(b);
      double sd = squaredDistance(a, b);
      assertThat(out[0]).as("Σa², n=%d", length).isCloseTo(sa, within(1e-5 * sa));
      assertThat(out[1]).as("Σb², n=%d", length).isCloseTo(sb, within(1e-5 * sb));
      assertThat(out[2]).as("Σ(a-b)², n=%d", length).isCloseTo(sd, within(1e-5 * sd));

      double[] again = new double[3];
      meter.measure(a, chunked(b), again);
      assertThat(again).as("same inputs, same bits, n=%d", length).containsExactly(out);
    }
  }

  @Test
  void noChange_deltaIsZero_andNormsEqual() {
    float[] w = new float[300];
    for (int i = 0; i < w.length; i++) {
      w[i] = i - 150.5f;
    }
    double[] out = new double[3];
    new UpdateSums().measure(w, chunked(w), out);
    assertThat(out[2]).isZero();
    assertThat(out[0]).isEqualTo(out[1]).isCloseTo(squares(w), within(1e-6 * squares(w)));
  }
}
