package io.streamprop.learn;

import io.streamprop.nn.LossFunction;
import io.streamprop.nn.Mlp;
import io.streamprop.nn.SplitMix64;
import io.streamprop.nn.optim.GradientClipping;
import io.streamprop.nn.optim.LearningRateSchedule;
import io.streamprop.nn.optim.Optimizer;
import io.streamprop.nn.optim.OptimizerState;
import io.streamprop.nn.optim.Optimizers;
import io.streamprop.spec.ModelSpec;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One model that learns online: examples arrive one at a time, are standardized, collected into a
 * mini-batch, and each full mini-batch is first scored (prequential loss and accuracy) and then
 * learned from (forward, loss, backward, optimizer step). Not thread-safe: one model, one thread.
 *
 * <p>This is the one code path shared by the offline command line, the trainer and the tests.
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
 *       before the step does), so the batch's own labels cannot leak into its score;
 *   <li>standardized targets only: add the batch's labels to the target statistics (row order),
 *       then standardize the labels with them (statistics that include the batch, as for inputs);
 *   <li>training forward, loss and ∂loss/∂logits, backward;
 *   <li>if the training loss or any gradient is not finite: skip (weights, optimizer and batch-norm
 *       running statistics untouched), count it;
 *   <li>else clip by global norm, learning rate from the schedule for step t = steps + 1, optimizer
 *       step, batch-norm running statistics update.
 * </ol>
 *
 * <p>Regression targets are standardized when the spec's {@code standardize} is true: the network
 * learns {@code (y - mean) / std} and {@link Predictor} maps its outputs back. The loss and squared
 * error in {@link StepResult} are always in the user's units (see {@code docs/engine.md}).
 */
public final class OnlineLearner {
  private final ModelSpec spec;
  private final int batchSize;
  private final int inputs;
  private final int labelWidth;
  private final Mlp mlp;
  private final LossFunction loss;
  private final Optimizer optimizer;
  private final LearningRateSchedule schedule;
  private final Normalizer normalizer;
  private final Normalizer targets; // null: the network learns targets in the user's units
  private final SplitMix64 rng;
  private final boolean separateScoring;

  private final float[] pendingFeatures; // (batchSize, inputs), raw
  private final float[] pendingLabels; // (batchSize, labelWidth)
  private int pendingCount;
  private final float[] batchLabels; // (batchSize, labelWidth), standardized targets
  private final float[] predicted; // (batchSize, labelWidth), outputs mapped to the user's units
  private final float[] batchInput; // (batchSize, inputs), standardized
  private final float[] dLogits; // (batchSize, outputWidth)
  // Per dense layer, for the update ratio: the weights before the next update in UpdateSums'
  // chunks (valid while weightSquaresKnown: each measure leaves the updated weights in them).
  private final float[][][] weightsBefore;
  private final double[] gradientNorms; // per dense layer
  private final double[] tensorSquares; // per parameter tensor: Σ gradient²
  private final int[] layerOfTensor; // per parameter tensor: the dense layer of a weight, else -1
  private final double[] updateSums = new double[3]; // Σ w², Σ w_before², Σ (w - w_before)²
  private final UpdateSums updateMeter = new UpdateSums();
  // Per dense layer: ‖W‖² as measured after the last update, which is the next update's ‖W_before‖²
  // (only the optimizer changes the weights of a learner); unknown until the first update.
  private final double[] weightSquares;
  private boolean weightSquaresKnown;

  private long version;
  private long examples;
  private long steps;
  private long skippedSteps;

