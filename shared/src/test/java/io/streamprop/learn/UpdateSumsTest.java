package io.streamprop.learn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fused update-ratio pass gives the same bits as three separate four-way partial sums. */
class UpdateSumsTest {

  /** Reference: Σ (a - b)² with the four interleaved partial sums of sumOfSquares. */
  private static double squaredDistance(float[] a, float[] b) {
    double[] s = new double[4];
    int i = 0;
    for (; i + 3 < a.length; i += 4) {
      for (int k = 0; k < 4; k++) {
        double d = (double) a[i + k] - b[i + k];
        s[k] += d * d;
      }
    }
    for (; i < a.length; i++) {
      double d = (double) a[i] - b[i];
      s[0] += d * d;
    }
    return (s[0] + s[1]) + (s[2] + s[3]);
  }

  @Test
  void randomVectors_fusedPass_bitIdenticalToSeparatePasses() {
    Random random = new Random(7);
    for (int length : new int[] {1, 3, 4, 7, 64, 1027}) {
      float[] a = new float[length];
      float[] b = new float[length];
      for (int i = 0; i < length; i++) {
        a[i] = (float) random.nextGaussian() * 1e3f;
        b[i] = a[i] + (float) random.nextGaussian() * 1e-2f;
      }
      double[] out = new double[3];
      OnlineLearner.updateSums(a, b, out);
      assertThat(out[0]).as("Σa², n=%d", length).isEqualTo(OnlineLearner.sumOfSquares(a));
      assertThat(out[1]).as("Σb², n=%d", length).isEqualTo(OnlineLearner.sumOfSquares(b));
      assertThat(out[2]).as("Σ(a-b)², n=%d", length).isEqualTo(squaredDistance(a, b));
    }
  }
}
