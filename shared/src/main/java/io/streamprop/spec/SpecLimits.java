package io.streamprop.spec;

import io.streamprop.features.FeatureSchema;
import io.streamprop.features.FeatureSpec;
import io.streamprop.spec.ModelSpec.Loss;
import io.streamprop.spec.ModelSpec.Task;
import java.util.List;

/**
 * Hard limits on what a spec may declare, chosen so that the largest valid model's snapshot fits in
 * one Kafka record that a default broker accepts.
 *
 * <p>The chain of reasoning: a broker refuses any request above {@code socket.request.max.bytes}
 * (100 MiB by default, a broker-wide setting an application cannot change), so a snapshot must stay
 * well below it: {@link #MAX_SNAPSHOT_BYTES} is 64 MiB. {@link #snapshotBytesUpperBound} bounds a
 * spec's snapshot from above (parameters, two optimizer slots per parameter, batch-norm running
 * statistics, the partly filled mini-batch, input and target normalizer statistics, the spec
 * itself, per-array overhead), and {@link ModelSpec}'s constructor refuses a spec whose bound
 * exceeds the limit, so the trainer never builds a model it cannot publish. The trainer sets the
 * snapshot topic's {@code max.message.bytes}, the producer's {@code max.request.size} and {@code
 * buffer.memory}, and the consumers' fetch sizes from {@link #MAX_SNAPSHOT_RECORD_BYTES}.
 */
public final class SpecLimits {
  private SpecLimits() {}

  public static final int MAX_INPUTS = 100_000;
  public static final int MIN_CLASSES = 2;
  public static final int MAX_CLASSES = 10_000;
  public static final int MAX_TARGETS = 10_000;
  public static final int MAX_HIDDEN_LAYERS = 64;
  public static final int MAX_WIDTH = 65_536;
  public static final int MAX_BATCH_SIZE = 65_536;
  public static final int MAX_FEATURE_NAME_LENGTH = 256;
  public static final int MAX_CLASS_NAME_LENGTH = 256;

  /** Raw features ({@code features}): at most this many fields. */
  public static final int MAX_FEATURES = 10_000;

  /** Hash buckets of one categorical or tokens feature (bucket 0 is "missing"). */
  public static final int MIN_BUCKETS = 2;

  public static final int MAX_BUCKETS = 1 << 24;
  public static final int MAX_EMBEDDING_DIM = 1024;
  public static final int MAX_TOKENS = 65_536;

  /** Longest string a feature may declare as its {@code max_length}, in UTF-16 code units. */
  public static final int MAX_STRING_LENGTH = 1 << 20;

  /** {@code hash_seed} is an unsigned 32-bit integer. */
  public static final long MAX_HASH_SEED = 0xffff_ffffL;

  /** Trainable parameters: dense weights and biases plus batch-norm scale and shift. */
  public static final long MAX_PARAMETERS = 4_000_000;

  /** Floats held by a partly filled mini-batch: batch size times (inputs + label width). */
  public static final long MAX_PENDING_FLOATS = 2_000_000;

  /** Largest spec JSON accepted by {@link SpecJson#parse}, in UTF-8 bytes. */
  public static final int MAX_SPEC_JSON_BYTES = 8 * 1024 * 1024;

  /** Largest encoded snapshot, in bytes (64 MiB). */
  public static final int MAX_SNAPSHOT_BYTES = 64 * 1024 * 1024;

  /**
   * Size to configure for a snapshot record on the topic and the clients ({@code
   * max.message.bytes}, {@code max.request.size}, {@code buffer.memory}, {@code
   * max.partition.fetch.bytes}, {@code fetch.max.bytes}): the snapshot plus 1 MiB for the key,
   * headers and record-batch framing.
   */
  public static final int MAX_SNAPSHOT_RECORD_BYTES = MAX_SNAPSHOT_BYTES + 1024 * 1024;

  /** Optimizer slots per parameter in the worst case (Adam and AdamW keep m and v). */
  static final int MAX_OPTIMIZER_SLOTS = 2;

  /** Trainable parameters of the network the spec describes, embedding tables included. */
  public static long parameterCount(ModelSpec spec) {
    return parameterCount(spec.inputs(), spec.hidden(), spec.batchNorm(), spec.outputWidth())
        + embeddingParameters(spec.features());
  }

  /** Parameters of the embedding tables of raw features (0 without features). */
  static long embeddingParameters(FeatureSchema features) {
    return features == null ? 0 : features.layout().embeddingParameters();
  }

  /** Bucket ids one example can make (0 without features). */
  static int maxIdsPerExample(FeatureSchema features) {
    return features == null ? 0 : features.layout().maxIdsPerExample();
  }

  static long parameterCount(int inputs, List<Integer> hidden, boolean batchNorm, int outputWidth) {
    long count = 0;
    int in = inputs;
    for (int width : hidden) {
      count += (long) in * width + width; // weight + bias
      if (batchNorm) {
        count += 2L * width; // gamma + beta
      }
      in = width;
    }
    return count + (long) in * outputWidth + outputWidth;
  }

