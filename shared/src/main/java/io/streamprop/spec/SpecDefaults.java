package io.streamprop.spec;

import io.streamprop.spec.ModelSpec.Activation;
import io.streamprop.spec.ModelSpec.Init;
import io.streamprop.spec.ModelSpec.OptimizerName;
import io.streamprop.spec.ModelSpec.ScheduleName;
import java.util.List;

/**
 * The default of every spec field, in one place. {@link SpecJson} fills missing fields from here,
 * {@code docs/spec.md} documents them, and nothing else hard-codes a default.
 *
 * <p>The defaults are chosen to learn well on standardized tabular data without tuning: one hidden
 * layer of 64 ReLU units with He initialization (He et al. 2015), Adam (Kingma and Ba 2015) at
 * 0.01, gradient clipping as a guard against early blow-ups, and mini-batches of 8 because an
 * online learner should react quickly. They were tuned by single-pass prequential accuracy on five
 * real data streams; the measurements are in {@code docs/learning-quality.md}.
 */
public final class SpecDefaults {
  private SpecDefaults() {}

  /** Regression models have one target unless {@code targets} says otherwise. */
  public static final int TARGETS = 1;

  public static final List<Integer> HIDDEN = List.of(64);
  public static final Activation ACTIVATION = Activation.RELU;
  public static final Init INIT = Init.AUTO;
  public static final boolean BATCH_NORM = false;
  public static final double DROPOUT = 0.0;

  /** Loss default depends on the task: softmax cross-entropy or mean squared error. */
  public static final ModelSpec.Loss CLASSIFICATION_LOSS = ModelSpec.Loss.SOFTMAX_CROSS_ENTROPY;

  public static final ModelSpec.Loss REGRESSION_LOSS = ModelSpec.Loss.MSE;
  public static final double HUBER_DELTA = 1.0;

  public static final OptimizerName OPTIMIZER = OptimizerName.ADAM;
  public static final double LEARNING_RATE = 0.01;
  public static final double MOMENTUM = 0.9;
  public static final double BETA1 = 0.9;
  public static final double BETA2 = 0.999;
  public static final double RHO = 0.9;
  public static final double EPSILON = 1e-8;
  public static final double WEIGHT_DECAY = 0.0;

  public static final ScheduleName SCHEDULE = ScheduleName.CONSTANT;
  public static final long WARMUP_STEPS = 0;
  public static final long DECAY_STEPS = 1000;
  public static final double DECAY_RATE = 0.5;

  public static final double CLIP_NORM = 5.0;
  public static final int BATCH_SIZE = 8;
  public static final boolean STANDARDIZE = true;
  public static final long SEED = 42;

  /** Every class weighs 1 (no {@code class_weight}). */
  public static final ModelSpec.ClassWeight CLASS_WEIGHT = ModelSpec.ClassWeight.NONE;

  /** Raw features ({@code features}): unknown event fields are ignored unless closed. */
  public static final boolean CLOSED_SCHEMA = false;

  /** Seed of the MurmurHash3 bucket hash of categorical and token features. */
  public static final long HASH_SEED = 0;

  public static final int CATEGORICAL_BUCKETS = 1024;
  public static final int CATEGORICAL_EMBEDDING_DIM = 8;
  public static final int CATEGORICAL_MAX_LENGTH = 1024;
  public static final int TOKENS_BUCKETS = 4096;
  public static final int TOKENS_EMBEDDING_DIM = 16;
  public static final int TOKENS_MAX_LENGTH = 8192;
  public static final int MAX_TOKENS = 256;
  public static final boolean BIGRAMS = false;

  /**
   * The learner of a spec that gives no {@code optimizer}: a population of learning rates and
   * widths (see {@code docs/learning-quality.md}); a spec that gives one gets exactly that one
   * learner.
   */
  public static final ModelSpec.Learner OPEN_LEARNER = ModelSpec.Learner.POPULATION;

  /**
   * The input transform of a spec that gives none: a population races them ({@code auto}: members
   * with inputs as they are and on the signed log scale), one learner takes its inputs as they are.
   */
  public static ModelSpec.InputTransform inputTransform(ModelSpec.Learner learner) {
    return learner == ModelSpec.Learner.POPULATION
        ? ModelSpec.InputTransform.AUTO
        : ModelSpec.InputTransform.NONE;
  }

  public static final long SNAPSHOT_EVERY_EXAMPLES = 10_000;
  public static final double SNAPSHOT_EVERY_SECONDS = 5.0;

  /** The default optimizer: {@link #OPTIMIZER} with every hyper-parameter at its default. */
  public static ModelSpec.OptimizerSpec optimizer() {
    return new ModelSpec.OptimizerSpec(
        OPTIMIZER, LEARNING_RATE, MOMENTUM, BETA1, BETA2, RHO, EPSILON, WEIGHT_DECAY);
  }

  /** The default schedule: constant, no warm-up. */
  public static ModelSpec.ScheduleSpec schedule() {
    return new ModelSpec.ScheduleSpec(SCHEDULE, WARMUP_STEPS, DECAY_STEPS, DECAY_RATE);
  }

  /** The default snapshot policy: every 10,000 examples or 5 seconds, whichever comes first. */
  public static ModelSpec.SnapshotPolicy snapshot() {
    return new ModelSpec.SnapshotPolicy(SNAPSHOT_EVERY_EXAMPLES, SNAPSHOT_EVERY_SECONDS);
  }
}
