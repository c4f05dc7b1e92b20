package io.streamprop.learn;

import io.streamprop.features.FeaturizedBatch;
import io.streamprop.learn.state.Counters;
import io.streamprop.learn.state.ModelState;
import io.streamprop.nn.LossFunction;
import io.streamprop.nn.Mlp;
import io.streamprop.nn.SplitMix64;
import io.streamprop.nn.optim.GradientClipping;
import io.streamprop.nn.optim.LearningRateSchedule;
import io.streamprop.nn.optim.Optimizer;
import io.streamprop.nn.optim.Optimizers;
import io.streamprop.spec.ModelSpec;
import io.streamprop.wire.Example;

/**
 * One model that learns online: examples arrive one at a time, are standardized, collected into a
 * mini-batch, and each full mini-batch is first scored (prequential loss and accuracy) and then
 * learned from (forward, loss, backward, optimizer step). Not thread-safe: one model, one thread.
 *
 * <p>This is the one code path shared by the offline command line, the trainer and the tests. It
 * holds the loop; its parts live beside it: the pending examples ({@link MiniBatch}), the
 * standardization of inputs and targets ({@link Standardization}), the gradient norms that clipping
 * and skipping read ({@link GradientNorms}), the per-layer weight diagnostics, taken on every
 * {@value WeightUpdates#MEASURE_EVERY}th optimizer step ({@link WeightUpdates}), and the typed
 * state out and back ({@link LearnerStates}).
 *
 * <p>One step, in order (see {@code docs/engine.md}):
 *
 * <ol>
 *   <li>standardize the pending batch with the normalizer (whose statistics already include every
 *       example of the batch: they are updated in {@link #learn} when an example is accepted);
 *   <li>score: the loss and accuracy of the batch under the current weights. Without batch norm and
 *       dropout the training forward below is the inference forward, so it is reused; with either,
 *       a separate inference-mode forward scores the batch first, exactly as the predictor would.
 *       With standardized targets the outputs are first mapped back to the user's units with the
 *       target statistics from <em>before</em> this batch (exactly what a predictor of the model
 *       before the step does), so the batch's own labels cannot leak into its score. A finite mean
 *       loss joins the running {@link #prequentialLoss()};
 *   <li>standardized targets only: add the batch's labels to the target statistics (row order),
 *       then standardize the labels with them (statistics that include the batch, as for inputs);
 *   <li>training forward, loss and ∂loss/∂logits, backward; the loss is weighted (Σᵢ ωᵢ·lossᵢ / B,
 *       ωᵢ the example's weight times its class weight, see {@link LossWeights}) unless every ωᵢ is
 *       1, and the prequential loss of the step before is always unweighted;
 *   <li>if the training loss or any gradient is not finite: skip (weights, optimizer and batch-norm
 *       running statistics untouched), count it;
 *   <li>else clip by global norm, learning rate from the schedule for step t = steps + 1, optimizer
 *       step, batch-norm running statistics update.
 * </ol>
 *
 * <p>A spec with raw features ({@link ModelSpec#features()}) learns from featurized examples
 * ({@link #learn(float[], int[][], float[], float)}): the dense part is standardized by {@link
 * MissingAwareNormalizer} (numeric columns only, missing values imputed), each embedding table
 * ({@link RawInputs}) writes its bags' means into its input columns, and after the network's
 * backward pass each table's backward reads ∂loss/∂input; clipping measures the tables' touched
 * rows with the network's gradients, and the optimizer updates the touched rows lazily.
 *
 * <p>Regression targets are standardized when the spec's {@code standardize} is true: the network
 * learns {@code (y - mean) / std} and {@link Predictor} maps its outputs back. The loss and squared
 * error in {@link StepResult} are always in the user's units (see {@code docs/engine.md}).
 */