  private OnlineLearner(ModelSpec spec, SplitMix64 rng, Normalizer normalizer, Normalizer targets) {
    this.spec = spec;
    this.batchSize = spec.batchSize();
    if (spec.batchNorm() && batchSize < 2 && !spec.hidden().isEmpty()) {
      throw new IllegalArgumentException(
          "batch_norm needs batch_size >= 2 (batch statistics of one example are undefined)");
    }
    this.inputs = spec.inputs();
    this.labelWidth = spec.task() == ModelSpec.Task.REGRESSION ? spec.outputs() : 1;
    this.mlp = new Mlp(spec, batchSize);
    this.loss = LossFunction.of(spec);
    float[][] params = mlp.parameters();
    int[] sizes = new int[params.length];
    for (int i = 0; i < params.length; i++) {
      sizes[i] = params[i].length;
    }
    this.optimizer = Optimizers.create(spec.optimizer(), sizes);
    this.schedule = LearningRateSchedule.of(spec.schedule());
    this.normalizer = normalizer;
    this.targets = targets;
    this.rng = rng;
    this.separateScoring = mlp.hasBatchNorm() || mlp.hasDropout();
    this.pendingFeatures = new float[batchSize * inputs];
    this.pendingLabels = new float[batchSize * labelWidth];
    this.batchLabels = targets == null ? null : new float[batchSize * labelWidth];
    this.predicted = targets == null ? null : new float[batchSize * labelWidth];
    this.batchInput = new float[batchSize * inputs];
    this.dLogits = new float[batchSize * mlp.outputWidth()];
    this.weightsBefore = new float[mlp.layers()][][];
    this.gradientNorms = new double[mlp.layers()];
    this.tensorSquares = new double[mlp.parameters().length];
    this.layerOfTensor = new int[tensorSquares.length];
    Arrays.fill(layerOfTensor, -1);
    for (int l = 0; l < mlp.layers(); l++) {
      layerOfTensor[mlp.weightIndex(l)] = l;
    }
    this.weightSquares = new double[mlp.layers()];
    for (int l = 0; l < mlp.layers(); l++) {
      weightsBefore[l] = UpdateSums.chunks(mlp.dense(l).weight().length);
    }
  }

  /** A new model with weights initialized from the spec's seed. */
  public static OnlineLearner create(ModelSpec spec) {
    SplitMix64 rng = new SplitMix64(spec.seed());
    Normalizer targets = standardizesTargets(spec) ? new Normalizer(spec.outputs()) : null;
    OnlineLearner learner = new OnlineLearner(spec, rng, new Normalizer(spec.inputs()), targets);
    learner.mlp.initialize(rng);
    return learner;
  }

  /** True if a new model of this spec learns standardized targets: regression with standardize. */
  static boolean standardizesTargets(ModelSpec spec) {
    return spec.standardize() && spec.task() == ModelSpec.Task.REGRESSION;
  }

  /**
   * The target normalizer of a state, or null when it has no {@code target.*} arrays: a model
   * written before targets were standardized keeps learning and predicting in the user's units.
   */
  static Normalizer targetNormalizer(ModelState state) {
    ModelSpec spec = state.spec();
    boolean present =
        state.doubles().containsKey("target.count")
            || state.doubles().containsKey("target.mean")
            || state.doubles().containsKey("target.m2");
    if (!present) {
      return null;
    }
    if (!standardizesTargets(spec)) {
      throw new IllegalArgumentException(
          "model state has target.* arrays, but only a regression spec with standardize true"
              + " standardizes targets");
    }
    return new Normalizer(
        requireDoubles(state, "target.count", 1)[0],
        requireDoubles(state, "target.mean", spec.outputs()),
        requireDoubles(state, "target.m2", spec.outputs()));
  }

  /** Resumes exactly from a state returned by {@link #state()}. */
  public static OnlineLearner restore(ModelState state) {
    ModelSpec spec = state.spec();
    long rngState = requireLong(state, "rng");
    Normalizer normalizer =
        new Normalizer(
            requireDoubles(state, "norm.count", 1)[0],
            requireDoubles(state, "norm.mean", spec.inputs()),
            requireDoubles(state, "norm.m2", spec.inputs()));
    OnlineLearner learner =
        new OnlineLearner(spec, new SplitMix64(rngState), normalizer, targetNormalizer(state));
    learner.loadWeights(state);
    List<String> slots = learner.optimizer.state().slots();
    float[][][] moments = new float[learner.mlp.parameters().length][slots.size()][];
    for (int p = 0; p < moments.length; p++) {
      for (int s = 0; s < slots.size(); s++) {
        moments[p][s] =
            requireFloats(
                state, "optim." + p + "." + slots.get(s), learner.mlp.parameters()[p].length);
      }
    }
    learner.optimizer.restore(
        new OptimizerState(requireLong(state, "optim.steps"), slots, moments));
    int count = Math.toIntExact(requireLong(state, "pending.count"));
    if (count < 0 || count >= learner.batchSize) {
      throw new IllegalArgumentException(
          "pending.count must be in [0, " + learner.batchSize + "), got " + count);
    }
    float[] pf = requireFloats(state, "pending.features", count * learner.inputs);
    float[] pl = requireFloats(state, "pending.labels", count * learner.labelWidth);
    System.arraycopy(pf, 0, learner.pendingFeatures, 0, pf.length);
    System.arraycopy(pl, 0, learner.pendingLabels, 0, pl.length);
    learner.pendingCount = count;
    learner.version = state.version();
    learner.examples = state.examples();
    learner.steps = state.steps();
    learner.skippedSteps = state.skippedSteps();
    return learner;
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
    checkExample(features, label);
    if (spec.standardize()) {
      normalizer.update(features);
    }
    System.arraycopy(features, 0, pendingFeatures, pendingCount * inputs, inputs);
    System.arraycopy(label, 0, pendingLabels, pendingCount * labelWidth, labelWidth);
    pendingCount++;
    examples++;
    if (pendingCount < batchSize) {
      return null;
    }
    pendingCount = 0;
    return step();
  }

