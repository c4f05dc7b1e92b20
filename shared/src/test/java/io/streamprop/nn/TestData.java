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

  /**
   * Names of an Mlp's parameter tensors, in its order, as the golden vectors (golden.py) and test
   * messages spell them: per dense layer l {@code dense.l.weight}, {@code dense.l.bias}, then with
   * batch norm {@code bn.l.gamma}, {@code bn.l.beta}.
   */
  public static String[] parameterNames(Mlp mlp) {
    java.util.List<String> names = new java.util.ArrayList<>();
    for (int l = 0; l < mlp.layers(); l++) {
      names.add("dense." + l + ".weight");
      names.add("dense." + l + ".bias");
      if (mlp.batchNorm(l) != null) {
        names.add("bn." + l + ".gamma");
        names.add("bn." + l + ".beta");
      }
    }
    return names.toArray(new String[0]);
  }
}
