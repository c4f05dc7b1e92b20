package io.streamprop.nn;

import java.util.Random;

/** Seeded random arrays for tests. */
public final class TestData {
  private TestData() {}

  /** n values drawn uniformly from [lo, hi) with {@code new Random(seed)}. */
  public static float[] uniform(int n, double lo, double hi, long seed) {
    Random random = new Random(seed);
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = (float) (lo + (hi - lo) * random.nextDouble());
    }
    return values;
  }

  /** Σ_i c_i · y_i in double: a scalar objective whose gradient with respect to y is c. */
  public static double dot(float[] c, float[] y, int n) {
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += (double) c[i] * y[i];
    }
    return sum;
  }
}