  private StepResult step() {
    final int b = batchSize;
    if (spec.standardize()) {
      normalizer.apply(pendingFeatures, batchInput, b);
    } else {
      System.arraycopy(pendingFeatures, 0, batchInput, 0, b * inputs);
    }

    // Test: loss and accuracy under the weights from before the update, in the user's units.
    int correct = 0;
    double squaredError = 0;
    double scoredLoss = Double.NaN;
    if (separateScoring) {
      float[] logits = mlp.forward(batchInput, b, false, rng);
      float[] outputs = userUnits(logits, b);
      scoredLoss = loss.forward(outputs, pendingLabels, b, null);
      correct = countCorrect(logits, b);
      squaredError = squaredError(outputs, b);
    }

    // Train: forward in training mode, loss, backward.
    float[] logits = mlp.forward(batchInput, b, true, rng);
    if (!separateScoring) {
      float[] outputs = userUnits(logits, b); // before the batch joins the target statistics
      if (targets != null) {
        scoredLoss = loss.forward(outputs, pendingLabels, b, null);
      }
      correct = countCorrect(logits, b);
      squaredError = squaredError(outputs, b);
    }
    double trainingLoss = loss.forward(logits, trainingLabels(b), b, dLogits);
    if (!separateScoring && targets == null) {
      scoredLoss = trainingLoss;
    }

    int layers = mlp.layers();
    float[][] params = mlp.parameters();
    float[][] grads = mlp.gradients();
    double[] gradientNorms = this.gradientNorms;
    java.util.Arrays.fill(gradientNorms, Double.NaN);
    boolean finite = Double.isFinite(trainingLoss);
    double globalNorm = Double.NaN;
    if (finite) {
      mlp.backward(dLogits, b);
      // At one row, a dense weight gradient is an outer product and its Σ dW² comes from the
      // identity (see outerProductSquares), which also proves every element finite.
      boolean identity = false;
      for (int p = 0; p < grads.length; p++) {
        int l = layerOfTensor[p];
        double s = Double.NaN;
        if (b == 1 && l >= 0) {
          s =
              outerProductSquares(
                  mlp.denseInput(l),
                  mlp.dense(l).inFeatures(),
                  mlp.denseDOutput(l),
                  mlp.dense(l).outFeatures());
          identity |= !Double.isNaN(s);
        }
        tensorSquares[p] = Double.isNaN(s) ? sumOfSquares(grads[p]) : s;
      }
      globalNorm = normsFromSquares(layers);
      // The identity is within about 2⁻²³ relative of the exact sum. Near or above clip_norm, the
      // exact sums decide, so clipping triggers on exactly the steps it did without the identity.
      if (identity
          && spec.clipNorm() > 0
          && Double.isFinite(globalNorm)
          && globalNorm > spec.clipNorm() * (1 - CLIP_MARGIN)) {
        for (int l = 0; l < layers; l++) {
          int p = mlp.weightIndex(l);
          tensorSquares[p] = sumOfSquares(grads[p]);
        }
        globalNorm = normsFromSquares(layers);
      }
      // Squares summed in double cannot overflow for float inputs, and the identity is used only
      // when it proves every element finite: the norm is finite exactly when every gradient
      // element is.
      finite = Double.isFinite(globalNorm);
      // Without clipping, a finite but enormous gradient (features around 10³⁰ with standardize
      // off) would still poison the optimizer: its square overflows the float moments (Adam's v,
      // AdaGrad's and RMSProp's sums) to +∞, after which those weights never move again. Such a
      // step is skipped like a non-finite one. With clipping on, the gradient is scaled below
      // clip_norm first, so the bound never applies.
      if (finite && spec.clipNorm() <= 0 && globalNorm > MAX_UNCLIPPED_GRADIENT_NORM) {
        finite = false;
      }
    }
    double learningRate = schedule.rate(steps + 1, spec.optimizer().learningRate());
    StepResult.LayerStats[] stats = new StepResult.LayerStats[layers];
    if (!finite) {
      skippedSteps++;
      for (int l = 0; l < layers; l++) {
        double norm = Math.sqrt(sumOfSquares(params[mlp.weightIndex(l)]));
        stats[l] = new StepResult.LayerStats(gradientNorms[l], norm, 0.0);
      }
      return new StepResult(b, scoredLoss * b, correct, squaredError, true, learningRate, stats);
    }

    if (spec.clipNorm() > 0 && globalNorm > spec.clipNorm()) {
      // Rare in steady state, so the second pass over the gradients costs nothing on average.
      GradientClipping.clipByGlobalNorm(grads, spec.clipNorm());
    }
    if (!weightSquaresKnown) {
      // First update of this learner: otherwise the last measure left these weights in place.
      for (int l = 0; l < layers; l++) {
        UpdateSums.copy(params[mlp.weightIndex(l)], weightsBefore[l]);
      }
    }
    optimizer.step(params, grads, decayFlags(), (float) learningRate);
    mlp.commitRunningStatistics();
    steps++;
    for (int l = 0; l < layers; l++) {
      float[] w = params[mlp.weightIndex(l)];
      updateSums[1] = weightSquares[l];
      updateMeter.measure(w, weightsBefore[l], updateSums, !weightSquaresKnown);
      weightSquares[l] = updateSums[0];
      double after = updateSums[0];
      double before = updateSums[1];
      double delta = updateSums[2];
      double ratio = before > 0 ? Math.sqrt(delta / before) : 0.0;
      stats[l] = new StepResult.LayerStats(gradientNorms[l], Math.sqrt(after), ratio);
    }
    weightSquaresKnown = true;
    return new StepResult(b, scoredLoss * b, correct, squaredError, false, learningRate, stats);
  }