public final class OnlineLearner {
  private final ModelSpec spec;
  private final int batchSize;
  private final Mlp mlp;
  private final LossFunction loss;
  private final Optimizer optimizer;
  private final LearningRateSchedule schedule;
  private final boolean[] decay; // per parameter tensor: weight decay applies (dense weights)
  private final Standardization standardization;
  private final SplitMix64 rng;
  private final boolean separateScoring;
  private final MiniBatch batch;
  private final LossWeights lossWeights;
  private final float[] batchInput; // (batchSize, inputs), standardized
  private final float[] dLogits; // (batchSize, outputWidth)
  private final RawInputs raw; // raw features: the embedding tables; null for a spec of numbers
  private final boolean tables; // raw features with at least one embedding table
  private final float[] dInput; // (batchSize, inputs) ∂loss/∂input, with tables; else null
  private final GradientNorms gradientNorms;
  private final WeightUpdates weightUpdates;
  private final double lossWeight; // of a mini-batch in the prequential loss average
  private WeightAverage average; // scores each batch and follows the weights; null: none

  private long examples;
  private long steps;
  private long skippedSteps;
  private double prequentialLoss = Double.NaN;

  /**
   * Examples the prequential loss is averaged over, roughly: after a mini-batch of n examples with
   * mean loss x, {@code loss += (1 - e^(-n / window)) · (x - loss)}, as the trainer's {@code
   * streamprop_prequential_loss} gauge.
   */
  static final double LOSS_WINDOW_EXAMPLES = 1000;

  /** A learner of the spec's shape with zero weights; see {@link #create} and {@link #restore}. */
  OnlineLearner(ModelSpec spec, SplitMix64 rng, Standardization standardization) {
    this.spec = spec;
    this.batchSize = spec.batchSize();
    if (spec.batchNorm() && batchSize < 2 && !spec.hidden().isEmpty()) {
      throw new IllegalArgumentException(
          "batch_norm needs batch_size >= 2 (batch statistics of one example are undefined)");
    }
    this.mlp = new Mlp(spec, batchSize);
    this.loss = LossFunction.of(spec);
    this.raw = spec.hasFeatures() ? new RawInputs(spec) : null;
    this.tables = raw != null && raw.count() > 0;
    this.decay = mlp.decay();
    if (tables) {
      raw.bind(mlp); // the step's tensors: the network's, then the tables' (optimizer state too)
    }
    this.dInput = tables ? new float[batchSize * spec.inputs()] : null;
    this.optimizer = Optimizers.create(spec.optimizer(), tensorSizes(mlp, tables ? raw : null));
    this.schedule = LearningRateSchedule.of(spec.schedule());
    this.standardization = standardization;
    this.rng = rng;
    this.separateScoring = mlp.hasBatchNorm() || mlp.hasDropout();
    this.batch = new MiniBatch(spec);
    this.lossWeights = new LossWeights(spec);
    this.batchInput = new float[batchSize * spec.inputs()];
    this.dLogits = new float[batchSize * mlp.outputWidth()];
    this.gradientNorms = new GradientNorms(mlp, tables ? raw : null);
    this.weightUpdates = new WeightUpdates(mlp);
    // StrictMath: the same bits on every JVM, so the state stays deterministic.
    this.lossWeight = 1 - StrictMath.exp(-batchSize / LOSS_WINDOW_EXAMPLES);
  }

  /**
   * A new model with weights initialized from the spec's seed: the network's first, then (raw
   * features) each embedding table in the order of {@code FeatureLayout.embeddings()}, from the
   * same generator. The network's initial weights are thus those of a spec of numbers of the same
   * shape.
   */
  public static OnlineLearner create(ModelSpec spec) {
    SplitMix64 rng = new SplitMix64(spec.seed());
    OnlineLearner learner = new OnlineLearner(spec, rng, Standardization.create(spec));
    learner.mlp.initialize(rng);
    if (learner.raw != null) {
      learner.raw.initialize(rng);
    }
    return learner;
  }

  /**
   * Resumes exactly from a state returned by {@link #state()} (or decoded from its snapshot).
   *
   * @throws IllegalArgumentException if the state does not fit its spec's model
   */
  public static OnlineLearner restore(ModelState state) {
    return LearnerStates.restore(state);
  }

  /**
   * A deep copy of the complete state, as version 0: whoever publishes it sets the version ({@link
   * ModelState#withVersion}).
   */
  public ModelState state() {
    return LearnerStates.export(this);
  }

