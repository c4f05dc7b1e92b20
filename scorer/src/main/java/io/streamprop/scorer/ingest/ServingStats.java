package io.streamprop.scorer.ingest;

import io.streamprop.learn.Ewma;
import io.streamprop.spec.ModelSpec;

/**
 * The serving loss of one model and of a constant baseline, over the labeled examples the scorer
 * reads, as exponentially weighted averages ({@link Ewma}).
 *
 * <p>Classification: the loss is the cross-entropy {@code -ln p[label]} of the served model's
 * probabilities (clamped at {@link #MIN_PROBABILITY} so one confident mistake cannot make it
 * infinite), and the accuracy is the share of examples whose most probable class is the label. The
 * baseline predicts the running class prior with add-one smoothing, {@code (count[k] + 1) / (n +
 * K)}, and its top class, from the labels seen before the example (test, then update).
 *
 * <p>Regression: the loss is the spec's loss ({@code mse}: mean over targets of {@code (y - ŷ)²};
 * {@code huber}: mean over targets of the Huber loss with the spec's delta, PyTorch's definitions),
 * and the MSE is reported too. The baseline predicts the running mean of the targets seen before
 * the example (zero before the first).
 *
 * <p>Single writer (the examples consumer thread); the averages are read by metric scrapes.
 */
final class ServingStats {
  static final double MIN_PROBABILITY = 1e-7;

  private final ModelSpec.Task task;
  private final ModelSpec.Loss loss;
  private final double huberDelta;
  private final int outputs;

  final Ewma servedLoss;
  final Ewma servedQuality;
  final Ewma baselineLoss;
  final Ewma baselineQuality;

  // Baseline state: class counts (classification) or running target means (regression).
  private final long[] classCounts;
  private final double[] targetMeans;
  private long seen;

  ServingStats(ModelSpec spec, double halfLife) {
    this.task = spec.task();
    this.loss = spec.loss();
    this.huberDelta = spec.huberDelta();
    this.outputs = spec.outputs();
    this.servedLoss = Ewma.withHalfLife(halfLife);
    this.servedQuality = Ewma.withHalfLife(halfLife);
    this.baselineLoss = Ewma.withHalfLife(halfLife);
    this.baselineQuality = Ewma.withHalfLife(halfLife);
    this.classCounts = task == ModelSpec.Task.CLASSIFICATION ? new long[outputs] : null;
    this.targetMeans = task == ModelSpec.Task.REGRESSION ? new double[outputs] : null;
  }

  /** True if these statistics can take examples of a model with this spec. */
  boolean fits(ModelSpec spec) {
    return spec.task() == task
        && spec.outputs() == outputs
        && spec.loss() == loss
        && spec.huberDelta() == huberDelta;
  }

  boolean classification() {
    return task == ModelSpec.Task.CLASSIFICATION;
  }

  /**
   * Scores one example.
   *
   * @param predicted the model's outputs, (outputs) starting at {@code offset}
   * @param label class index as a float, or the targets
   */
  void add(float[] predicted, int offset, float[] label) {
    if (classification()) {
      addClassification(predicted, offset, (int) label[0]);
    } else {
      addRegression(predicted, offset, label);
    }
    seen++;
  }

  private void addClassification(float[] probabilities, int offset, int label) {
    servedLoss.add(-Math.log(Math.max(probabilities[offset + label], MIN_PROBABILITY)));
    servedQuality.add(argmax(probabilities, offset) == label ? 1 : 0);

    double prior = (classCounts[label] + 1.0) / (seen + outputs);
    baselineLoss.add(-Math.log(prior));
    int majority = 0;
    for (int k = 1; k < outputs; k++) {
      if (classCounts[k] > classCounts[majority]) {
        majority = k;
      }
    }
    baselineQuality.add(majority == label ? 1 : 0);
    classCounts[label]++;
  }

  private void addRegression(float[] predicted, int offset, float[] targets) {
    double lossSum = 0;
    double squaredSum = 0;
    double baselineLossSum = 0;
    double baselineSquaredSum = 0;
    for (int t = 0; t < outputs; t++) {
      double error = targets[t] - (double) predicted[offset + t];
      double baselineError = targets[t] - targetMeans[t];
      squaredSum += error * error;
      baselineSquaredSum += baselineError * baselineError;
      lossSum += pointLoss(error);
      baselineLossSum += pointLoss(baselineError);
      // Welford's running mean, updated after the baseline predicted (test, then update).
      targetMeans[t] += (targets[t] - targetMeans[t]) / (seen + 1);
    }
    servedLoss.add(lossSum / outputs);
    servedQuality.add(squaredSum / outputs);
    baselineLoss.add(baselineLossSum / outputs);
    baselineQuality.add(baselineSquaredSum / outputs);
  }

  private double pointLoss(double error) {
    if (loss != ModelSpec.Loss.HUBER) {
      return error * error;
    }
    double abs = Math.abs(error);
    return abs <= huberDelta ? 0.5 * error * error : huberDelta * (abs - 0.5 * huberDelta);
  }

  private int argmax(float[] values, int offset) {
    int best = 0;
    for (int k = 1; k < outputs; k++) {
      if (values[offset + k] > values[offset + best]) {
        best = k;
      }
    }
    return best;
  }
}
