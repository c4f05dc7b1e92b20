package io.streamprop.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ActivationGradientTest {
  private static final int N = 40;

  @ParameterizedTest
  @EnumSource(Activation.class)
  void backward_matchesCentralDifferences(Activation activation) {
    float[] z = TestData.uniform(N, -4, 4, 1);
    for (int i = 0; i < N; i++) {
      if (Math.abs(z[i]) < 0.05f) {
        z[i] = 0.05f; // keep probes away from the ReLU kink
      }
    }
    float[] c = TestData.uniform(N, -1, 1, 2);
    float[] a = new float[N];
    activation.forward(z, a, N);
    float[] d = c.clone();
    activation.backward(z, a, d, N);

    GradientChecker.standard()
        .check(
            activation + " dInput",
            z,
            d,
            () -> {
              float[] out = new float[N];
              activation.forward(z, out, N);
              return TestData.dot(c, out, N);
            });
  }

  @Test
  void relu_backward_sameBitsAsTheComparison_forEverySpecialValue() {
    // The branch-free mask must keep d exactly where z > 0f and give +0f elsewhere, for zeros of
    // both signs, subnormals, infinities, NaNs of both signs and the largest and smallest floats.
    float[] special = {
      0f,
      -0f,
      Float.MIN_VALUE,
      -Float.MIN_VALUE,
      Float.MIN_NORMAL,
      -Float.MIN_NORMAL,
      1f,
      -1f,
      Float.MAX_VALUE,
      -Float.MAX_VALUE,
      Float.POSITIVE_INFINITY,
      Float.NEGATIVE_INFINITY,
      Float.NaN,
      Float.intBitsToFloat(0xFFC00000),
      Float.intBitsToFloat(0x7F800001),
      Float.intBitsToFloat(0xFFFFFFFF),
      Float.intBitsToFloat(0x80000001)
    };
    java.util.Random random = new java.util.Random(5);
    int n = special.length * special.length + 10_000;
    float[] z = new float[n];
    float[] d = new float[n];
    int k = 0;
    for (float zs : special) {
      for (float ds : special) {
        z[k] = zs;
        d[k++] = ds;
      }
    }
    for (; k < n; k++) {
      z[k] = Float.intBitsToFloat(random.nextInt()); // every bit pattern is a float
      d[k] = Float.intBitsToFloat(random.nextInt());
    }
    float[] out = d.clone();
    Activation.RELU.backward(z, new float[n], out, n);
    for (int i = 0; i < n; i++) {
      float expected = z[i] > 0f ? d[i] : 0f;
      assertThat(Float.floatToRawIntBits(out[i]))
          .as(
              "z bits %08x, d bits %08x",
              Float.floatToRawIntBits(z[i]), Float.floatToRawIntBits(d[i]))
          .isEqualTo(Float.floatToRawIntBits(expected));
    }
  }

  @Test
  void sigmoid_extremeInputs_staysFiniteAndSaturates() {
    float[] z = {-1000f, -100f, 100f, 1000f};
    float[] a = new float[4];
    Activation.SIGMOID.forward(z, a, 4);
    assertThat(a[0]).isZero();
    assertThat(a[1]).isBetween(0f, 1e-40f);
    assertThat(a[2]).isEqualTo(1f);
    assertThat(a[3]).isEqualTo(1f);
  }

  @Test
  void gelu_knownValues_matchErfFormToFloatPrecision() {
    // torch.nn.functional.gelu (exact) in float64 at these points
    float[] z = {-6f, -3f, -1f, -0.5f, 0f, 0.5f, 1f, 3f};
    double[] expected = {
      -5.919525869479969e-09,
      -0.00404969409489031,
      -0.15865525393145702,
      -0.15426876936299344,
      0.0,
      0.34573123063700656,
      0.841344746068543,
      2.99595030590511
    };
    float[] a = new float[z.length];
    Activation.GELU.forward(z, a, z.length);
    for (int i = 0; i < z.length; i++) {
      assertThat((double) a[i])
          .as("gelu(%s)", z[i])
          .isCloseTo(expected[i], within(Math.abs(expected[i]) * 2e-7 + 1e-12));
    }
  }

  @Test
  void erfc_tails_haveFullRelativeAccuracy() {
    // reference values from Python's math.erfc
    assertThat(Erf.erfc(5.0)).isCloseTo(1.5374597944280351e-12, within(1e-24));
    assertThat(Erf.erfc(-1.0)).isCloseTo(1.842700792949715, within(1e-14));
    assertThat(Erf.erfc(0.5)).isCloseTo(0.4795001221869535, within(1e-14));
  }
}
