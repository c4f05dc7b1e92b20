package io.streamprop.learn;

import io.streamprop.learn.state.NormalizerState;
import io.streamprop.spec.ModelSpec;

/**
 * The learner's standardization, both ends of the network ({@link Normalizer}): the inputs when the
 * spec's {@code standardize} is true, and for regression with {@code standardize} the targets, so
 * that the network learns {@code (y - mean) / std} while loss, squared error and predictions stay
 * in the user's units.
 *
 * <p>When statistics change (see {@code docs/engine.md}): an input joins the input statistics when
 * the example is accepted ({@link #observe}), so a batch is standardized with statistics that
 * include all its examples; a batch's labels join the target statistics at step time, after the
 * batch was scored in the user's units with the statistics from before it ({@link #toUserUnits})
 * and before it is learned ({@link #trainingLabels}), so its own labels cannot leak into its score.
 *
 * <p>With {@code input_transform: symlog} the inputs go through {@link Symlog} first: the
 * statistics are those of the transformed inputs, and the inputs stay untransformed in the pending
 * mini-batch (and so in the model state) until they are standardized.
 */
final class Standardization {
  private final boolean inputsOn;
  private final boolean symlog; // input_transform symlog: Symlog before statistics and network
  private final int inputs;
  private final int targetWidth;
  private final Normalizer inputStatistics; // a spec of numbers; null with raw features
  private final MissingAwareNormalizer rawStatistics; // raw features; null otherwise
  private final Normalizer targets; // null: the network learns targets in the user's units
  private final float[] standardizedLabels; // (batchSize, targets)
  private final float[] userUnits; // (batchSize, targets)

  private Standardization(
      ModelSpec spec,
      Normalizer inputStatistics,
      MissingAwareNormalizer rawStatistics,
      Normalizer targets) {
    this.inputsOn = spec.standardize();
    this.symlog = symlog(spec);
    this.inputs = spec.inputs();
    this.targetWidth = spec.outputs();
    this.inputStatistics = inputStatistics;
    this.rawStatistics = rawStatistics;
    this.targets = targets;
    int targetFloats = targets == null ? 0 : spec.batchSize() * spec.outputs();
    this.standardizedLabels = targets == null ? null : new float[targetFloats];
    this.userUnits = targets == null ? null : new float[targetFloats];
  }

  /** A new model's: empty statistics, targets standardized exactly when the spec asks for it. */
  static Standardization create(ModelSpec spec) {
    Normalizer targets = standardizesTargets(spec) ? new Normalizer(spec.outputs()) : null;
    if (spec.hasFeatures()) {
      MissingAwareNormalizer raw =
          new MissingAwareNormalizer(spec.features().layout(), spec.standardize(), symlog(spec));
      return new Standardization(spec, null, raw, targets);
    }
    return new Standardization(spec, new Normalizer(spec.inputs(), symlog(spec)), null, targets);
  }

  /** Resumes from a state's statistics (targets: see {@link #targetNormalizer}). */
  static Standardization restore(ModelSpec spec, NormalizerState inputs, NormalizerState targets) {
    Normalizer targetStatistics = targetNormalizer(spec, targets);
    if (spec.hasFeatures()) {
      return new Standardization(spec, null, rawNormalizer(spec, inputs), targetStatistics);
    }
    return new Standardization(
        spec, new Normalizer(inputs, spec.inputs(), symlog(spec)), null, targetStatistics);
  }

  /**
   * The missing-aware input standardization of a spec with raw features from a state's input
   * statistics (arrays copied).
   *
   * @throws IllegalArgumentException if the statistics do not fit the spec's numeric features
   */
  static MissingAwareNormalizer rawNormalizer(ModelSpec spec, NormalizerState inputs) {
    return new MissingAwareNormalizer(
        spec.features().layout(), spec.standardize(), symlog(spec), inputs);
  }

  /**
   * True when the spec's numeric inputs go through {@link Symlog} before their statistics and the
   * network ({@code input_transform: symlog}).
   */
  static boolean symlog(ModelSpec spec) {
    return spec.inputTransform() == ModelSpec.InputTransform.SYMLOG;
  }

  /** True if a new model of this spec learns standardized targets: regression with standardize. */
  static boolean standardizesTargets(ModelSpec spec) {
    return spec.standardize() && spec.task() == ModelSpec.Task.REGRESSION;
  }

  /**
   * The target normalizer of a state's target statistics, or null when it has none: a model written
   * before targets were standardized keeps learning and predicting in the user's units.
   *
   * @throws IllegalArgumentException for target statistics on a spec that does not standardize
   *     targets, or of the wrong width
   */
  static Normalizer targetNormalizer(ModelSpec spec, NormalizerState targets) {
    if (targets == null) {
      return null;
    }
    if (!standardizesTargets(spec)) {
      throw new IllegalArgumentException(
          "model state has target statistics, but only a regression spec with standardize true"
              + " standardizes targets");
    }
    return new Normalizer(targets, spec.outputs());
  }

  /**
   * An accepted example's raw features, {@code features[offset ..)}, join the input statistics:
   * when inputs standardize, and always with raw features (whose statistics impute missing
   * numbers).
   */
  void observe(float[] features, int offset) {
    if (rawStatistics != null) {
      rawStatistics.update(features, offset);
    } else if (inputsOn) {
      inputStatistics.update(features, offset);
    }
  }

  /**
   * (rows, inputs) raw features into {@code out}: standardized, or copied when inputs do not. With
   * raw features, (rows, denseWidth) dense rows into the first denseWidth columns of (rows, inputs)
   * {@code out} ({@link MissingAwareNormalizer#apply}).
   */
  void standardizeInputs(float[] raw, float[] out, int rows) {
    if (rawStatistics != null) {
      rawStatistics.apply(raw, out, rows);
    } else if (inputsOn) {
      inputStatistics.apply(raw, out, rows);
    } else if (symlog) {
      Symlog.apply(raw, 0, out, 0, rows * inputs);
    } else {
      System.arraycopy(raw, 0, out, 0, rows * inputs);
    }
  }

  /**
   * The network's outputs in the user's units: with standardized targets, {@code z · std + mean}
   * with the target statistics as they are now (into a scratch array); otherwise the logits.
   */
  float[] toUserUnits(float[] logits, int rows) {
    if (targets == null) {
      return logits;
    }
    targets.invert(logits, userUnits, rows);
    return userUnits;
  }

  /**
   * The labels the network learns: with standardized targets, the batch's labels join the target
   * statistics (row order, Welford) and are standardized with them; otherwise the raw labels.
   */
  float[] trainingLabels(float[] labels, int rows) {
    if (targets == null) {
      return labels;
    }
    for (int r = 0; r < rows; r++) {
      targets.update(labels, r * targetWidth);
    }
    targets.apply(labels, standardizedLabels, rows);
    return standardizedLabels;
  }

  boolean standardizesTargets() {
    return targets != null;
  }

  NormalizerState inputState() {
    return rawStatistics != null ? rawStatistics.state() : inputStatistics.state();
  }

  /** The target statistics, or null when targets are in the user's units. */
  NormalizerState targetState() {
    return targets == null ? null : targets.state();
  }
}
