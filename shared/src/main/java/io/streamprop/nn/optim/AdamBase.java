package io.streamprop.nn.optim;

import io.streamprop.nn.kernel.Kernels;
import io.streamprop.nn.kernel.RowKernel;
import io.streamprop.spec.ModelSpec;

/**
 * The bias-corrected moment estimates shared by {@link Adam} and {@link AdamW}, written as PyTorch
 * 1.13's single-tensor {@code _single_tensor_adam} writes them, with both kinds of weight decay
 * available (the subclass picks one):
 *
 * <pre>
 *   param *= 1 − lr · decoupled_decay                     (AdamW only)
 *   g = dParam + coupled_decay · param                    (Adam only)
 *   m = β1 · m + (1 − β1) · g
 *   v = β2 · v + (1 − β2) · g²
 *   param -= (lr / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + ε)
 * </pre>
 *
 * <p>The bias corrections and the step size are computed in double from the 1-based step t, then
 * rounded once to float, as PyTorch computes them in Python floats. State slots: {@code m} (the
 * first moment, PyTorch's {@code exp_avg}) and {@code v} (the second, {@code exp_avg_sq}).
 *
 * <p>Embedding tables ({@link #updateRows}) take PyTorch's {@code torch.optim.SparseAdam} step on
 * their touched rows instead, for both Adam and AdamW (no weight decay on tables):
 *
 * <pre>
 *   m += (1 − β1) · (g − m)
 *   v += (1 − β2) · (g² − v)
 *   param -= (lr · √(1 − β2ᵗ) / (1 − β1ᵗ)) · (m / (√v + ε))
 * </pre>
 *
 * <p>with t the global step: untouched rows keep m, v and their weights (lazy). ε sits beside √v
 * rather than beside √v̂ as in the dense rule, as SparseAdam puts it.
 *
 * <p>Moments that fall below the smallest normal float are flushed to zero every 16th step ({@link
 * SlottedOptimizer}).
 */
abstract class AdamBase extends SlottedOptimizer {
  private static final int M = 0;
  private static final int V = 1;
  private final double beta1;
  private final double beta2;
  private final float beta1f;
  private final float beta2f;
  private final float oneMinusBeta1;
  private final float oneMinusBeta2;
  private final float epsilon;
  private final float coupledDecay;
  private final double decoupledDecay;
  private final RowKernel rowKernel = Kernels.rows(); // null: the loop of updateRows

  AdamBase(
      ModelSpec.OptimizerSpec spec, int[] paramSizes, boolean decoupled, String optimizerName) {
    super(paramSizes, "m", "v");
    HyperParameters.learningRate(spec);
    this.beta1 =
        HyperParameters.decayFactor(
            "optimizer.beta1", spec.beta1(), "beta1 (" + optimizerName + " first-moment decay)");
    this.beta2 =
        HyperParameters.decayFactor(
            "optimizer.beta2", spec.beta2(), "beta2 (" + optimizerName + " second-moment decay)");
    this.beta1f = (float) beta1;
    this.beta2f = (float) beta2;
    this.oneMinusBeta1 = (float) (1 - beta1);
    this.oneMinusBeta2 = (float) (1 - beta2);
    this.epsilon = (float) HyperParameters.epsilon(spec);
    double wd = HyperParameters.weightDecay(spec);
    this.coupledDecay = decoupled ? 0f : (float) wd;
    this.decoupledDecay = decoupled ? wd : 0;
  }

  // This step's constants, from beginStep: the same for every tensor of the step.
  private float negStepSize;
  private float biasCorrection2Sqrt;
  private float negSparseStepSize; // −lr · √(1 − β2ᵗ) / (1 − β1ᵗ), SparseAdam's step size

