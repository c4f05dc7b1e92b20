package io.streamprop.wire;

import io.streamprop.learn.ModelState;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a model state must satisfy to be written or read as a snapshot: counters are not negative,
 * array names are short ASCII, the arrays whose names the engine defines (listed in {@code
 * docs/snapshot-format.md}) have the shapes the spec implies and hold only finite values, and every
 * dense layer (and batch-norm layer) is present, so a decoded state always makes a whole model.
 * Target statistics ({@code target.count}, {@code target.mean}, {@code target.m2}) are optional as
 * a group: a regression model with {@code standardize} has them from this release on, older
 * snapshots do not. Arrays with other names are carried as they are.
 */
final class StateRules {
  private StateRules() {}

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,255}");
  private static final Pattern DENSE = Pattern.compile("dense\\.(\\d{1,5})\\.(weight|bias)");
  private static final Pattern BATCH_NORM =
      Pattern.compile("bn\\.(\\d{1,5})\\.(gamma|beta|running_mean|running_var)");
  private static final Pattern OPTIM = Pattern.compile("optim\\.(\\d{1,6})\\.[A-Za-z0-9_]+");
  private static final List<String> TARGET_ARRAYS =
      List.of("target.count", "target.mean", "target.m2");

  static void checkName(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new SnapshotException(
          "corrupt snapshot: array name \""
              + ExampleParser.abbreviate(name)
              + "\" is not 1..255 characters of [A-Za-z0-9._-]");
    }
  }

  /**
   * The format version a state is written in: 2 if it holds target statistics, else 1 (see {@link
   * SnapshotCodec#FORMAT_VERSION}).
   */
  static int formatVersion(ModelState state) {
    return state.doubles() != null && state.doubles().containsKey("target.count")
        ? SnapshotCodec.FORMAT_VERSION
        : SnapshotCodec.FORMAT_VERSION_1;
  }

  static void check(ModelState state) {
    ModelSpec spec = state.spec();
    nonNegative("model version", state.version());
    nonNegative("examples", state.examples());
    nonNegative("steps", state.steps());
    nonNegative("skipped steps", state.skippedSteps());
    if (state.floats() == null || state.doubles() == null || state.longs() == null) {
      throw new SnapshotException("invalid snapshot: an array map is missing (null)");
    }

    int layers = spec.hidden().size() + 1;
    List<Integer> tensorLengths = parameterTensorLengths(spec);
    for (Map.Entry<String, float[]> e : state.floats().entrySet()) {
      String name = e.getKey();
      checkName(name);
      float[] values = e.getValue();
      if (values == null) {
        throw new SnapshotException("invalid snapshot: array " + name + " is null");
      }
      Matcher m;
      if ((m = DENSE.matcher(name)).matches()) {
        int i = Integer.parseInt(m.group(1));
        if (i >= layers) {
          throw mismatch(
              name, "the spec has " + layers + " dense layers (0.." + (layers - 1) + ")");
        }
        long expected =
            m.group(2).equals("weight") ? (long) fanIn(spec, i) * fanOut(spec, i) : fanOut(spec, i);
        shape(name, values.length, expected);
      } else if ((m = BATCH_NORM.matcher(name)).matches()) {
        int i = Integer.parseInt(m.group(1));
        if (!spec.batchNorm() || i >= spec.hidden().size()) {
          throw mismatch(
              name,
              spec.batchNorm()
                  ? "the spec has " + spec.hidden().size() + " batch-norm layers"
                  : "the spec has batch_norm false");
        }
        shape(name, values.length, spec.hidden().get(i));
      } else if ((m = OPTIM.matcher(name)).matches()) {
        int p = Integer.parseInt(m.group(1));
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
      } else if (name.equals("pending.features")) {
        multipleUpTo(name, values.length, spec.inputs(), spec.batchSize());
      } else if (name.equals("pending.labels")) {
        multipleUpTo(name, values.length, SpecLimits.labelWidth(spec), spec.batchSize());
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
      require(state, "dense." + i + ".weight");
      require(state, "dense." + i + ".bias");
    }
    if (spec.batchNorm()) {
      for (int i = 0; i < spec.hidden().size(); i++) {
        for (String part : new String[] {"gamma", "beta", "running_mean", "running_var"}) {
          require(state, "bn." + i + "." + part);
        }
      }
    }

    for (Map.Entry<String, double[]> e : state.doubles().entrySet()) {
      String name = e.getKey();
      checkName(name);
      double[] values = e.getValue();
      if (values == null) {
        throw new SnapshotException("invalid snapshot: array " + name + " is null");
      }
      if (name.equals("norm.mean") || name.equals("norm.m2")) {
        shape(name, values.length, spec.inputs());
      } else if (name.equals("norm.count")) {
        if (values.length != 1 && values.length != spec.inputs()) {
          throw mismatch(name, "expected 1 or " + spec.inputs() + " values, got " + values.length);
        }
      } else if (TARGET_ARRAYS.contains(name)) {
        if (spec.task() != ModelSpec.Task.REGRESSION || !spec.standardize()) {
          throw mismatch(
              name,
              "target statistics need a regression spec with standardize true, the spec has task "
                  + spec.task().name().toLowerCase(java.util.Locale.ROOT)
                  + " and standardize "
                  + spec.standardize());
        }
        shape(name, values.length, name.equals("target.count") ? 1 : spec.outputs());
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
    long targetArrays = TARGET_ARRAYS.stream().filter(state.doubles()::containsKey).count();
    if (targetArrays != 0 && targetArrays != TARGET_ARRAYS.size()) {
      throw new SnapshotException(
          "invalid snapshot: it has "
              + targetArrays
              + " of the target statistics "
              + TARGET_ARRAYS
              + "; a model has all of them or none");
    }
    for (Map.Entry<String, Long> e : state.longs().entrySet()) {
      checkName(e.getKey());
      if (e.getValue() == null) {
        throw new SnapshotException("invalid snapshot: long " + e.getKey() + " is null");
      }
    }
  }

  /**
   * Lengths of the parameter tensors in the engine's order, which optimizer state is indexed by:
   * for each dense layer from the input side, its weight and bias, then (hidden layers with batch
   * norm) the batch-norm gamma and beta.
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
    return lengths;
  }

  static int fanIn(ModelSpec spec, int layer) {
    return layer == 0 ? spec.inputs() : spec.hidden().get(layer - 1);
  }

  static int fanOut(ModelSpec spec, int layer) {
    return layer == spec.hidden().size() ? spec.outputWidth() : spec.hidden().get(layer);
  }

  private static void require(ModelState state, String name) {
    if (!state.floats().containsKey(name)) {
      throw new SnapshotException(
          "invalid snapshot: array " + name + " is missing; the spec's model needs it");
    }
  }

  private static void shape(String name, long actual, long expected) {
    if (actual != expected) {
      throw mismatch(name, "expected " + expected + " values for the spec, got " + actual);
    }
  }

  private static void multipleUpTo(String name, int length, int rowWidth, int maxRows) {
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

  private static void nonNegative(String what, long value) {
    if (value < 0) {
      throw new SnapshotException("invalid snapshot: " + what + " is negative, got " + value);
    }
  }

  private static SnapshotException mismatch(String name, String detail) {
    return new SnapshotException("snapshot does not match its spec: " + name + ": " + detail);
  }
}
