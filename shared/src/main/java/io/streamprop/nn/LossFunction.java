package io.streamprop.nn;

import io.streamprop.spec.ModelSpec;

/**
 * A loss on a batch of logits (the last dense layer's output, before any output function).
 *
 * <p>Convention: {@link #forward} returns the <em>mean</em> loss over the batch and, when asked,
 * writes {@code dLogits} = ∂(mean loss)/∂logits, so the 1/B factor lives here and nowhere else. For
 * the regression losses the mean also runs over the outputs (PyTorch's {@code reduction='mean'}),
 * so one example's loss is the mean over its targets. Labels: a class index as a float per example
 * (softmax cross-entropy), a 0/1 target per example (binary cross-entropy), or (B, outputs) targets
 * (MSE, Huber).
 */
public interface LossFunction {

  /**
   * @param logits (B, outputs)
   * @param labels (B) class indices or 0/1 targets, or (B, outputs) regression targets
   * @param dLogits receives ∂(mean loss)/∂logits (B, outputs), overwritten; null for the value only
   * @return the mean loss over the batch, in double
   */
  double forward(float[] logits, float[] labels, int batch, float[] dLogits);

  /**
   * The weighted mean loss Σᵢ wᵢ·lossᵢ / B and its ∂/∂logits: example i's gradient row is scaled by
   * wᵢ. The divisor is the batch size B, not Σ wᵢ (PyTorch's {@code CrossEntropyLoss(weight=...)}
   * with {@code reduction='mean'} divides by Σ wᵢ): an example's effect then does not depend on the
   * weights of its batch companions, a batch of weights 0 is no 0/0, and a weight w acts as w
   * copies of the example at the same learning rate (as scikit-learn's {@code sample_weight} in
   * {@code SGDClassifier}). An example of weight 0 adds exactly 0 to the loss and writes a row of
   * +0 to {@code dLogits}, whatever its logits (no 0·∞ = NaN). With every weight 1 the result is
   * bit for bit that of {@link #forward(float[], float[], int, float[])}.
   *
   * @param weights (B) per-example weights, finite and >= 0
   */
  double forward(float[] logits, float[] labels, float[] weights, int batch, float[] dLogits);

  /** The loss a spec names, for its output width. */
  static LossFunction of(ModelSpec spec) {
    int outputs = spec.outputWidth();
    return switch (spec.loss()) {
      case MSE -> new MeanSquaredError(outputs);
      case HUBER -> new Huber(outputs, spec.huberDelta());
      case BINARY_CROSS_ENTROPY -> new BinaryCrossEntropyWithLogits();
      case SOFTMAX_CROSS_ENTROPY -> new SoftmaxCrossEntropy(outputs);
    };
  }
}
