package io.streamprop.nn.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FloatExpTest {

  @Test
  void exp_withinOneUlpOfTheCorrectlyRoundedValue_overTheWholeRange() {
    // Every 61st float from -0 down to MIN (18M of them; all 1.1 billion measured once:
    // relative error at most 8.2e-8, 1 ulp). Results below the smallest normal float are
    // subnormal and hold fewer bits: those are held to 1 ulp only.
    int start = Float.floatToRawIntBits(-0f);
    int checked = 0;
    for (int bits = start; ; bits += 61) {
      float x = Float.intBitsToFloat(bits);
      if (x < FloatExp.MIN) {
        break;
      }
      double exact = Math.exp(x);
      float e = FloatExp.exp(x);
      int ulps = Math.abs(Float.floatToRawIntBits(e) - Float.floatToRawIntBits((float) exact));
      assertThat(ulps).as("ulps at x = %s", x).isLessThanOrEqualTo(1);
      if (exact >= Float.MIN_NORMAL) {
        assertThat(Math.abs(e - exact) / exact).as("relative error at x = %s", x).isLessThan(1e-7);
      }
      checked++;
    }
    assertThat(checked).isGreaterThan(18_000_000);
  }

  @Test
  void exp_edges() {
    assertThat(FloatExp.exp(0f)).isEqualTo(1f); // the row maximum's term: the sum is never below 1
    assertThat(FloatExp.exp(-0f)).isEqualTo(1f);
    assertThat(FloatExp.exp(FloatExp.MIN)).isPositive();
    assertThat(FloatExp.exp(Math.nextDown(FloatExp.MIN))).isZero();
    assertThat(FloatExp.exp(-1e30f)).isZero();
    assertThat(FloatExp.exp(Float.NEGATIVE_INFINITY)).isZero();
    assertThat(FloatExp.exp(Float.NaN)).isNaN();
  }

  @Test
  void exp_vectorKernel_sameBitsAsScalar() {
    // Calls the vector kernel directly, so it runs whenever the module is there, also in the
    // scalar-kernels execution (where Softmax.forward itself takes the scalar path).
    assumeTrue(
        ModuleLayer.boot().findModule(Kernels.VECTOR_MODULE).isPresent(),
        "this JVM runs without --add-modules jdk.incubator.vector");
    SplittableRandom random = new SplittableRandom(11);
    float[] x = new float[100_003]; // a tail that does not fill a vector
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (-Math.abs(random.nextGaussian()) * Math.pow(10, random.nextInt(-6, 3)));
    }
    float[] specials = {
      Float.NaN,
      Float.NEGATIVE_INFINITY,
      -0f,
      0f,
      -1e30f,
      FloatExp.MIN,
      Math.nextDown(FloatExp.MIN),
      -Float.MIN_VALUE,
      -87f,
      -0.34657359f
    };
    System.arraycopy(specials, 0, x, 0, specials.length);
    System.arraycopy(specials, 0, x, x.length - specials.length, specials.length);
    float[] vector = x.clone();
    VectorExp.exp(vector, vector.length);
    for (int i = 0; i < x.length; i++) {
      int expected = Float.floatToIntBits(FloatExp.exp(x[i]));
      assertThat(Float.floatToIntBits(vector[i])).as("exp(%s) at %d", x[i], i).isEqualTo(expected);
    }
  }
}