  /** An immutable, thread-safe predictor of the current weights (inference mode). */
  public Predictor predictor() {
    return Predictor.of(state());
  }

  public ModelSpec spec() {
    return spec;
  }

  /**
   * Adds one example to the pending mini-batch; when it is full, runs a step and returns its
   * result, otherwise returns null. Arrays are copied; inputs must already be validated (finite,
   * right width, label in range): a violation throws {@link IllegalArgumentException} and leaves
   * the model unchanged.
   *
   * @param features the raw (unstandardized) features, length {@code spec.inputs()}
   * @param label class index as a float (classification), or the targets (regression)
   */
  public StepResult learn(float[] features, float[] label) {
    return learn(features, label, 1f);
  }

  /**
   * {@link #learn(float[], float[])} for an example that weighs {@code weight} in the loss (times
   * its class weight, see {@link LossWeights}): its loss and gradient are scaled by it. Weight 0
   * still joins the input statistics and the class counts and is still scored, but adds exactly
   * nothing to the gradient; weight 1 is {@link #learn(float[], float[])}.
   *
   * @param weight finite and >= 0
   */
  public StepResult learn(float[] features, float[] label, float weight) {
    if (raw != null) {
      // raw features without embedded fields: the dense row is the whole example
      return learn(features, null, label, weight);
    }
    batch.check(features, label, weight);
    standardization.observe(features, 0);
    lossWeights.observe(label);
    boolean full = batch.add(features, label, weight);
    return accepted(full);
  }

  /**
   * {@link #learn(float[], float[], float)} for a spec with raw features: one featurized example
   * ({@code FeatureRow}: {@code dense} and {@code ids}), copied. A missing number (NaN in its value
   * column) does not join the input statistics and is imputed with their running mean.
   *
   * @param dense the dense part of the input row, {@code FeatureLayout.denseWidth()} floats:
   *     finite, or NaN in a numeric value column
   * @param ids per embedded field (the order of {@code FeatureLayout.embeddings()}), its bag of
   *     bucket ids in [0, buckets); may be null when the spec embeds no field
   * @throws IllegalArgumentException for a spec of numbers, or an example that does not fit the
   *     spec (the model is unchanged)
   */
  public StepResult learn(float[] dense, int[][] ids, float[] label, float weight) {
    requireFeatures();
    batch.checkRaw(dense, 0, ids, null, 0, label, weight);
    standardization.observe(dense, 0);
    lossWeights.observe(label);
    return accepted(batch.addRaw(dense, 0, ids, null, 0, label, weight));
  }

  /**
   * {@link #learn(float[], int[][], float[], float)} for row {@code row} of a featurized batch,
   * copied straight from its arrays (no {@code FeatureRow} in between).
   */
  public StepResult learn(FeaturizedBatch features, int row, float[] label, float weight) {
    requireFeatures();
    if (row < 0 || row >= features.size()) {
      throw new IllegalArgumentException("row must be in [0, " + features.size() + "), got " + row);
    }
    if (features.denseWidth() != raw.denseWidth() || features.embeddingCount() != raw.count()) {
      throw new IllegalArgumentException("the featurized batch is of another schema");
    }
    float[] dense = features.dense();
    int start = row * features.denseWidth();
    batch.checkRaw(dense, start, null, features, row, label, weight);
    standardization.observe(dense, start);
    lossWeights.observe(label);
    return accepted(batch.addRaw(dense, start, null, features, row, label, weight));
  }

  /**
   * Learns a parsed example: {@link #learn(float[], int[][], float[], float)} when it carries
   * bucket ids or the spec has raw features, else {@link #learn(float[], float[], float)}.
   */
  public StepResult learn(Example example) {
    if (example.ids() != null || raw != null) {
      return learn(example.features(), example.ids(), example.label(), example.weight());
    }
    return learn(example.features(), example.label(), example.weight());
  }

  private void requireFeatures() {
    if (raw == null) {
      throw new IllegalArgumentException(
          "this spec has no raw features: learn(features, label, weight) takes its examples");
    }
  }

