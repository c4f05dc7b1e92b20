package io.streamprop.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SoftmaxTest {

  @Test
  void forward_matchesDoublePrecisionSoftmax() {
    SplittableRandom random = new SplittableRandom(5);
    for (int classes : new int[] {1, 2, 3, 7, 10, 33}) {
      int batch = 13;
      float[] logits = new float[batch * classes];
      for (int i = 0; i < logits.length; i++) {
        logits[i] = (float) (random.nextGaussian() * 8);
      }
      float[] probs = new float[logits.length];
      Softmax.forward(logits, probs, batch, classes);
      for (int b = 0; b < batch; b++) {
        int row = b * classes;
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < classes; k++) {
          max = Math.max(max, logits[row + k]);
        }
        double sum = 0;
        for (int k = 0; k < classes; k++) {
          sum += Math.exp(logits[row + k] - max);
        }
        float total = 0f;
        for (int k = 0; k < classes; k++) {
          double expected = Math.exp(logits[row + k] - max) / sum;
          assertThat((double) probs[row + k])
              .as("%d classes, row %d, class %d", classes, b, k)
              .isCloseTo(expected, within(1e-6 * Math.max(expected, 1e-3)));
          total += probs[row + k];
        }
        assertThat(total).isCloseTo(1f, within(1e-6f * classes));
      }
    }
  }
}
