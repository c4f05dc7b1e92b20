package io.streamprop.spec;

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
 * @param learner one learner of exactly this spec, or a population of variants of it (learning
 *     rates and widths) that serves whichever member predicts best ({@code
 *     io.streamprop.learn.population}); the population is the default when the spec gives no {@code
 *     optimizer}
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
    Learner learner) {

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
        snapshot);
    SpecValidator.notNull("learner", learner);
  }

  /** Who learns: the spec's one model, or a population of variants of it. */
  public enum Learner {
    SINGLE,
    POPULATION
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

  /** The same spec with another learner (how a population makes its members' specs). */
  public ModelSpec withLearner(Learner learner) {
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
        learner);
  }

  /** Width of the network's last layer: 1 for binary cross-entropy, else {@link #outputs}. */
  public int outputWidth() {
    return loss == Loss.BINARY_CROSS_ENTROPY ? 1 : outputs;
  }
}
