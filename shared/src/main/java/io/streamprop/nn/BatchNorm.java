package io.streamprop.nn;

import java.util.Arrays;

/**
 * Batch normalization over the batch dimension of a (B, features) array (Ioffe and Szegedy 2015,
 * "Batch Normalization: Accelerating Deep Network Training by Reducing Internal Covariate Shift"),
 * with PyTorch's {@code BatchNorm1d} conventions: eps 1e-5, momentum 0.1, the biased batch variance
 * to normalize, the unbiased one in the running variance.
 *
 * <p>Training: {@code xhat = (z - mean_B) / sqrt(var_B + eps)}, {@code u = gamma ⊙ xhat + beta}.
 * Inference: the same with the running mean and variance. Batch statistics are summed in double in
 * a fixed order. The running statistics move only when {@link #commitRunningStatistics} is called,
 * so a step that is later skipped (non-finite loss) leaves them untouched.
 */
public final class BatchNorm {
  public static final float EPS = 1e-5f;
  public static final float MOMENTUM = 0.1f;

  private final int features;
  private final float[] gamma; // (features), starts at 1
  private final float[] beta; // (features), starts at 0
  private final float[] runningMean; // (features), starts at 0
  private final float[] runningVar; // (features), starts at 1
  private final float[] dGamma;
  private final float[] dBeta;

  // Saved by forwardTraining for backward and commitRunningStatistics.
  private final float[] xhat; // (maxBatch, features)
  private final float[] batchMean; // (features)
  private final float[] batchVar; // (features), biased
  private final float[] invStd; // (features)
  private final double[] sum; // (features) scratch
  private final double[] sum2; // (features) scratch
  private int savedBatch;

  public BatchNorm(int features, int maxBatch) {
    this.features = features;
    this.gamma = new float[features];
    this.beta = new float[features];
    this.runningMean = new float[features];
    this.runningVar = new float[features];
    Arrays.fill(gamma, 1f);
    Arrays.fill(runningVar, 1f);
    this.dGamma = new float[features];
    this.dBeta = new float[features];
    this.xhat = new float[Math.multiplyExact(maxBatch, features)];
    this.batchMean = new float[features];
    this.batchVar = new float[features];
    this.invStd = new float[features];
    this.sum = new double[features];
    this.sum2 = new double[features];
  }

  public int features() {
    return features;
  }

  public float[] gamma() {
    return gamma;
  }

  public float[] beta() {
    return beta;
  }

  public float[] dGamma() {
    return dGamma;
  }

  public float[] dBeta() {
    return dBeta;
  }

  public float[] runningMean() {
    return runningMean;
  }

  public float[] runningVar() {
    return runningVar;
  }

  /** u (B, F) = gamma ⊙ (z - mean_B)/sqrt(var_B + eps) + beta; saves what backward needs. */
  public void forwardTraining(float[] z, float[] u, int batch) {
    if (batch < 2) {
      throw new IllegalArgumentException(
          "batch normalization needs at least 2 examples per batch, got " + batch);
    }
    final int f = features;
    Arrays.fill(sum, 0.0);
    Arrays.fill(sum2, 0.0);
    for (int b = 0; b < batch; b++) {
      for (int j = 0; j < f; j++) {
        sum[j] += z[b * f + j];
      }
    }
    for (int j = 0; j < f; j++) {
      batchMean[j] = (float) (sum[j] / batch);
    }
    // Two-pass variance: Σ (z - mean)², stable when |mean| >> std.
    for (int b = 0; b < batch; b++) {
      for (int j = 0; j < f; j++) {
        double c = z[b * f + j] - batchMean[j];
        sum2[j] += c * c;
      }
    }
    for (int j = 0; j < f; j++) {
      batchVar[j] = (float) (sum2[j] / batch);
      invStd[j] = (float) (1.0 / Math.sqrt(batchVar[j] + (double) EPS));
    }
    for (int b = 0; b < batch; b++) {
      final int row = b * f;
      for (int j = 0; j < f; j++) {
        float x = (z[row + j] - batchMean[j]) * invStd[j];
        xhat[row + j] = x;
        u[row + j] = gamma[j] * x + beta[j];
      }
    }
    savedBatch = batch;
  }

  /** u = gamma ⊙ (z - running_mean)/sqrt(running_var + eps) + beta. Reads only parameters. */
  public void forwardInference(float[] z, float[] u, int batch) {
    final int f = features;
    for (int b = 0; b < batch; b++) {
      final int row = b * f;
      for (int j = 0; j < f; j++) {
        float inv = (float) (1.0 / Math.sqrt(runningVar[j] + (double) EPS));
        u[row + j] = gamma[j] * ((z[row + j] - runningMean[j]) * inv) + beta[j];
      }
    }
  }

  /**
   * Backward pass of {@link #forwardTraining}, in place: on entry {@code d} holds ∂loss/∂u (B, F),
   * on return ∂loss/∂z. Accumulates dGamma and dBeta.
   */
  public void backward(float[] d, int batch) {
    final int f = features;
    // Per feature: Σ_b ∂loss/∂u and Σ_b ∂loss/∂u ⊙ xhat, reused for the parameter gradients.
    Arrays.fill(sum, 0.0);
    Arrays.fill(sum2, 0.0);
    for (int b = 0; b < batch; b++) {
      final int row = b * f;
      for (int j = 0; j < f; j++) {
        sum[j] += d[row + j];
        sum2[j] += d[row + j] * xhat[row + j];
      }
    }
    for (int j = 0; j < f; j++) {
      dBeta[j] += (float) sum[j]; // dBeta = Σ_b du
      dGamma[j] += (float) sum2[j]; // dGamma = Σ_b du ⊙ xhat
    }
    // dxhat = du ⊙ gamma; dz = invStd/B · (B·dxhat - Σ_b dxhat - xhat ⊙ Σ_b dxhat ⊙ xhat)
    // With dxhat = gamma·du the two sums are gamma·sum and gamma·sum2.
    for (int j = 0; j < f; j++) {
      sum[j] = sum[j] / batch;
      sum2[j] = sum2[j] / batch;
    }
    for (int b = 0; b < batch; b++) {
      final int row = b * f;
      for (int j = 0; j < f; j++) {
        d[row + j] =
            (float) (gamma[j] * invStd[j] * (d[row + j] - sum[j] - xhat[row + j] * sum2[j]));
      }
    }
  }

  /**
   * Moves the running statistics toward the last training batch's, like PyTorch: running =
   * (1-momentum)·running + momentum·batch, with the unbiased variance var_B·B/(B-1).
   */
  public void commitRunningStatistics() {
    final int batch = savedBatch;
    final float unbias = (float) batch / (batch - 1);
    for (int j = 0; j < features; j++) {
      runningMean[j] = (1f - MOMENTUM) * runningMean[j] + MOMENTUM * batchMean[j];
      runningVar[j] = (1f - MOMENTUM) * runningVar[j] + MOMENTUM * (batchVar[j] * unbias);
    }
  }

  public void zeroGradients() {
    Arrays.fill(dGamma, 0f);
    Arrays.fill(dBeta, 0f);
  }
}
