package io.streamprop.cli;

import io.streamprop.learn.StepResult;
import io.streamprop.spec.ModelSpec;

/**
 * Running prequential figures over the steps of one pass: each {@link StepResult} scores a
 * mini-batch under the weights from before its update, so these sums measure the model on data it
 * had not yet learned from ("test, then train").
 *
 * <p>MSE is the mean over examples and targets of the squared error (PyTorch's and scikit-learn's
 * default reduction); loss is the mean per-example loss of the spec's loss function.
 */
final class Tally {
  private final ModelSpec spec;
  private long examples;
  private long steps;
  private long skippedSteps;
  private double lossSum;
  private long correct;
  private double squaredErrorSum;

  Tally(ModelSpec spec) {
    this.spec = spec;
  }

  void add(StepResult step) {
    examples += step.examples();
    steps++;
    if (step.skipped()) {
      skippedSteps++;
    }
    lossSum += step.lossSum();
    correct += step.correct();
    squaredErrorSum += step.squaredErrorSum();
  }

  boolean classification() {
    return spec.task() == ModelSpec.Task.CLASSIFICATION;
  }

  /** Examples scored (in complete mini-batches). */
  long examples() {
    return examples;
  }

  long steps() {
    return steps;
  }

  long skippedSteps() {
    return skippedSteps;
  }

  double meanLoss() {
    return lossSum / examples;
  }

  double accuracy() {
    return (double) correct / examples;
  }

  double mse() {
    return squaredErrorSum / ((double) examples * spec.outputs());
  }

  /** Accuracy (classification) or MSE (regression): the figure a user looks at first. */
  String headline() {
    if (examples == 0) {
      return "no complete mini-batch yet";
    }
    return classification()
        ? String.format("accuracy %.4f  loss %.4f", accuracy(), meanLoss())
        : String.format("mse %.6g  loss %.6g", mse(), meanLoss());
  }
}
