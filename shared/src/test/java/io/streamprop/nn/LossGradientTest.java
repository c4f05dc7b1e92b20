package io.streamprop.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LossGradientTest {
  private static final int B = 6;

  static Stream<Arguments> losses() {
    float[] classLabels = {0, 2, 1, 3, 3, 0};
    float[] binaryLabels = {0, 1, 1, 0, 1, 0};
    return Stream.of(
        Arguments.of("softmax_cross_entropy", new SoftmaxCrossEntropy(4), 4, classLabels),
        Arguments.of("binary_cross_entropy", new BinaryCrossEntropyWithLogits(), 1, binaryLabels),
        Arguments.of("mse", new MeanSquaredError(3), 3, TestData.uniform(B * 3, -2, 2, 5)),
        Arguments.of("huber", new Huber(3, 1.0), 3, TestData.uniform(B * 3, -4, 4, 6)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("losses")
  void dLogits_matchesCentralDifferences(
      String name, LossFunction loss, int outputs, float[] labels) {
    float[] logits = TestData.uniform(B * outputs, -3, 3, 7);
    float[] dLogits = new float[B * outputs];
    loss.forward(logits, labels, B, dLogits);
    GradientChecker.standard()
        .check(name + " dLogits", logits, dLogits, () -> loss.forward(logits, labels, B, null));
  }

  @Test
  void softmaxCrossEntropy_hugeLogits_isFiniteAndExact() {
    float[] logits = {1e4f, 0f, -1e4f};
    float[] d = new float[3];
    double loss = new SoftmaxCrossEntropy(3).forward(logits, new float[] {1}, 1, d);
    assertThat(loss).isCloseTo(1e4, within(1e-9));
    assertThat(d).containsExactly(1f, -1f, 0f);
  }

  @Test
  void binaryCrossEntropy_hugeLogits_isFiniteAndLinear() {
    float[] logits = {100f, -100f};
    float[] d = new float[2];
    double loss = new BinaryCrossEntropyWithLogits().forward(logits, new float[] {0, 1}, 2, d);
    assertThat(loss).isCloseTo(100.0, within(1e-9));
    assertThat(d).containsExactly(0.5f, -0.5f);
  }

  @Test
  void huber_switchesFromQuadraticToLinearAtDelta() {
    Huber huber = new Huber(1, 2.0);
    assertThat(huber.forward(new float[] {1f}, new float[] {0f}, 1, null)).isEqualTo(0.5);
    assertThat(huber.forward(new float[] {5f}, new float[] {0f}, 1, null)).isEqualTo(8.0);
  }

  @Test
  void softmax_rowsSumToOneWithoutOverflow() {
    float[] logits = {1000f, 999f, -5f, 0f, 0f, 0f};
    float[] probs = new float[6];
    Softmax.forward(logits, probs, 2, 3);
    assertThat(probs[0] + probs[1] + probs[2]).isCloseTo(1f, within(1e-6f));
    assertThat(probs[0]).isCloseTo(0.7310586f, within(1e-6f));
    assertThat(probs[3]).isCloseTo(1f / 3, within(1e-7f));
  }
}