  /** Counts an example the batch took; steps when the batch is full. */
  private StepResult accepted(boolean full) {
    examples++;
    if (!full) {
      return null;
    }
    float[] exampleWeights = batch.weights(); // null: all 1
    batch.clear();
    return step(exampleWeights);
  }

  private StepResult step(float[] exampleWeights) {
    final int b = batchSize;
    float[] labels = batch.labels(); // (b, labelWidth), in the user's units
    float[] weights = lossWeights.forBatch(labels, exampleWeights, b); // (b); null: all 1
    standardization.standardizeInputs(batch.features(), batchInput, b);
    if (tables) {
      raw.forward(batch, b, batchInput); // each table's bag means into its columns
    }
    if (average != null) {
      average.score(this, batchInput, labels, b); // before the step, as the learner's own score
    }

    // Test: loss and accuracy under the weights from before the update, in the user's units.
    int correct = 0;
    double squaredError = 0;
    double scoredLoss = Double.NaN;
    if (separateScoring) {
      float[] logits = mlp.forward(batchInput, b, false, rng);
      float[] outputs = standardization.toUserUnits(logits, b);
      scoredLoss = loss.forward(outputs, labels, b, null);
      correct = countCorrect(logits, labels, b);
      squaredError = squaredError(outputs, labels, b);
    }

    // Train: forward in training mode, loss, backward.
    float[] logits = mlp.forward(batchInput, b, true, rng);
    if (!separateScoring) {
      // before the batch joins the target statistics
      float[] outputs = standardization.toUserUnits(logits, b);
      if (standardization.standardizesTargets()) {
        scoredLoss = loss.forward(outputs, labels, b, null);
      }
      correct = countCorrect(logits, labels, b);
      squaredError = squaredError(outputs, labels, b);
    }
    float[] trainingLabels = standardization.trainingLabels(labels, b);
    double trainingLoss =
        weights == null
            ? loss.forward(logits, trainingLabels, b, dLogits)
            : loss.forward(logits, trainingLabels, weights, b, dLogits);
    if (!separateScoring && !standardization.standardizesTargets()) {
      // The prequential loss is unweighted: how well the model predicts every example.
      scoredLoss = weights == null ? trainingLoss : loss.forward(logits, labels, b, null);
    }
    averageLoss(scoredLoss);

    gradientNorms.clear();
    boolean finite = Double.isFinite(trainingLoss);
    double globalNorm = Double.NaN;
    if (finite) {
      if (tables) {
        // dInput = dz_0 · W_0ᵀ (b, inputs), in the tables' columns (the dense ones feed nothing)
        mlp.backward(dLogits, b, dInput, raw.denseWidth());
        raw.backward(batch, b, dInput); // dWeight_k[id] += dInput[b, table k's columns] / n_b
      } else {
        mlp.backward(dLogits, b);
      }
      globalNorm = gradientNorms.measure(b, spec.clipNorm());
      finite = GradientNorms.updatable(globalNorm, spec.clipNorm());
    }
    double learningRate = schedule.rate(steps + 1, spec.optimizer().learningRate());
    if (!finite) {
      if (tables) {
        raw.zeroGradients(); // tables untouched; their gradient rows cleared for the next step
      }
      skippedSteps++;
      StepResult.LayerStats[] stats = weightUpdates.withoutUpdate(gradientNorms.layerNorms());
      return new StepResult(b, scoredLoss * b, correct, squaredError, true, learningRate, stats);
    }

    weightUpdates.beforeUpdate(steps + 1);
    if (tables) {
      raw.step(optimizer, spec.clipNorm(), globalNorm, (float) learningRate);
    } else {
      float[][] grads = mlp.gradients();
      if (spec.clipNorm() > 0 && globalNorm > spec.clipNorm()) {
        // Rare in steady state, so the second pass over the gradients costs nothing on average.
        GradientClipping.clipByGlobalNorm(grads, spec.clipNorm());
      }
      optimizer.step(mlp.parameters(), grads, decay, (float) learningRate);
    }
    mlp.commitRunningStatistics();
    steps++;
    if (average != null) {
      average.update(mlp, b, steps);
    }
    StepResult.LayerStats[] stats = weightUpdates.afterUpdate(steps, gradientNorms.layerNorms());
    return new StepResult(b, scoredLoss * b, correct, squaredError, false, learningRate, stats);
  }

