package io.streamprop.nn;

import java.util.function.DoubleSupplier;

/**
 * Central-difference gradient checking in the style of DL4J's GradientCheckUtil: for each element
 * x_i of a parameter, numeric = (f(x_i + ε) - f(x_i - ε)) / (x_i⁺ - x_i⁻), compared with the
 * analytic gradient by the relative error |a - n| / (|a| + |n|), except where both are below an
 * absolute floor (there the relative error of two tiny numbers means nothing). The step uses the
 * float values actually stored, so rounding of x ± ε does not bias the quotient.
 *
 * <p>The engine computes in float; with ε around 1e-2 the truncation error of a smooth function
 * (ε²·f''') and the rounding error (~1e-7·|f|/ε) both stay near 1e-4, so a relative tolerance of a
 * few 1e-3 separates a correct backward pass from a wrong one (a missing term or a sign error gives
 * errors of order 1). Avoid ReLU kinks: use smooth activations for whole networks.
 */
public final class GradientChecker {
  private final double epsilon;
  private final double maxRelativeError;
  private final double absoluteFloor;

  public GradientChecker(double epsilon, double maxRelativeError, double absoluteFloor) {
    this.epsilon = epsilon;
    this.maxRelativeError = maxRelativeError;
    this.absoluteFloor = absoluteFloor;
  }

  /** ε = 1e-2, relative error ≤ 5e-3, floor 1e-4: the defaults for float networks. */
  public static GradientChecker standard() {
    return new GradientChecker(1e-2, 5e-3, 1e-4);
  }

  /**
   * Checks every element of {@code param} against {@code analytic}.
   *
   * @param name the parameter's name, for the failure message
   * @param param the live array the objective reads; restored after each probe
   * @param analytic ∂objective/∂param as computed by the backward pass (a copy)
   * @param objective recomputes the scalar objective from the current parameter values
   * @throws AssertionError naming the parameter and index, printing both gradients
   */
  public void check(String name, float[] param, float[] analytic, DoubleSupplier objective) {
    if (param.length != analytic.length) {
      throw new AssertionError(
          name + ": " + param.length + " parameters but " + analytic.length + " gradients");
    }
    for (int i = 0; i < param.length; i++) {
      float original = param[i];
      float plus = (float) (original + epsilon);
      float minus = (float) (original - epsilon);
      param[i] = plus;
      double fPlus = objective.getAsDouble();
      param[i] = minus;
      double fMinus = objective.getAsDouble();
      param[i] = original;
      double numeric = (fPlus - fMinus) / ((double) plus - minus);
      double a = analytic[i];
      double diff = Math.abs(a - numeric);
      if (diff <= absoluteFloor) {
        continue;
      }
      double relative = diff / (Math.abs(a) + Math.abs(numeric));
      if (!(relative <= maxRelativeError)) {
        throw new AssertionError(
            String.format(
                "%s[%d]: analytic %.8g vs numeric %.8g (relative error %.3g > %.3g)",
                name, i, a, numeric, relative, maxRelativeError));
      }
    }
  }
}
