package io.streamprop.nn.optim;

import static io.streamprop.nn.optim.OptimizerGoldenTest.tensors;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
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
