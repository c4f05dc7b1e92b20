package io.streamprop.spec;

import io.streamprop.features.FeatureSchema;
import io.streamprop.spec.ModelSpec.Activation;
import io.streamprop.spec.ModelSpec.Init;
import io.streamprop.spec.ModelSpec.Loss;
import io.streamprop.spec.ModelSpec.OptimizerSpec;
import io.streamprop.spec.ModelSpec.ScheduleName;
import io.streamprop.spec.ModelSpec.ScheduleSpec;
import io.streamprop.spec.ModelSpec.SnapshotPolicy;
import io.streamprop.spec.ModelSpec.Task;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The rules every {@link ModelSpec} obeys, checked by its constructor. Each failure is a {@link
 * SpecException} naming the JSON path of the field (as in {@code docs/spec.md}) and the bad value.
 */
final class SpecValidator {
  private SpecValidator() {}

  static <T> T notNull(String field, T value) {
    if (value == null) {
      throw new SpecException(field, "must be given, got null");
    }
    return value;
  }

  static void validate(
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
      SnapshotPolicy snapshot,
      FeatureSchema features) {
    notNull("task", task);
    intRange("inputs", inputs, 1, SpecLimits.MAX_INPUTS);
    featureNames(featureNames, inputs);
    features(features, inputs, featureNames);
    if (task == Task.CLASSIFICATION) {
      intRange("classes", outputs, SpecLimits.MIN_CLASSES, SpecLimits.MAX_CLASSES);
    } else {
      intRange("targets", outputs, 1, SpecLimits.MAX_TARGETS);
    }
    hidden(hidden);
    notNull("activation", activation);
    notNull("init", init);
    if (!(dropout >= 0 && dropout < 1)) {
      throw new SpecException("dropout", "must be in [0, 1), got " + format(dropout));
    }
    notNull("loss", loss);
    if (!SpecLimits.lossFits(task, outputs, loss)) {
      throw new SpecException("loss", lossMismatch(task, outputs, loss));
    }
    positive("huber_delta", huberDelta);
    optimizer(notNull("optimizer", optimizer));
    schedule(notNull("schedule", schedule));
    nonNegative("clip_norm", clipNorm);
    intRange("batch_size", batchSize, 1, SpecLimits.MAX_BATCH_SIZE);
    snapshot(notNull("snapshot", snapshot));
    size(task, inputs, featureNames, outputs, hidden, batchNorm, loss, batchSize, features);
  }

  private static void features(FeatureSchema features, int inputs, List<String> featureNames) {
    if (features == null) {
      return;
    }
    if (!featureNames.isEmpty()) {
      throw new SpecException(
          "feature_names",
          "must be empty when \"features\" names the inputs, got "
              + featureNames.size()
              + " names");
    }
    int width = features.layout().inputs();
    if (inputs != width) {
      throw new SpecException(
          "inputs",
          "must agree with \"features\", which make "
              + width
              + " network inputs ("
              + features.layout().denseWidth()
              + " dense + "
              + (width - features.layout().denseWidth())
              + " embedding outputs); leave it out, got "
              + inputs);
    }
  }

  private static void featureNames(List<String> names, int inputs) {
    if (names.isEmpty()) {
      return;
    }
    if (names.size() != inputs) {
      throw new SpecException(
          "feature_names", "must name every input: inputs is " + inputs + ", got " + names.size());
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < names.size(); i++) {
      String field = "feature_names[" + i + "]";
      String name = notNull(field, names.get(i));
      if (name.isBlank() || name.length() > SpecLimits.MAX_FEATURE_NAME_LENGTH) {
        throw new SpecException(
            field,
            "must be 1.."
                + SpecLimits.MAX_FEATURE_NAME_LENGTH
                + " characters and not blank, got \""
                + abbreviate(name)
                + "\"");
      }
      if (!seen.add(name)) {
        throw new SpecException(field, "duplicate name \"" + abbreviate(name) + "\"");
      }
    }
  }