  @Override
  final void beginStep(float learningRate) {
    long t = steps();
    double biasCorrection1 = 1 - Math.pow(beta1, t);
    double biasCorrection2 = 1 - Math.pow(beta2, t);
    negStepSize = (float) -(learningRate / biasCorrection1);
    biasCorrection2Sqrt = (float) Math.sqrt(biasCorrection2);
    negSparseStepSize = (float) -(learningRate * Math.sqrt(biasCorrection2) / biasCorrection1);
  }

  /**
   * SparseAdam on the touched rows (see the class comment), with its association: {@code m + (1 −
   * β1)·(g − m)}, then the step size times the quotient {@code m / (√v + ε)}.
   */
  @Override
  final void updateRows(
      int index, float[] param, float[] grad, TouchedRows rows, float learningRate) {
    float[] m = slot(M, index);
    float[] v = slot(V, index);
    final float negStep = negSparseStepSize;
    final int width = rows.width();
    if (rowKernel != null
        && rowKernel.sparseAdam(
            param,
            grad,
            m,
            v,
            rows.list(),
            rows.count(),
            width,
            oneMinusBeta1,
            oneMinusBeta2,
            epsilon,
            negStep)) {
      return; // the same arithmetic, a row's floats together (io.streamprop.nn.kernel)
    }
    for (int k = 0; k < rows.count(); k++) {
      int start = rows.row(k) * width;
      for (int i = start; i < start + width; i++) {
        float g = grad[i];
        m[i] = m[i] + oneMinusBeta1 * (g - m[i]);
        v[i] = v[i] + oneMinusBeta2 * (g * g - v[i]);
        float denom = (float) Math.sqrt(v[i]) + epsilon;
        param[i] += negStep * (m[i] / denom);
      }
    }
  }

  @Override
  final void update(int index, float[] param, float[] grad, boolean decay, float learningRate) {
    float[] m = slot(M, index);
    float[] v = slot(V, index);
    final float negStepSize = this.negStepSize;
    final float biasCorrection2Sqrt = this.biasCorrection2Sqrt;

    if (decay && decoupledDecay != 0) {
      // AdamW: shrink the weights before the Adam step, p -= lr · wd · p.
      float shrink = (float) (1 - learningRate * decoupledDecay);
      for (int i = 0; i < param.length; i++) {
        param[i] *= shrink;
      }
    }
    float wd = decay ? coupledDecay : 0f;
    if (wd == 0f && biasCorrection2Sqrt == 1f) {
      // The same arithmetic once √(1 − β2ᵗ) has rounded to 1f (β2 0.999: from t ≈ 16,600 on, so in
      // nearly every step of a long-running model): x / 1f is exactly x, so leaving out that
      // division changes no bit and saves one of the loop's three slow operations.
      for (int i = 0; i < param.length; i++) {
        float g = grad[i];
        m[i] = m[i] * beta1f + oneMinusBeta1 * g;
        v[i] = v[i] * beta2f + oneMinusBeta2 * g * g;
        float denom = (float) Math.sqrt(v[i]) + epsilon;
        param[i] += negStepSize * m[i] / denom;
      }
      return;
    }
    if (wd == 0f) {
      // The same arithmetic as below with g = dParam; a loop of its own so that it vectorizes.
      for (int i = 0; i < param.length; i++) {
        float g = grad[i];
        m[i] = m[i] * beta1f + oneMinusBeta1 * g;
        v[i] = v[i] * beta2f + oneMinusBeta2 * g * g;
        float denom = (float) Math.sqrt(v[i]) / biasCorrection2Sqrt + epsilon;
        param[i] += negStepSize * m[i] / denom;
      }
      return;
    }
    for (int i = 0; i < param.length; i++) {
      float g = grad[i] + wd * param[i];
      m[i] = m[i] * beta1f + oneMinusBeta1 * g;
      v[i] = v[i] * beta2f + oneMinusBeta2 * g * g;
      float denom = (float) Math.sqrt(v[i]) / biasCorrection2Sqrt + epsilon;
      param[i] += negStepSize * m[i] / denom;
    }
  }
}
