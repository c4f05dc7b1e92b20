package io.streamprop.nn;

/**
 * The complementary error function in double precision, for the exact GELU. Java has no erf; this
 * one is accurate to about 1e-13 relative everywhere (far below float precision): the Taylor series
 * of erf for |x| <= 2 and the Laplace continued fraction of erfc beyond (Abramowitz and Stegun
 * 7.1.5 and 7.1.14), both with a fixed number of terms so that the result is deterministic.
 */
final class Erf {
  private static final double TWO_OVER_SQRT_PI = 1.1283791670955126;
  private static final double SQRT_PI = 1.7724538509055159;

  private Erf() {}

  /** erfc(x) = 1 - erf(x), with full relative accuracy in the tail (x large and positive). */
  static double erfc(double x) {
    double z = Math.abs(x);
    double tail;
    if (z <= 2.0) {
      // erf(z) = 2/sqrt(pi) * sum_n (-1)^n z^(2n+1) / (n! (2n+1)); 4^n/n! < 1e-17 by n = 40.
      double zz = z * z;
      double term = z;
      double sum = 0.0;
      for (int n = 0; n < 48; n++) {
        sum += term / (2 * n + 1);
        term = -term * zz / (n + 1);
      }
      tail = 1.0 - TWO_OVER_SQRT_PI * sum;
    } else {
      // erfc(z) = exp(-z^2) / (sqrt(pi) * (z + (1/2)/(z + 1/(z + (3/2)/(z + ...))))), from the
      // innermost term outwards.
      double f = z;
      for (int k = 60; k >= 1; k--) {
        f = z + (k * 0.5) / f;
      }
      tail = Math.exp(-z * z) / (SQRT_PI * f);
    }
    return x >= 0 ? tail : 2.0 - tail;
  }
}