  /**
   * Class names and class weights: classification only; names unique, 1..{@value
   * SpecLimits#MAX_CLASS_NAME_LENGTH} characters, not blank, one per class; explicit weights one
   * per class, finite and >= 0, not all 0; and the snapshot bound with them added still fits.
   *
   * @param boundWithoutLabels {@link SpecLimits#snapshotBytesUpperBound} of the rest of the spec
   */
  static void labels(
      Task task,
      int outputs,
      int batchSize,
      List<String> classNames,
      ModelSpec.ClassWeight classWeight,
      long boundWithoutLabels) {
    boolean weighted = classWeight.mode() != ModelSpec.ClassWeightMode.NONE;
    if (task != Task.CLASSIFICATION) {
      if (!classNames.isEmpty()) {
        throw new SpecException(
            "class_names", "is for classification; a regression model has none");
      }
      if (weighted) {
        throw new SpecException(
            "class_weight", "is for classification; a regression model weighs examples only");
      }
      return;
    }
    if (!classNames.isEmpty()) {
      if (classNames.size() != outputs) {
        throw new SpecException(
            "class_names",
            "must name every class: classes is " + outputs + ", got " + classNames.size());
      }
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < classNames.size(); i++) {
        String field = "class_names[" + i + "]";
        String name = notNull(field, classNames.get(i));
        if (name.isBlank() || name.length() > SpecLimits.MAX_CLASS_NAME_LENGTH) {
          throw new SpecException(
              field,
              "must be 1.."
                  + SpecLimits.MAX_CLASS_NAME_LENGTH
                  + " characters and not blank, got \""
                  + abbreviate(name)
                  + "\"");
        }
        if (!seen.add(name)) {
          throw new SpecException(field, "duplicate name \"" + abbreviate(name) + "\"");
        }
      }
    }
    List<Double> weights = classWeight.weights();
    if (classWeight.mode() == ModelSpec.ClassWeightMode.EXPLICIT) {
      if (weights.size() != outputs) {
        throw new SpecException(
            "class_weight",
            "must give one weight per class: classes is " + outputs + ", got " + weights.size());
      }
      boolean positive = false;
      for (int i = 0; i < weights.size(); i++) {
        double w = notNull("class_weight[" + i + "]", weights.get(i));
        nonNegative("class_weight[" + i + "]", w);
        positive |= w > 0;
      }
      if (!positive) {
        throw new SpecException(
            "class_weight", "every weight is 0: the model would never learn; got " + weights);
      }
    } else if (!weights.isEmpty()) {
      throw new SpecException(
          "class_weight",
          "only explicit class weights list numbers, got "
              + classWeight.mode().name().toLowerCase(Locale.ROOT)
              + " with "
              + weights.size());
    }
    long bound =
        boundWithoutLabels
            + SpecLimits.labelBytesUpperBound(outputs, batchSize, classNames, classWeight);
    if (bound > SpecLimits.MAX_SNAPSHOT_BYTES) {
      throw new SpecException(
          "class_names",
          "a snapshot of this model could take "
              + bound
              + " bytes, more than the limit of "
              + SpecLimits.MAX_SNAPSHOT_BYTES
              + "; use shorter class names or a smaller model");
    }
  }

  private static void hidden(List<Integer> hidden) {
    if (hidden.size() > SpecLimits.MAX_HIDDEN_LAYERS) {
      throw new SpecException(
          "hidden",
          "at most " + SpecLimits.MAX_HIDDEN_LAYERS + " hidden layers, got " + hidden.size());
    }
    for (int i = 0; i < hidden.size(); i++) {
      String field = "hidden[" + i + "]";
      intRange(field, notNull(field, hidden.get(i)), 1, SpecLimits.MAX_WIDTH);
    }
  }

  private static void optimizer(OptimizerSpec o) {
    notNull("optimizer.name", o.name());
    positive("optimizer.learning_rate", o.learningRate());
    unitInterval("optimizer.momentum", o.momentum());
    if (o.name() == ModelSpec.OptimizerName.NESTEROV && o.momentum() == 0) {
      throw new SpecException(
          "optimizer.momentum", "Nesterov needs momentum in (0, 1) (0 is plain sgd), got 0");
    }
    unitInterval("optimizer.beta1", o.beta1());
    unitInterval("optimizer.beta2", o.beta2());
    unitInterval("optimizer.rho", o.rho());
    positive("optimizer.epsilon", o.epsilon());
    nonNegative("optimizer.weight_decay", o.weightDecay());
  }

  private static void schedule(ScheduleSpec s) {
    notNull("schedule.name", s.name());
    if (s.warmupSteps() < 0) {
      throw new SpecException("schedule.warmup_steps", "must be >= 0, got " + s.warmupSteps());
    }
    if (s.decaySteps() < 1) {
      throw new SpecException("schedule.decay_steps", "must be >= 1, got " + s.decaySteps());
    }
    nonNegative("schedule.decay_rate", s.decayRate());
    if (s.name() == ScheduleName.STEP && !(s.decayRate() > 0 && s.decayRate() <= 1)) {
      throw new SpecException(
          "schedule.decay_rate",
          "step decay multiplies the rate by it every decay_steps, so it must be in (0, 1], got "
              + format(s.decayRate()));
    }
  }

  private static void snapshot(SnapshotPolicy p) {
    if (p.everyExamples() < 0) {
      throw new SpecException("snapshot.every_examples", "must be >= 0, got " + p.everyExamples());
    }
    nonNegative("snapshot.every_seconds", p.everySeconds());
    if (p.everyExamples() == 0 && p.everySeconds() == 0) {
      throw new SpecException(
          "snapshot", "every_examples and every_seconds are both 0: the model would never publish");
    }
  }

  private static void size(
      Task task,
      int inputs,
      List<String> featureNames,
      int outputs,
      List<Integer> hidden,
      boolean batchNorm,
      Loss loss,
      int batchSize,
      FeatureSchema features) {
    int outputWidth = loss == Loss.BINARY_CROSS_ENTROPY ? 1 : outputs;
    long parameters =
        SpecLimits.parameterCount(inputs, hidden, batchNorm, outputWidth)
            + SpecLimits.embeddingParameters(features);
    if (parameters > SpecLimits.MAX_PARAMETERS) {
      throw new SpecException(
          "hidden",
          "the model would have "
              + parameters
              + " parameters, more than the limit of "
              + SpecLimits.MAX_PARAMETERS
              + " (so that its snapshot fits in one Kafka record); use narrower layers");
    }
    long pending =
        SpecLimits.pendingFloats(
            batchSize,
            inputs + SpecLimits.maxIdsPerExample(features),
            SpecLimits.labelWidth(task, outputs));
    if (pending > SpecLimits.MAX_PENDING_FLOATS) {
      throw new SpecException(
          "batch_size",
          "batch_size * (inputs + label width) = "
              + pending
              + " floats, more than the limit of "
              + SpecLimits.MAX_PENDING_FLOATS
              + "; use a smaller batch_size, got "
              + batchSize);
    }
    long bound =
        SpecLimits.snapshotBytesUpperBound(
            inputs, featureNames, hidden, batchNorm, outputWidth, pending, features);
    if (bound > SpecLimits.MAX_SNAPSHOT_BYTES) {
      throw new SpecException(
          "hidden",
          "a snapshot of this model could take "
              + bound
              + " bytes, more than the limit of "
              + SpecLimits.MAX_SNAPSHOT_BYTES
              + "; use narrower layers, fewer inputs or a smaller batch_size");
    }
  }

  private static String lossMismatch(Task task, int outputs, Loss loss) {
    String name = loss.name().toLowerCase(Locale.ROOT);
    return switch (loss) {
      case SOFTMAX_CROSS_ENTROPY ->
          "softmax_cross_entropy is for classification; for regression"
              + " use mse or huber, got "
              + name;
      case BINARY_CROSS_ENTROPY ->
          task == Task.CLASSIFICATION
              ? "binary_cross_entropy needs classes == 2, got classes "
                  + outputs
                  + "; use softmax_cross_entropy"
              : "binary_cross_entropy is for classification with 2 classes; for regression use mse"
                  + " or huber";
      case MSE, HUBER ->
          name
              + " is for regression; for classification use"
              + " softmax_cross_entropy (or binary_cross_entropy with 2 classes), got "
              + name;
    };
  }

  private static void intRange(String field, long value, long min, long max) {
    if (value < min || value > max) {
      throw new SpecException(field, "must be in " + min + ".." + max + ", got " + value);
    }
  }

  private static void positive(String field, double value) {
    if (!(value > 0) || !Double.isFinite(value)) {
      throw new SpecException(field, "must be > 0 and finite, got " + format(value));
    }
  }

  private static void nonNegative(String field, double value) {
    if (!(value >= 0) || !Double.isFinite(value)) {
      throw new SpecException(field, "must be >= 0 and finite, got " + format(value));
    }
  }

  private static void unitInterval(String field, double value) {
    if (!(value >= 0 && value < 1)) {
      throw new SpecException(field, "must be in [0, 1), got " + format(value));
    }
  }

  /** A double as a person writes it: 64 rather than 64.0, 0.003 rather than 0.0030. */
  static String format(double value) {
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    return Double.toString(value);
  }

  static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }
}
