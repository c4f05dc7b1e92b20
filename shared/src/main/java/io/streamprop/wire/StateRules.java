package io.streamprop.wire;

import static io.streamprop.wire.StateCodec.BATCH_NORM;
import static io.streamprop.wire.StateCodec.CLASS_COUNTS;
import static io.streamprop.wire.StateCodec.DENSE;
import static io.streamprop.wire.StateCodec.NORM_COUNT;
import static io.streamprop.wire.StateCodec.NORM_COUNTS;
import static io.streamprop.wire.StateCodec.NORM_M2;
import static io.streamprop.wire.StateCodec.NORM_MEAN;
import static io.streamprop.wire.StateCodec.OPTIM;
import static io.streamprop.wire.StateCodec.OPTIM_STEPS;
import static io.streamprop.wire.StateCodec.PENDING_COUNT;
import static io.streamprop.wire.StateCodec.PENDING_FEATURES;
import static io.streamprop.wire.StateCodec.PENDING_LABELS;
import static io.streamprop.wire.StateCodec.PENDING_WEIGHTS;
import static io.streamprop.wire.StateCodec.PREQUENTIAL_LOSS;
import static io.streamprop.wire.StateCodec.RNG;
import static io.streamprop.wire.StateCodec.TARGET_ARRAYS;
import static io.streamprop.wire.StateCodec.TARGET_COUNT;

import io.streamprop.features.FeatureLayout;
import io.streamprop.learn.state.Counters;
import io.streamprop.learn.state.NamedArrays;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a snapshot's named arrays ({@link StateCodec}) must satisfy to be written or read: counters
 * are not negative, array names are short ASCII, the arrays whose names the format defines (listed
 * in {@code docs/snapshot-format.md}) have the shapes the spec implies and hold only finite values,
 * and every one of them that a model needs is present (dense and batch-norm layers, optimizer slots
 * for every parameter tensor, the pending batch, the input normalizer, the generator), so a decoded
 * state always makes a whole model that can predict and resume. Target statistics ({@code
 * target.count}, {@code target.mean}, {@code target.m2}) are optional as a group: a regression
 * model with {@code standardize} has them, models written before targets were standardized do not.
 * {@code pending.weights} (float32, one per pending row, finite and >= 0) is present only when a
 * pending example's weight is not 1; {@code class.counts} (float64, one whole number >= 0 per
 * class) exactly when the spec's {@code class_weight} is {@code "balanced"}. A spec with raw
 * features needs one {@code embedding.<k>.weight} (buckets × dim) per embedded field, the input
 * statistics of its numeric features only with their per-column counts ({@code norm.counts}, whole
 * numbers up to {@code norm.count}), and per table the pending bags ({@code pending.ids.<k>}, whole
 * numbers in [0, buckets); {@code pending.offsets.<k>}, pending.count + 1 of them from 0, never
 * decreasing, ending at the number of ids); its {@code pending.features} are dense rows that may
 * hold NaN in the numeric value columns (a missing number). A spec of numbers has none of these.
 * Arrays with other names are carried as they are.
 */
final class StateRules {
  private StateRules() {}

