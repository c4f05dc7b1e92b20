package io.streamprop.spec;

import io.streamprop.features.FeatureSchema;
import java.util.List;

/**
 * Everything needed to build and train one model: architecture, output and loss, optimizer,
 * mini-batch size, normalization, regularization, seed and snapshot policy.
 *
 * <p>The JSON form (snake_case keys, documented in {@code docs/spec.md}) is read and written by
 * {@link SpecJson}; every field has a default that works on tabular data, so the smallest valid
 * spec is {@code {"inputs": 4, "classes": 3}}. Instances are immutable and always valid: the
 * constructor validates (limits in {@link SpecLimits}, defaults in {@link SpecDefaults}); the usual
 * way to build one is {@link SpecJson#parse}.
 *
 * @param task classification (labels are class indices) or regression (labels are numbers)
 * @param inputs number of input features
 * @param featureNames optional names of the features in input order (empty: positional only)
 * @param outputs number of classes (classification) or of regression targets
 * @param hidden widths of the hidden layers, input side first (may be empty: a linear model)
 * @param activation activation of every hidden layer
 * @param init weight initialization; {@link Init#AUTO} picks He for ReLU-family, else Xavier
 * @param batchNorm batch normalization after every hidden dense layer, before its activation
 * @param dropout dropout probability after every hidden activation, in [0, 1); training only
 * @param loss the loss; fixes the output layer (softmax for softmax cross-entropy, one logit for
 *     binary cross-entropy, identity for regression losses)
 * @param huberDelta the Huber loss threshold (only for {@link Loss#HUBER})
 * @param optimizer optimizer and its hyper-parameters
 * @param schedule learning-rate schedule
 * @param clipNorm gradient clipping by global L2 norm; 0 disables it
 * @param batchSize examples per mini-batch (one optimizer step each)
 * @param standardize online input standardization (running mean and variance per feature)
 * @param seed seed of every random choice (initialization, dropout)
 * @param snapshot when the trainer publishes a snapshot
 * @param classNames optional names of the classes in class order (classification only; empty:
 *     classes are known by index only); examples may give the label by name and predictions carry
 *     it
 * @param classWeight how much each class's examples weigh in the loss ({@link ClassWeight#NONE}:
 *     all 1)
 * @param features the raw features by name and kind ({@code features}, {@code closed_schema},
 *     {@code hash_seed}), or null for a vector of {@code inputs} numbers; with features, {@code
 *     inputs} is the width of the network input they make ({@link FeatureSchema#layout()})
 * @param learner one learner of exactly this spec, or a population of variants of it (learning
 *     rates and widths) that serves whichever member predicts best ({@code
 *     io.streamprop.learn.population}); the population is the default when the spec gives no {@code
 *     optimizer}
 * @param inputTransform what numeric inputs go through before the statistics and the network
 *     ({@code input_transform}): as they are, or on a signed log scale
 */
