package io.streamprop.learn;

import io.streamprop.learn.state.DenseState;
import io.streamprop.nn.BatchNorm;
import io.streamprop.nn.LossFunction;
import io.streamprop.nn.Mlp;
import io.streamprop.spec.ModelSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * An exponential moving average of one learner's dense weights and biases, and its prequential
 * score: the averaged network predicts each mini-batch of the learner before the learner steps on
 * it, then follows the learner's new weights. Not thread-safe; it belongs to one learner at a time
 * ({@link OnlineLearner#average}).
 *
 * <p>Averaged iterates of a noisy optimizer generalize better than its last iterate (Ruppert 1988;
 * Polyak and Juditsky 1992; Adam's "temporal averaging", Kingma and Ba 2015 §7.2; Izmailov et al.
 * 2018). In a stream that changes, an exponential average fits, not a uniform one: after every
 * {@value #FOLD_EVERY}th optimizer step of the learner (by its step count, which survives
 * restarts), on mini-batches of b examples, for every dense weight and bias w,
 *
 * <pre>
 * avg += (1 - decay) · (w - avg),   decay = min(e^(-4b / window), (1 + t) / (3 + t))
 * </pre>
 *
 * where t counts the average's earlier updates (folds): a debiased start as TensorFlow's {@code
 * ExponentialMovingAverage(num_updates)} (which ramps with (1 + t) / (10 + t)), here the
 * polynomial-decay average of Shamir and Zhang 2013 (η = 1, weights growing linearly with the
 * step), so a young average forgets the random start but keeps far more than its last steps.
 * Measured against TensorFlow's 10 in {@code docs/learning-quality.md}. Folding every fourth step
 * rather than every step averages the same window at a quarter of the cost: a fold re-prepares the
 * averaged network for prediction, which costs about what its forward pass does.
 *
 * <p>Only the dense layers are averaged. Batch-norm scale, shift and running statistics, the
 * normalizers and (raw features) the embedding tables are the learner's: averaging whole embedding
 * tables on every step would cost their size per step. The score uses the learner's standardized
 * batch, so its embedding means are the learner's from before the step.
 *
 * <p>Score, in order, inside the learner's step: the averaged network's inference-mode logits of
 * the standardized batch; in the user's units with the target statistics from before the batch; the
 * unweighted mean loss, correct classes and squared error, as the learner scores itself.
 */
public final class WeightAverage {
  /** The learner's steps between two folds of its weights into the average. */
  static final int FOLD_EVERY = 4;

  private final double windowExamples;
  private final Mlp network; // (inference) its dense parameters are the averages
  private final LossFunction loss;
  private long updates;
  private int scoredExamples; // of the last scored mini-batch; 0 before the first
  private double lossSum;
  private int correct;
  private double squaredError;

  private WeightAverage(ModelSpec spec, double windowExamples, long updates) {
    if (!(windowExamples >= 1 && Double.isFinite(windowExamples))) {
      throw new IllegalArgumentException("average window must be >= 1, got " + windowExamples);
    }
    if (updates < 0) {
      throw new IllegalArgumentException("average updates must be >= 0, got " + updates);
    }
    this.windowExamples = windowExamples;
    this.network = Mlp.forInference(spec);
    this.loss = LossFunction.of(spec);
    this.updates = updates;
  }

  /** A new average of the learner's current weights, over about {@code windowExamples} examples. */
  public static WeightAverage start(OnlineLearner learner, double windowExamples) {
    WeightAverage average = new WeightAverage(learner.spec(), windowExamples, 0);
    float[][] from = learner.mlp().parameters();
    float[][] to = average.network.parameters();
    for (int l = 0; l < average.network.layers(); l++) {
      int w = average.network.weightIndex(l);
      System.arraycopy(from[w], 0, to[w], 0, to[w].length);
      System.arraycopy(from[w + 1], 0, to[w + 1], 0, to[w + 1].length);
    }
    average.network.syncWeights();
    return average;
  }

  /**
   * An average resumed from its dense layers (input side first) and update count, for a learner of
   * the spec's shape.
   *
   * @throws IllegalArgumentException if the layers do not have the spec's shape
   */
  public static WeightAverage restore(
      ModelSpec spec, List<DenseState> layers, long updates, double windowExamples) {
    WeightAverage average = new WeightAverage(spec, windowExamples, updates);
    Mlp net = average.network;
    if (layers.size() != net.layers()) {
      throw new IllegalArgumentException(
          "average has " + layers.size() + " layers, the spec's network " + net.layers());
    }
    float[][] to = net.parameters();
    for (int l = 0; l < net.layers(); l++) {
      int w = net.weightIndex(l);
      copy("average layer " + l + " weight", layers.get(l).weight(), to[w]);
      copy("average layer " + l + " bias", layers.get(l).bias(), to[w + 1]);
    }
    net.syncWeights();
    return average;
  }

  /** A deep copy of this average for a learner of the spec's (same) shape. */
  public WeightAverage copy(ModelSpec spec) {
    return restore(spec, layers(), updates, windowExamples);
  }

  /** Copies of the averaged dense layers, input side first. */
  public List<DenseState> layers() {
    float[][] p = network.parameters();
    List<DenseState> out = new ArrayList<>(network.layers());
    for (int l = 0; l < network.layers(); l++) {
      int w = network.weightIndex(l);
      out.add(new DenseState(p[w].clone(), p[w + 1].clone()));
    }
    return out;
  }

  /** Folds of the learner's weights into the average since it started (one per 4 steps). */
  public long updates() {
    return updates;
  }

  public double windowExamples() {
    return windowExamples;
  }

  /**
   * The member's step result with the average's score of the same mini-batch (examples, loss,
   * correct, squared error) in place of the member's; the rest (learning rate, skipped, layer
   * diagnostics) is the member's step.
   */
  public StepResult scored(StepResult memberStep) {
    if (scoredExamples != memberStep.examples()) {
      throw new IllegalStateException(
          "the average scored " + scoredExamples + " examples, the step " + memberStep.examples());
    }
    return new StepResult(
        scoredExamples,
        lossSum,
        correct,
        squaredError,
        memberStep.skipped(),
        memberStep.learningRate(),
        memberStep.layers());
  }

  /**
   * Scores the learner's mini-batch of b standardized rows (its embedding columns filled) before
   * the learner's step.
   *
   * @param input (b, inputs) standardized
   * @param labels (b, labelWidth) in the user's units
   */
  void score(OnlineLearner learner, float[] input, float[] labels, int b) {
    Mlp own = learner.mlp();
    for (int l = 0; l < network.layers(); l++) {
      BatchNorm from = own.batchNorm(l);
      if (from != null) {
        BatchNorm to = network.batchNorm(l);
        System.arraycopy(from.gamma(), 0, to.gamma(), 0, to.gamma().length);
        System.arraycopy(from.beta(), 0, to.beta(), 0, to.beta().length);
        System.arraycopy(from.runningMean(), 0, to.runningMean(), 0, to.runningMean().length);
        System.arraycopy(from.runningVar(), 0, to.runningVar(), 0, to.runningVar().length);
      }
    }
    float[] logits = network.predictLogits(input, b); // (b, outputWidth)
    float[] outputs = learner.standardization().toUserUnits(logits, b);
    lossSum = loss.forward(outputs, labels, b, null) * b;
    correct = learner.countCorrect(logits, labels, b);
    squaredError = learner.squaredError(outputs, labels, b);
    scoredExamples = b;
  }

  /**
   * After the learner's optimizer step number {@code step} on b examples, folds its weights into
   * the average if the step is a {@value #FOLD_EVERY}th one.
   */
  void update(Mlp learner, int b, long step) {
    if (step % FOLD_EVERY != 0) {
      return;
    }
    // StrictMath: the same bits on every JVM.
    double beta = StrictMath.exp(-(double) FOLD_EVERY * b / windowExamples);
    double ramp = (1.0 + updates) / (3.0 + updates);
    float rate = (float) (1 - Math.min(beta, ramp)); // 1 - decay
    float[][] from = learner.parameters();
    float[][] avg = network.parameters();
    for (int l = 0; l < network.layers(); l++) {
      int w = network.weightIndex(l);
      follow(avg[w], from[w], rate);
      follow(avg[w + 1], from[w + 1], rate);
    }
    network.syncWeights();
    updates++;
  }

  /** avg += rate · (w - avg), elementwise. */
  private static void follow(float[] avg, float[] w, float rate) {
    for (int i = 0; i < avg.length; i++) {
      avg[i] += rate * (w[i] - avg[i]);
    }
  }

  private static void copy(String what, float[] from, float[] to) {
    MiniBatch.requireLength(what, from, to.length);
    System.arraycopy(from, 0, to, 0, to.length);
  }
}