  /**
   * 1..255 characters of {@code [A-Za-z0-9._-]}; a loop, not a regular expression (every array name
   * of every snapshot encoded or decoded passes here).
   */
  static boolean validName(String name) {
    if (name == null || name.isEmpty() || name.length() > SnapshotCodec.MAX_NAME_BYTES) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      if (!nameChar(name.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** One of [A-Za-z0-9._-], the characters of an array name. */
  static boolean nameChar(char c) {
    return (c >= 'A' && c <= 'Z')
        || (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9')
        || c == '.'
        || c == '_'
        || c == '-';
  }

  static void checkName(String name) {
    if (!validName(name)) {
      throw new SnapshotException(
          "corrupt snapshot: array name \""
              + ExampleParser.abbreviate(name)
              + "\" is not 1..255 characters of [A-Za-z0-9._-]");
    }
  }

  /**
   * The format version a state is written in: 3 for a spec with raw features, else 2 if it holds
   * target statistics, else 1 (see {@link SnapshotCodec#FORMAT_VERSION}).
   */
  static int formatVersion(ModelSpec spec, NamedArrays arrays) {
    if (spec.hasFeatures()) {
      return SnapshotCodec.FORMAT_VERSION;
    }
    return arrays.doubles().containsKey(TARGET_COUNT)
        ? SnapshotCodec.FORMAT_VERSION_2
        : SnapshotCodec.FORMAT_VERSION_1;
  }

  static void check(ModelSpec spec, Counters counters, NamedArrays arrays) {
    nonNegative("model version", counters.version());
    nonNegative("examples", counters.examples());
    nonNegative("steps", counters.steps());
    nonNegative("skipped steps", counters.skippedSteps());

    int layers = spec.hidden().size() + 1;
    List<Integer> tensorLengths = parameterTensorLengths(spec);
    for (Map.Entry<String, float[]> e : arrays.floats().entrySet()) {
      String name = e.getKey();
      checkName(name);
      float[] values = e.getValue();
      if (values == null) {
        throw new SnapshotException("invalid snapshot: array " + name + " is null");
      }
      String[] g;
      if ((g = DENSE.groups(name)) != null) {
        int i = Integer.parseInt(g[0]);
        if (i >= layers) {
          throw mismatch(
              name, "the spec has " + layers + " dense layers (0.." + (layers - 1) + ")");
        }
        long expected =
            g[1].equals("weight") ? (long) fanIn(spec, i) * fanOut(spec, i) : fanOut(spec, i);
        shape(name, values.length, expected);
      } else if ((g = BATCH_NORM.groups(name)) != null) {
        int i = Integer.parseInt(g[0]);
        if (!spec.batchNorm() || i >= spec.hidden().size()) {
          throw mismatch(
              name,
              spec.batchNorm()
                  ? "the spec has " + spec.hidden().size() + " batch-norm layers"
                  : "the spec has batch_norm false");
        }
        shape(name, values.length, spec.hidden().get(i));
      } else if ((g = OPTIM.groups(name)) != null) {
        int p = Integer.parseInt(g[0]);
        if (p >= tensorLengths.size()) {
          throw mismatch(
              name,
              "the spec has "
                  + tensorLengths.size()
                  + " parameter tensors (0.."
                  + (tensorLengths.size() - 1)
                  + ")");
        }
        shape(name, values.length, tensorLengths.get(p));
      } else if (RawStateRules.floats(spec, name, values)) {
        continue; // an array of raw features, checked there
      } else if (name.equals(PENDING_FEATURES)) {
        RawStateRules.pendingFeatures(spec, name, values);
        continue;
      } else if (name.equals(PENDING_LABELS)) {
        multipleUpTo(name, values.length, SpecLimits.labelWidth(spec), spec.batchSize());
      } else if (name.equals(PENDING_WEIGHTS)) {
        multipleUpTo(name, values.length, 1, spec.batchSize());
        nonNegative(name, values);
      } else {
        continue; // an array this format does not know: carried, not checked
      }
      for (int k = 0; k < values.length; k++) {
        if (!Float.isFinite(values[k])) {
          throw new SnapshotException(
              "invalid snapshot: " + name + "[" + k + "] is " + values[k] + "; a model is finite");
        }
      }
    }
    for (int i = 0; i < layers; i++) {
      require(arrays.floats(), StateCodec.denseWeightName(i));
      require(arrays.floats(), StateCodec.denseBiasName(i));
    }
    if (spec.batchNorm()) {
      for (int i = 0; i < spec.hidden().size(); i++) {
        for (String name : StateCodec.batchNormNames(i)) {
          require(arrays.floats(), name);
        }
      }
    }
    RawStateRules.requireTables(spec, arrays);
    checkOptimizerSlots(arrays.floats(), tensorLengths.size());
    require(arrays.floats(), PENDING_FEATURES);
    require(arrays.floats(), PENDING_LABELS);

    for (Map.Entry<String, double[]> e : arrays.doubles().entrySet()) {
      String name = e.getKey();
      checkName(name);
      double[] values = e.getValue();
      if (values == null) {
        throw new SnapshotException("invalid snapshot: array " + name + " is null");
      }
      if (name.equals(NORM_MEAN) || name.equals(NORM_M2)) {
        shape(name, values.length, RawStateRules.statisticsWidth(spec));
      } else if (name.equals(NORM_COUNTS)) {
        RawStateRules.columnCounts(spec, name, values, arrays);
      } else if (name.equals(NORM_COUNT) || name.equals(PREQUENTIAL_LOSS)) {
        shape(name, values.length, 1);
      } else if (TARGET_ARRAYS.contains(name)) {
        if (spec.task() != ModelSpec.Task.REGRESSION || !spec.standardize()) {
          throw mismatch(
              name,
              "target statistics need a regression spec with standardize true, the spec has task "
                  + spec.task().name().toLowerCase(java.util.Locale.ROOT)
                  + " and standardize "
                  + spec.standardize());
        }
        shape(name, values.length, name.equals(TARGET_COUNT) ? 1 : spec.outputs());
      } else if (name.equals(CLASS_COUNTS)) {
        if (spec.classWeight().mode() != ModelSpec.ClassWeightMode.BALANCED) {
          throw mismatch(name, "class counts need a spec with \"class_weight\": \"balanced\"");
        }
        shape(name, values.length, spec.outputs());
        for (int k = 0; k < values.length; k++) {
          if (!(values[k] >= 0) || values[k] != Math.rint(values[k]) || values[k] > 0x1p53) {
            throw new SnapshotException(
                "invalid snapshot: "
                    + name
                    + "["
                    + k
                    + "] is "
                    + values[k]
                    + "; a count is a whole number >= 0");
          }
        }
      } else {
        continue;
      }
      for (int k = 0; k < values.length; k++) {
        if (!Double.isFinite(values[k])) {
          throw new SnapshotException(
              "invalid snapshot: " + name + "[" + k + "] is " + values[k] + "; a model is finite");
        }
      }
    }
    // Target statistics come as a whole or not at all (absent: targets in the user's units).
    long targetArrays = TARGET_ARRAYS.stream().filter(arrays.doubles()::containsKey).count();
    if (targetArrays != 0 && targetArrays != TARGET_ARRAYS.size()) {
      throw new SnapshotException(
          "invalid snapshot: it has "
              + targetArrays
              + " of the target statistics "
              + TARGET_ARRAYS
              + "; a model has all of them or none");
    }
    for (String name : List.of(NORM_COUNT, NORM_MEAN, NORM_M2)) {
      require(arrays.doubles(), name);
    }
    if (spec.classWeight().mode() == ModelSpec.ClassWeightMode.BALANCED) {
      require(arrays.doubles(), CLASS_COUNTS);
    }
    for (Map.Entry<String, Long> e : arrays.longs().entrySet()) {
      checkName(e.getKey());
      if (e.getValue() == null) {
        throw new SnapshotException("invalid snapshot: long " + e.getKey() + " is null");
      }
    }
    for (String name : List.of(RNG, PENDING_COUNT, OPTIM_STEPS)) {
      require(arrays.longs(), name);
    }
    nonNegative(OPTIM_STEPS, arrays.longs().get(OPTIM_STEPS));
    checkPendingCount(spec, arrays);
  }

  /**
   * Every parameter tensor has the same optimizer slots (those of tensor 0; none for SGD), and
   * there are no others: the moments make one optimizer's whole state or the snapshot is refused.
   */
  private static void checkOptimizerSlots(Map<String, float[]> floats, int tensors) {
    List<String> slots = StateCodec.optimizerSlots(floats);
    long moments = floats.keySet().stream().filter(OPTIM::matches).count();
    for (int p = 0; p < tensors; p++) {
      for (String slot : slots) {
        String name = StateCodec.optimName(p, slot);
        if (!floats.containsKey(name)) {
          throw new SnapshotException(
              "invalid snapshot: array "
                  + name
                  + " is missing; every parameter tensor has the optimizer slots "
                  + slots);
        }
      }
    }
    if (moments != (long) tensors * slots.size()) {
      throw new SnapshotException(
          "invalid snapshot: "
              + moments
              + " optimizer arrays, expected the slots "
              + slots
              + " of tensor 0 for each of the "
              + tensors
              + " parameter tensors");
    }
  }

  /**
   * {@code pending.count} is the number of rows of {@code pending.features} and labels, and of
   * {@code pending.weights} when present.
   */
  private static void checkPendingCount(ModelSpec spec, NamedArrays arrays) {
    long count = arrays.longs().get(PENDING_COUNT);
    float[] weights = arrays.floats().get(PENDING_WEIGHTS);
    if (weights != null && weights.length != count) {
      throw mismatch(
          PENDING_COUNT,
          "it is " + count + ", but " + PENDING_WEIGHTS + " holds " + weights.length + " weights");
    }
    long featureRows =
        arrays.floats().get(PENDING_FEATURES).length / RawStateRules.pendingWidth(spec);
    long labelRows = arrays.floats().get(PENDING_LABELS).length / SpecLimits.labelWidth(spec);
    if (count != featureRows || count != labelRows) {
      throw mismatch(
          PENDING_COUNT,
          "it is "
              + count
              + ", but "
              + PENDING_FEATURES
              + " holds "
              + featureRows
              + " rows and "
              + PENDING_LABELS
              + " "
              + labelRows);
    }
    RawStateRules.pendingBags(spec, arrays, count);
  }

  /**
   * Lengths of the parameter tensors in the engine's order, which optimizer state is indexed by:
   * for each dense layer from the input side, its weight and bias, then (hidden layers with batch
   * norm) the batch-norm gamma and beta; then (raw features) each embedding table.
   */
  static List<Integer> parameterTensorLengths(ModelSpec spec) {
    List<Integer> lengths = new ArrayList<>();
    int layers = spec.hidden().size() + 1;
    for (int i = 0; i < layers; i++) {
      lengths.add(fanIn(spec, i) * fanOut(spec, i));
      lengths.add(fanOut(spec, i));
      if (spec.batchNorm() && i < layers - 1) {
        lengths.add(fanOut(spec, i)); // gamma
        lengths.add(fanOut(spec, i)); // beta
      }
    }
    if (spec.hasFeatures()) {
      for (FeatureLayout.Embedding table : spec.features().layout().embeddings()) {
        lengths.add(table.buckets() * table.dim()); // the tables, after the network's tensors
      }
    }
    return lengths;
  }

  static int fanIn(ModelSpec spec, int layer) {
    return layer == 0 ? spec.inputs() : spec.hidden().get(layer - 1);
  }

  static int fanOut(ModelSpec spec, int layer) {
    return layer == spec.hidden().size() ? spec.outputWidth() : spec.hidden().get(layer);
  }

  static void require(Map<String, ?> section, String name) {
    if (!section.containsKey(name)) {
      throw new SnapshotException(
          "invalid snapshot: array " + name + " is missing; the spec's model needs it");
    }
  }

  static void shape(String name, long actual, long expected) {
    if (actual != expected) {
      throw mismatch(name, "expected " + expected + " values for the spec, got " + actual);
    }
  }

  static void multipleUpTo(String name, int length, int rowWidth, int maxRows) {
    if (length % rowWidth != 0 || length / rowWidth > maxRows) {
      throw mismatch(
          name,
          "expected a multiple of "
              + rowWidth
              + " values up to "
              + (long) rowWidth * maxRows
              + ", got "
              + length);
    }
  }

  private static void nonNegative(String name, float[] values) {
    for (int k = 0; k < values.length; k++) {
      if (!(values[k] >= 0)) {
        throw new SnapshotException(
            "invalid snapshot: " + name + "[" + k + "] is " + values[k] + "; a weight is >= 0");
      }
    }
  }

  private static void nonNegative(String what, long value) {
    if (value < 0) {
      throw new SnapshotException("invalid snapshot: " + what + " is negative, got " + value);
    }
  }

  static SnapshotException mismatch(String name, String detail) {
    return new SnapshotException("snapshot does not match its spec: " + name + ": " + detail);
  }
}