  /** Label width of one example: 1 for a class index, {@code targets} for regression. */
  public static int labelWidth(ModelSpec spec) {
    return labelWidth(spec.task(), spec.outputs());
  }

  static int labelWidth(Task task, int outputs) {
    return task == Task.CLASSIFICATION ? 1 : outputs;
  }

  /**
   * Floats a full pending mini-batch holds: batch size times (inputs + label width); with raw
   * features, each example's bucket ids are counted as well.
   */
  public static long pendingFloats(ModelSpec spec) {
    return pendingFloats(
        spec.batchSize(), spec.inputs() + maxIdsPerExample(spec.features()), labelWidth(spec));
  }

  static long pendingFloats(int batchSize, int inputs, int labelWidth) {
    return (long) batchSize * (inputs + labelWidth);
  }

  /**
   * An upper bound of the encoded snapshot size of any model state built from this spec, assuming
   * the engine keeps at most {@value #MAX_OPTIMIZER_SLOTS} optimizer slots per parameter.
   */
  public static long snapshotBytesUpperBound(ModelSpec spec) {
    return snapshotBytesUpperBound(
            spec.inputs(),
            spec.featureNames(),
            spec.hidden(),
            spec.batchNorm(),
            spec.outputWidth(),
            pendingFloats(spec),
            spec.features())
        + labelBytesUpperBound(
            spec.outputs(), spec.batchSize(), spec.classNames(), spec.classWeight());
  }

  /**
   * What class names and class weights add to a snapshot at most: the names in the spec's JSON (six
   * bytes per character when escaped), explicit weights written as JSON numbers, the running class
   * counts (one float64 per class), the pending example weights (one float32 per row, counted for
   * every spec), and an array's overhead.
   */
  static long labelBytesUpperBound(
      int outputs, int batchSize, List<String> classNames, ModelSpec.ClassWeight classWeight) {
    long bytes = 4L * batchSize;
    for (String name : classNames) {
      bytes += 6L * name.length() + 4;
    }
    bytes += 26L * classWeight.weights().size(); // "-1.2345678901234567E-300,"
    if (classWeight.mode() == ModelSpec.ClassWeightMode.BALANCED) {
      bytes += 8L * outputs;
    }
    return bytes + 2 * (2 + 64 + 4);
  }

  static long snapshotBytesUpperBound(
      int inputs,
      List<String> featureNames,
      List<Integer> hidden,
      boolean batchNorm,
      int outputWidth,
      long pendingFloats,
      FeatureSchema features) {
    long parameters =
        parameterCount(inputs, hidden, batchNorm, outputWidth) + embeddingParameters(features);
    long floats = parameters * (1 + MAX_OPTIMIZER_SLOTS) + pendingFloats;
    long hiddenUnits = 0;
    for (int width : hidden) {
      hiddenUnits += width;
    }
    if (batchNorm) {
      floats += 2 * hiddenUnits; // running mean and variance
    }
    // Input normalizer count, mean, m2; target mean and m2 (regression with standardize; counted
    // for every task, a harmless over-estimate); a few running sums and counts (the target count,
    // the prequential loss).
    long doubles = 3L * inputs + 2L * outputWidth + 64;
    long arrays = 2L * (hidden.size() + 1) * (1 + MAX_OPTIMIZER_SLOTS) + 64;
    if (batchNorm) {
      arrays += 4L * hidden.size() * (1 + MAX_OPTIMIZER_SLOTS);
    }
    if (features != null) {
      arrays += (long) features.layout().embeddings().size() * (1 + MAX_OPTIMIZER_SLOTS);
    }
    long perArrayOverhead = 2 + 64 + 4; // name length, a generous name, array length
    return 4 * floats
        + 8 * doubles
        + arrays * perArrayOverhead
        + specJsonBytesUpperBound(featureNames, hidden)
        + featuresJsonBytesUpperBound(features)
        + 4096; // header, counters, checksum
  }

  /** An upper bound of the JSON of {@code features}: escaped names and every option written. */
  static long featuresJsonBytesUpperBound(FeatureSchema features) {
    if (features == null) {
      return 0;
    }
    long bytes = 128;
    for (FeatureSpec f : features.features()) {
      bytes += 6L * f.name().length() + 200;
    }
    return bytes;
  }

  /** An upper bound of the spec's JSON size: names may escape every character as six bytes. */
  static long specJsonBytesUpperBound(List<String> featureNames, List<Integer> hidden) {
    long bytes = 2048 + 12L * hidden.size();
    for (String name : featureNames) {
      bytes += 6L * name.length() + 4;
    }
    return bytes;
  }

  /** True when the loss is meant for the task (see {@code docs/spec.md}). */
  static boolean lossFits(Task task, int outputs, Loss loss) {
    return switch (loss) {
      case SOFTMAX_CROSS_ENTROPY -> task == Task.CLASSIFICATION;
      case BINARY_CROSS_ENTROPY -> task == Task.CLASSIFICATION && outputs == 2;
      case MSE, HUBER -> task == Task.REGRESSION;
    };
  }
}