  /** Lengths of the tensors the optimizer steps: the network's, then the tables' (if any). */
  private static int[] tensorSizes(Mlp mlp, RawInputs tables) {
    float[][] params = mlp.parameters();
    int[] sizes = new int[params.length + (tables == null ? 0 : tables.count())];
    for (int i = 0; i < sizes.length; i++) {
      sizes[i] = i < params.length ? params[i].length : tables.weight(i - params.length).length;
    }
    return sizes;
  }

  /** Folds a mini-batch's mean prequential loss into the running average (finite ones only). */
  private void averageLoss(double batchLoss) {
    if (Double.isFinite(batchLoss)) {
      prequentialLoss =
          Double.isNaN(prequentialLoss)
              ? batchLoss
              : prequentialLoss + lossWeight * (batchLoss - prequentialLoss);
    }
  }

  int countCorrect(float[] logits, float[] labels, int b) {
    if (spec.task() != ModelSpec.Task.CLASSIFICATION) {
      return 0;
    }
    int width = mlp.outputWidth();
    int correct = 0;
    for (int r = 0; r < b; r++) {
      int predicted;
      if (width == 1) {
        predicted = logits[r] > 0f ? 1 : 0; // binary: σ(z) > 1/2
      } else {
        predicted = 0;
        for (int k = 1; k < width; k++) {
          if (logits[r * width + k] > logits[r * width + predicted]) {
            predicted = k;
          }
        }
      }
      if (predicted == (int) labels[r]) {
        correct++;
      }
    }
    return correct;
  }

  double squaredError(float[] outputs, float[] labels, int b) {
    if (spec.task() != ModelSpec.Task.REGRESSION) {
      return 0;
    }
    double sum = 0;
    for (int i = 0; i < b * batch.labelWidth(); i++) {
      double r = (double) outputs[i] - labels[i];
      sum += r * r;
    }
    return sum;
  }

  /**
   * Lets {@code average} score each of this learner's mini-batches before the step and fold in its
   * weights after each optimizer step ({@link WeightAverage}); null detaches it. The learner's own
   * steps and state are the same with or without it.
   */
  public void average(WeightAverage average) {
    this.average = average;
  }

  /**
   * Whether the spec's raw features learn embedding tables (which a {@link WeightAverage} omits).
   */
  public boolean hasEmbeddingTables() {
    return tables;
  }

  /** Examples accepted so far, pending ones included. */
  public long examples() {
    return examples;
  }

  /** Optimizer steps taken (skipped steps not included). */
  public long steps() {
    return steps;
  }

  /** Mini-batches whose update was skipped because loss or gradients were not finite. */
  public long skippedSteps() {
    return skippedSteps;
  }

  /**
   * The prequential loss per example in the user's units, exponentially weighted over about the
   * last {@value #LOSS_WINDOW_EXAMPLES} examples (mini-batches whose loss was not finite are left
   * out); NaN before the first mini-batch.
   */
  public double prequentialLoss() {
    return prequentialLoss;
  }

  /**
   * Sets the counters and loss average of a restored learner (the version is the publisher's, not
   * kept here).
   */
  void resume(Counters counters, double prequentialLoss) {
    this.examples = counters.examples();
    this.steps = counters.steps();
    this.skippedSteps = counters.skippedSteps();
    this.prequentialLoss = prequentialLoss;
  }

  /** The network, for the state and for tests and benchmarks that inspect or load weights. */
  Mlp mlp() {
    return mlp;
  }

  Optimizer optimizer() {
    return optimizer;
  }

  /** The embedding tables of a spec with raw features; null for a spec of numbers. */
  RawInputs raw() {
    return raw;
  }

  Standardization standardization() {
    return standardization;
  }

  MiniBatch batch() {
    return batch;
  }

  LossWeights lossWeights() {
    return lossWeights;
  }

  SplitMix64 rng() {
    return rng;
  }
}