public record ModelSpec(
    Task task,
    int inputs,
    List<String> featureNames,
    int outputs,
    List<Integer> hidden,
    Activation activation,
    Init init,
    boolean batchNorm,
    double dropout,
    Loss loss,
    double huberDelta,
    OptimizerSpec optimizer,
    ScheduleSpec schedule,
    double clipNorm,
    int batchSize,
    boolean standardize,
    long seed,
    SnapshotPolicy snapshot,
    List<String> classNames,
    ClassWeight classWeight,
    FeatureSchema features,
    Learner learner,
    InputTransform inputTransform) {

  /**
   * Copies the lists (so that instances are immutable and {@code equals} compares contents) and
   * validates every field and the model's size against {@link SpecLimits}.
   *
   * @throws SpecException naming the JSON path of the first bad field and its value
   */
  public ModelSpec {
    featureNames = List.copyOf(SpecValidator.notNull("feature_names", featureNames));
    hidden = List.copyOf(SpecValidator.notNull("hidden", hidden));
    SpecValidator.validate(
        task,
        inputs,
        featureNames,
        outputs,
        hidden,
        activation,
        init,
        batchNorm,
        dropout,
        loss,
        huberDelta,
        optimizer,
        schedule,
        clipNorm,
        batchSize,
        snapshot,
        features);
    classNames = List.copyOf(SpecValidator.notNull("class_names", classNames));
    SpecValidator.labels(
        task,
        outputs,
        batchSize,
        classNames,
        SpecValidator.notNull("class_weight", classWeight),
        SpecLimits.snapshotBytesUpperBound(
            inputs,
            featureNames,
            hidden,
            batchNorm,
            loss == Loss.BINARY_CROSS_ENTROPY ? 1 : outputs,
            SpecLimits.pendingFloats(
                batchSize,
                inputs + SpecLimits.maxIdsPerExample(features),
                SpecLimits.labelWidth(task, outputs)),
            features));
    SpecValidator.notNull("learner", learner);
    SpecValidator.notNull("input_transform", inputTransform);
    if (inputTransform == InputTransform.AUTO && learner != Learner.POPULATION) {
      throw new SpecException(
          "input_transform",
          "auto races the transforms in a population: it needs learner population, got learner "
              + learner.name().toLowerCase(java.util.Locale.ROOT)
              + " (give none or symlog)");
    }
  }

  /**
   * What numeric inputs go through before they join the input statistics and the network, in
   * training and prediction alike.
   */
  public enum InputTransform {
    /** As they are. */
    NONE,
    /**
     * {@code sign(x) · ln(1 + |x|)} per numeric input ("symlog", as DreamerV3 feeds its vector
     * inputs; Hafner et al. 2023): amounts, counts and other heavy-tailed numbers on a log scale,
     * sign and zero kept.
     */
    SYMLOG,
    /**
     * A population's members race {@link #NONE} and {@link #SYMLOG} (the default of an open spec);
     * one learner has a fixed transform.
     */
    AUTO
  }

  /** Who learns: the spec's one model, or a population of variants of it. */
  public enum Learner {
    SINGLE,
    POPULATION
  }

  /**
   * A spec of a vector of {@code inputs} numbers (no raw {@code features}) without class names or
   * class weights: every example and class weighs 1, classes are known by index.
   */
  public ModelSpec(
      Task task,
      int inputs,
      List<String> featureNames,
      int outputs,
      List<Integer> hidden,
      Activation activation,
      Init init,
      boolean batchNorm,
      double dropout,
      Loss loss,
      double huberDelta,
      OptimizerSpec optimizer,
      ScheduleSpec schedule,
      double clipNorm,
      int batchSize,
      boolean standardize,
      long seed,
      SnapshotPolicy snapshot) {
    this(
        task,
        inputs,
        featureNames,
        outputs,
        hidden,
        activation,
        init,
        batchNorm,
        dropout,
        loss,
        huberDelta,
        optimizer,
        schedule,
        clipNorm,
        batchSize,
        standardize,
        seed,
        snapshot,
        List.of(),
        ClassWeight.NONE,
        null,
        Learner.SINGLE,
        InputTransform.NONE);
  }

  /** True when the inputs are raw features by name ({@link #features()} is not null). */
  public boolean hasFeatures() {
    return features != null;
  }

  public enum Task {
    CLASSIFICATION,
    REGRESSION
  }

  public enum Activation {
    IDENTITY,
    SIGMOID,
    TANH,
    RELU,
    LEAKY_RELU,
    ELU,
    GELU
  }

  public enum Init {
    AUTO,
    XAVIER_UNIFORM,
    XAVIER_NORMAL,
    HE_UNIFORM,
    HE_NORMAL
  }

  public enum Loss {
    MSE,
    HUBER,
    BINARY_CROSS_ENTROPY,
    SOFTMAX_CROSS_ENTROPY
  }

  public enum OptimizerName {
    SGD,
    MOMENTUM,
    NESTEROV,
    ADAGRAD,
    RMSPROP,
    ADAM,
    ADAMW
  }

  public enum ScheduleName {
    CONSTANT,
    STEP,
    INVERSE_TIME
  }

  /**
   * @param name which optimizer
   * @param learningRate base learning rate (before the schedule)
   * @param momentum momentum coefficient (momentum, Nesterov)
   * @param beta1 first-moment decay (Adam, AdamW)
   * @param beta2 second-moment decay (Adam, AdamW)
   * @param rho squared-gradient decay (RMSProp)
   * @param epsilon denominator guard (AdaGrad, RMSProp, Adam, AdamW)
   * @param weightDecay L2 penalty added to the gradient (coupled), or decoupled for AdamW; applied
   *     to weights only, never to biases or batch-norm parameters
   */
  public record OptimizerSpec(
      OptimizerName name,
      double learningRate,
      double momentum,
      double beta1,
      double beta2,
      double rho,
      double epsilon,
      double weightDecay) {}

  /**
   * @param name the decay shape after warm-up
   * @param warmupSteps linear warm-up from 0 to the base rate over this many steps (0: none)
   * @param decaySteps step decay: period in steps; inverse time: the time scale
   * @param decayRate step decay: factor per period; inverse time: lr / (1 + rate * t / steps)
   */
  public record ScheduleSpec(
      ScheduleName name, long warmupSteps, long decaySteps, double decayRate) {}

  /**
   * @param everyExamples publish after this many trained examples (0: never by count)
   * @param everySeconds publish after this many seconds (0: never by time)
   */
  public record SnapshotPolicy(long everyExamples, double everySeconds) {}

  public enum ClassWeightMode {
    /** Every class weighs 1. */
    NONE,
    /** The weights the spec lists, one per class. */
    EXPLICIT,
    /**
     * From the running class prior: class c weighs (n + C) / (C · (n_c + 1)), where n_c counts the
     * examples of class c accepted so far (the mini-batch being learned included) and n = Σ n_c.
     */
    BALANCED
  }

  /**
   * How much an example of each class weighs in the loss; it multiplies the example's own weight.
   *
   * @param mode none, explicit or balanced
   * @param weights one finite weight >= 0 per class, in class order, for {@link
   *     ClassWeightMode#EXPLICIT}; empty otherwise
   */
  public record ClassWeight(ClassWeightMode mode, List<Double> weights) {
    /** Every class weighs 1. */
    public static final ClassWeight NONE = new ClassWeight(ClassWeightMode.NONE, List.of());

    /** Weights from the running class prior ({@link ClassWeightMode#BALANCED}). */
    public static final ClassWeight BALANCED = new ClassWeight(ClassWeightMode.BALANCED, List.of());

    public ClassWeight {
      SpecValidator.notNull("class_weight", mode);
      weights = List.copyOf(SpecValidator.notNull("class_weight", weights));
    }

    /** One weight per class, in class order. */
    public static ClassWeight explicit(List<Double> weights) {
      return new ClassWeight(ClassWeightMode.EXPLICIT, weights);
    }
  }

  /**
   * The label of class {@code index} as predictions show it: its name when the spec declares {@code
   * class_names}, else the index.
   */
  public String className(int index) {
    return classNames.isEmpty() ? Integer.toString(index) : classNames.get(index);
  }

  /**
   * The same spec with another learner; one learner of a spec whose population would race the input
   * transforms takes none.
   */
  public ModelSpec withLearner(Learner learner) {
    return with(
        learner,
        inputTransform == InputTransform.AUTO
            ? SpecDefaults.inputTransform(learner)
            : inputTransform);
  }

  /** The same spec with another input transform. */
  public ModelSpec withInputTransform(InputTransform transform) {
    return with(learner, transform);
  }

  private ModelSpec with(Learner learner, InputTransform transform) {
    return new ModelSpec(
        task,
        inputs,
        featureNames,
        outputs,
        hidden,
        activation,
        init,
        batchNorm,
        dropout,
        loss,
        huberDelta,
        optimizer,
        schedule,
        clipNorm,
        batchSize,
        standardize,
        seed,
        snapshot,
        classNames,
        classWeight,
        features,
        learner,
        transform);
  }

  /**
   * The weights of the network's dense layers: its multiply-adds per example, forward and backward
   * alike (embedding tables are sparse: an example touches a few rows of them).
   */
  public long denseWeights() {
    long count = 0;
    int in = inputs;
    for (int width : hidden) {
      count += (long) in * width;
      in = width;
    }
    return count + (long) in * outputWidth();
  }

  /** Width of the network's last layer: 1 for binary cross-entropy, else {@link #outputs}. */
  public int outputWidth() {
    return loss == Loss.BINARY_CROSS_ENTROPY ? 1 : outputs;
  }
}
