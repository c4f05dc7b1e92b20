package io.streamprop.learn;

import io.streamprop.learn.state.ClassCounts;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.ModelSpec.ClassWeightMode;
import java.util.Arrays;

/**
 * The weight of each example of a mini-batch in the loss: its own weight (the record's {@code
 * weight}, 1 by default) times its class's weight (the spec's {@code class_weight}). The loss is
 * then Σᵢ ωᵢ·lossᵢ / B ({@link io.streamprop.nn.LossFunction}, which documents the divisor).
 *
 * <p>Balanced class weights come from the running class prior, counted over every example the
 * learner accepted (the mini-batch being learned included, as the input statistics include it):
 *
 * <pre>
 *   ω_c = (n + C) / (C · (n_c + 1))      n_c examples of class c so far, n = Σ n_c, C classes
 * </pre>
 *
 * which is scikit-learn's {@code compute_class_weight('balanced')}, n / (C · n_c), on the labels
 * seen so far plus one example of every class: the +1 keeps a class not seen yet finite (it weighs
 * most), and every class weighs 1 before the first example. The counts are part of the model state
 * ({@link ClassCounts}).
 */
final class LossWeights {
  private final ClassWeightMode mode;
  private final int classes;
  private final double[] explicit; // (classes), explicit class weights; null otherwise
  private final double[] counts; // (classes), balanced class weights; null otherwise
  private double seen; // Σ counts
  private final float[] weights; // (batchSize) scratch: ωᵢ of the batch being learned

  LossWeights(ModelSpec spec) {
    this.mode = spec.classWeight().mode();
    this.classes = spec.outputs();
    this.explicit =
        mode == ClassWeightMode.EXPLICIT
            ? spec.classWeight().weights().stream().mapToDouble(Double::doubleValue).toArray()
            : null;
    this.counts = mode == ClassWeightMode.BALANCED ? new double[classes] : null;
    this.weights = new float[spec.batchSize()];
  }

  /** Counts an accepted example's class (balanced class weights only). */
  void observe(float[] label) {
    if (counts != null) {
      counts[(int) label[0]]++;
      seen++;
    }
  }

  /** The weight of class {@code c} now: 1, explicit, or balanced from the counts. */
  double classWeight(int c) {
    return switch (mode) {
      case NONE -> 1.0;
      case EXPLICIT -> explicit[c];
      case BALANCED -> (seen + classes) / (classes * (counts[c] + 1.0));
    };
  }

  /**
   * ωᵢ = exampleWeightᵢ · classWeight(yᵢ) for the batch, rounded to float32; null when every ωᵢ is
   * 1, so the loss takes its unweighted path and the model is bit for bit the unweighted one.
   *
   * @param labels (b, labelWidth) the batch's labels (class indices for classification)
   * @param exampleWeights (b) the examples' own weights, or null when all are 1
   */
  float[] forBatch(float[] labels, float[] exampleWeights, int b) {
    if (mode == ClassWeightMode.NONE && exampleWeights == null) {
      return null;
    }
    boolean allOnes = true;
    for (int i = 0; i < b; i++) {
      double w = exampleWeights == null ? 1.0 : exampleWeights[i];
      if (mode != ClassWeightMode.NONE) {
        w *= classWeight((int) labels[i]);
      }
      weights[i] = (float) w;
      allOnes &= weights[i] == 1f;
    }
    return allOnes ? null : weights;
  }

  /** A copy of the class counts (balanced class weights), else null. */
  ClassCounts state() {
    return counts == null ? null : new ClassCounts(counts.clone());
  }

  /**
   * Resumes the class counts. A state without them under a balanced spec (a spec changed in place
   * from another class weight) starts counting from zero; counts under another spec are ignored.
   *
   * @throws IllegalArgumentException if the counts do not have one whole number >= 0 per class
   */
  void restore(ClassCounts state) {
    if (counts == null) {
      return;
    }
    Arrays.fill(counts, 0.0);
    seen = 0;
    if (state == null) {
      return;
    }
    double[] c = state.counts();
    if (c.length != classes) {
      throw new IllegalArgumentException(
          "class counts: expected " + classes + " values, got " + c.length);
    }
    for (int k = 0; k < classes; k++) {
      if (!(c[k] >= 0) || c[k] != Math.rint(c[k]) || c[k] > 0x1p53) {
        throw new IllegalArgumentException(
            "class counts[" + k + "] must be a whole number >= 0, got " + c[k]);
      }
      counts[k] = c[k];
      seen += c[k];
    }
  }
}