  /**
   * Sets {@link #gradientNorms} from {@link #tensorSquares} and returns the global norm (the sum
   * over tensors in index order).
   */
  private double normsFromSquares(int layers) {
    double total = 0;
    for (int p = 0; p < tensorSquares.length; p++) {
      total += tensorSquares[p];
    }
    for (int l = 0; l < layers; l++) {
      gradientNorms[l] = Math.sqrt(tensorSquares[mlp.weightIndex(l)]);
    }
    return Math.sqrt(total);
  }

  /**
   * Relative margin below clip_norm from which the exact sums replace the identity's: far above its
   * error (about 2⁻²³ for the float rounding of each product, plus (n + m + n·m)·2⁻⁵³ for the
   * double sums).
   */
  static final double CLIP_MARGIN = 1e-5;

  /**
   * Above this global gradient norm (clipping off) a step is skipped: every element is at most the
   * norm, so each square stays below 10³⁶, finite in float with room for the optimizers' running
   * sums (Float.MAX_VALUE ≈ 3.4·10³⁸).
   */
  static final double MAX_UNCLIPPED_GRADIENT_NORM = 1e18;

  /** Above this Σx²·Σg² some product x_i·g_o might round to ±∞ in float: (Float.MAX_VALUE / 2)². */
  static final double MAX_OUTER = ((double) Float.MAX_VALUE / 2) * ((double) Float.MAX_VALUE / 2);

  /**
   * Below this (norm 2⁻¹⁰⁰) some products may be subnormal floats, whose rounding error is absolute
   * rather than relative; the exact pass is cheap insurance there.
   */
  static final double MIN_OUTER = 0x1p-200;

  /**
   * Σ_i Σ_o (x_i·g_o)² = (Σ_i x_i²)·(Σ_o g_o²), the squared Frobenius norm of the outer product of
   * {@code x[0..n)} and {@code g[0..m)}, in O(n + m) instead of O(n·m); or NaN when the caller must
   * take the exact pass over the float gradient instead.
   *
   * <p>The float gradient holds fl(x_i·g_o), each within 2⁻²⁴ relative of x_i·g_o, so its Σ dW²
   * differs from this by about 2⁻²³ relative (the 7th digit): the norm of the exact outer product
   * rather than of its rounded elements, equally accurate and deterministic. The result is used
   * only when it also proves every element finite: both sums finite (so every x_i and g_o is: a
   * float's square cannot overflow a double) and the product at most {@link #MAX_OUTER}, since
   * |x_i·g_o| ≤ ‖x‖·‖g‖ ≤ Float.MAX_VALUE / 2 cannot round to infinity. Zero is exact (one factor
   * is all zeros, so every element is 0); otherwise below {@link #MIN_OUTER} the exact pass runs.
   */
  static double outerProductSquares(float[] x, int n, float[] g, int m) {
    double s = sumOfSquares(x, n) * sumOfSquares(g, m);
    // NaN (a non-finite element) fails both comparisons.
    return s == 0 || (s >= MIN_OUTER && s <= MAX_OUTER) ? s : Double.NaN;
  }

  /**
   * The network's outputs in the user's units: with standardized targets, {@code z · std + mean}
   * with the target statistics as they are now (into a scratch array); otherwise the logits.
   */
  private float[] userUnits(float[] logits, int b) {
    if (targets == null) {
      return logits;
    }
    targets.invert(logits, predicted, b);
    return predicted;
  }

  /**
   * The labels the network learns: with standardized targets, the batch's labels join the target
   * statistics (row order, Welford) and are standardized with them; otherwise the raw labels.
   */
  private float[] trainingLabels(int b) {
    if (targets == null) {
      return pendingLabels;
    }
    for (int r = 0; r < b; r++) {
      targets.update(pendingLabels, r * labelWidth);
    }
    targets.apply(pendingLabels, batchLabels, b);
    return batchLabels;
  }

  private boolean[] decay;

  private boolean[] decayFlags() {
    if (decay == null) {
      decay = mlp.decay();
    }
    return decay;
  }

  private int countCorrect(float[] logits, int b) {
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
      if (predicted == (int) pendingLabels[r]) {
        correct++;
      }
    }
    return correct;
  }

  private double squaredError(float[] logits, int b) {
    if (spec.task() != ModelSpec.Task.REGRESSION) {
      return 0;
    }
    double sum = 0;
    for (int i = 0; i < b * labelWidth; i++) {
      double r = (double) logits[i] - pendingLabels[i];
      sum += r * r;
    }
    return sum;
  }

  /**
   * Σ v² in double with four interleaved partial sums combined in a fixed order: deterministic, and
   * about four times faster than one serial accumulator (whose add latency is the bottleneck).
   */
  static double sumOfSquares(float[] v) {
    return sumOfSquares(v, v.length);
  }

  /** {@link #sumOfSquares(float[])} of {@code v[0..n)}. */
  static double sumOfSquares(float[] v, int n) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int i = 0;
    for (; i + 3 < n; i += 4) {
      s0 += (double) v[i] * v[i];
      s1 += (double) v[i + 1] * v[i + 1];
      s2 += (double) v[i + 2] * v[i + 2];
      s3 += (double) v[i + 3] * v[i + 3];
    }
    for (; i < n; i++) {
      s0 += (double) v[i] * v[i];
    }
    return (s0 + s1) + (s2 + s3);
  }

  private void checkExample(float[] features, float[] label) {
    if (features == null || features.length != inputs) {
      throw new IllegalArgumentException(
          "features: expected "
              + inputs
              + " values, got "
              + (features == null ? "null" : features.length));
    }
    for (int j = 0; j < inputs; j++) {
      if (!Float.isFinite(features[j])) {
        throw new IllegalArgumentException("features[" + j + "] is not finite: " + features[j]);
      }
    }
    if (label == null || label.length != labelWidth) {
      throw new IllegalArgumentException(
          "label: expected "
              + labelWidth
              + " values, got "
              + (label == null ? "null" : label.length));
    }
    for (int k = 0; k < labelWidth; k++) {
      if (!Float.isFinite(label[k])) {
        throw new IllegalArgumentException("label[" + k + "] is not finite: " + label[k]);
      }
    }
    if (spec.task() == ModelSpec.Task.CLASSIFICATION) {
      float c = label[0];
      if (c != Math.rint(c) || c < 0 || c >= spec.outputs()) {
        throw new IllegalArgumentException(
            "label must be a class index in [0, " + (spec.outputs() - 1) + "], got " + c);
      }
    }
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
   * A deep copy of the complete state (version set by the caller via {@link #setVersion}). Array
   * names, in insertion order: per dense layer i {@code dense.i.weight}, {@code dense.i.bias} and,
   * with batch norm, {@code bn.i.gamma}, {@code bn.i.beta}, {@code bn.i.running_mean}, {@code
   * bn.i.running_var}; then {@code optim.<paramIndex>.<slot>}; {@code pending.features} (count,
   * inputs) and {@code pending.labels} (count, labelWidth); doubles {@code norm.count} (1), {@code
   * norm.mean}, {@code norm.m2} (inputs) and, with standardized targets only, {@code target.count}
   * (1), {@code target.mean}, {@code target.m2} (targets); longs {@code rng}, {@code
   * pending.count}, {@code optim.steps}.
   */
  public ModelState state() {
    Map<String, float[]> floats = new LinkedHashMap<>();
    float[][] params = mlp.parameters();
    String[] names = mlp.parameterNames();
    for (int i = 0; i < params.length; i++) {
      floats.put(names[i], params[i].clone());
      if (names[i].startsWith("bn.") && names[i].endsWith(".beta")) {
        int layer = Integer.parseInt(names[i].split("\\.")[1]);
        floats.put("bn." + layer + ".running_mean", mlp.batchNorm(layer).runningMean().clone());
        floats.put("bn." + layer + ".running_var", mlp.batchNorm(layer).runningVar().clone());
      }
    }
    OptimizerState optim = optimizer.state();
    for (int p = 0; p < optim.tensors(); p++) {
      for (int s = 0; s < optim.slots().size(); s++) {
        floats.put("optim." + p + "." + optim.slots().get(s), optim.moments()[p][s]);
      }
    }
    floats.put("pending.features", java.util.Arrays.copyOf(pendingFeatures, pendingCount * inputs));
    floats.put("pending.labels", java.util.Arrays.copyOf(pendingLabels, pendingCount * labelWidth));
    Map<String, double[]> doubles = new LinkedHashMap<>();
    doubles.put("norm.count", new double[] {normalizer.count()});
    doubles.put("norm.mean", normalizer.mean());
    doubles.put("norm.m2", normalizer.m2());
    if (targets != null) {
      doubles.put("target.count", new double[] {targets.count()});
      doubles.put("target.mean", targets.mean());
      doubles.put("target.m2", targets.m2());
    }
    Map<String, Long> longs = new LinkedHashMap<>();
    longs.put("rng", rng.state());
    longs.put("pending.count", (long) pendingCount);
    longs.put("optim.steps", optimizer.steps());
    return new ModelState(spec, version, examples, steps, skippedSteps, floats, doubles, longs);
  }

  public void setVersion(long version) {
    this.version = version;
  }

  /** An immutable, thread-safe predictor of the current weights (inference mode). */
  public Predictor predictor() {
    return Predictor.of(state());
  }

  /** Copies dense and batch-norm arrays from a state into the network, checking their lengths. */
  private void loadWeights(ModelState state) {
    float[][] params = mlp.parameters();
    String[] names = mlp.parameterNames();
    for (int i = 0; i < params.length; i++) {
      float[] src = requireFloats(state, names[i], params[i].length);
      System.arraycopy(src, 0, params[i], 0, src.length);
    }
    for (int l = 0; l < mlp.layers(); l++) {
      if (mlp.batchNorm(l) != null) {
        float[] mean = mlp.batchNorm(l).runningMean();
        float[] var = mlp.batchNorm(l).runningVar();
        System.arraycopy(
            requireFloats(state, "bn." + l + ".running_mean", mean.length),
            0,
            mean,
            0,
            mean.length);
        System.arraycopy(
            requireFloats(state, "bn." + l + ".running_var", var.length), 0, var, 0, var.length);
      }
    }
  }

  static float[] requireFloats(ModelState state, String name, int length) {
    float[] values = state.floats().get(name);
    if (values == null) {
      throw new IllegalArgumentException("model state has no float array " + name);
    }
    if (values.length != length) {
      throw new IllegalArgumentException(
          "model state array " + name + " has " + values.length + " values, expected " + length);
    }
    return values;
  }

  static double[] requireDoubles(ModelState state, String name, int length) {
    double[] values = state.doubles().get(name);
    if (values == null) {
      throw new IllegalArgumentException("model state has no double array " + name);
    }
    if (values.length != length) {
      throw new IllegalArgumentException(
          "model state array " + name + " has " + values.length + " values, expected " + length);
    }
    return values;
  }

  static long requireLong(ModelState state, String name) {
    Long value = state.longs().get(name);
    if (value == null) {
      throw new IllegalArgumentException("model state has no long " + name);
    }
    return value;
  }

  /** The network, for tests and benchmarks that inspect or load weights. */
  Mlp mlp() {
    return mlp;
  }
}
