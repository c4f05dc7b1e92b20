package io.streamprop.wire;

import static io.streamprop.wire.StateCodec.EMBEDDING;
import static io.streamprop.wire.StateCodec.NORM_COUNT;
import static io.streamprop.wire.StateCodec.NORM_COUNTS;
import static io.streamprop.wire.StateCodec.PENDING_BAGS;
import static io.streamprop.wire.StateRules.mismatch;
import static io.streamprop.wire.StateRules.multipleUpTo;
import static io.streamprop.wire.StateRules.require;
import static io.streamprop.wire.StateRules.shape;

import io.streamprop.features.FeatureLayout;
import io.streamprop.learn.state.NamedArrays;
import io.streamprop.spec.ModelSpec;

/**
 * The rules of {@link StateRules} for the arrays of a spec with raw features (snapshot format 3):
 * one {@code embedding.<k>.weight} (buckets × dim, finite) per embedded field; per table the
 * pending bags, {@code pending.ids.<k>} (whole numbers in [0, buckets)) and {@code
 * pending.offsets.<k>} (pending.count + 1 whole numbers from 0, never decreasing, ending at the
 * number of ids); {@code pending.features} of dense rows that may hold NaN in the numeric value
 * columns only (a missing number); and the input statistics of the numeric features only, with
 * their per-column counts {@code norm.counts} (whole numbers up to {@code norm.count}). A spec of
 * numbers has none of these arrays.
 */
final class RawStateRules {
  private RawStateRules() {}

  /** Embedding tables of the spec's model: one per embedded raw feature, none for numbers. */
  static int embeddingTables(ModelSpec spec) {
    return spec.hasFeatures() ? spec.features().layout().embeddings().size() : 0;
  }

  /** Floats per pending row: the dense part's width with raw features, else the inputs. */
  static int pendingWidth(ModelSpec spec) {
    return spec.hasFeatures() ? spec.features().layout().denseWidth() : spec.inputs();
  }

  /** Columns of the input statistics: the numeric features with raw features, else the inputs. */
  static int statisticsWidth(ModelSpec spec) {
    return spec.hasFeatures() ? spec.features().layout().numericCount() : spec.inputs();
  }

  /**
   * Checks an embedding table or a pending bag array; false for a name that is neither (the caller
   * checks it).
   */
  static boolean floats(ModelSpec spec, String name, float[] values) {
    int tables = embeddingTables(spec);
    String[] g;
    if ((g = EMBEDDING.groups(name)) != null) {
      int k = tableIndex(name, g[0], tables);
      FeatureLayout.Embedding table = spec.features().layout().embeddings().get(k);
      shape(name, values.length, (long) table.buckets() * table.dim());
      for (int i = 0; i < values.length; i++) {
        if (!Float.isFinite(values[i])) {
          throw new SnapshotException(
              "invalid snapshot: " + name + "[" + i + "] is " + values[i] + "; a model is finite");
        }
      }
      return true;
    }
    if ((g = PENDING_BAGS.groups(name)) != null) {
      int k = tableIndex(name, g[1], tables);
      long bound =
          g[0].equals("ids") ? spec.features().layout().embeddings().get(k).buckets() : 1L << 24;
      for (int i = 0; i < values.length; i++) {
        if (!(values[i] >= 0) || values[i] != Math.rint(values[i]) || values[i] >= bound) {
          throw new SnapshotException(
              "invalid snapshot: "
                  + name
                  + "["
                  + i
                  + "] is "
                  + values[i]
                  + "; expected a whole number in [0, "
                  + bound
                  + ")");
        }
      }
      return true;
    }
    return false;
  }

  /**
   * {@code pending.features}: whole rows, at most a batch of them, finite; with raw features a
   * missing number is NaN in its value column, the only non-finite value allowed.
   */
  static void pendingFeatures(ModelSpec spec, String name, float[] values) {
    int width = pendingWidth(spec);
    multipleUpTo(name, values.length, width, spec.batchSize());
    int missingColumns = spec.hasFeatures() ? spec.features().layout().numericCount() : 0;
    for (int k = 0; k < values.length; k++) {
      if (!Float.isFinite(values[k]) && !(k % width < missingColumns && Float.isNaN(values[k]))) {
        throw new SnapshotException(
            "invalid snapshot: "
                + name
                + "["
                + k
                + "] is "
                + values[k]
                + (missingColumns > 0
                    ? "; only a numeric value column may hold NaN (missing)"
                    : "; a model is finite"));
      }
    }
  }

  /** {@code norm.counts}: raw features only, one whole number in [0, norm.count] per column. */
  static void columnCounts(ModelSpec spec, String name, double[] values, NamedArrays arrays) {
    if (!spec.hasFeatures()) {
      throw mismatch(name, "per-column counts need a spec with raw features");
    }
    shape(name, values.length, statisticsWidth(spec));
    double[] total = arrays.doubles().get(NORM_COUNT);
    double max = total == null || total.length != 1 ? 0x1p53 : total[0];
    for (int k = 0; k < values.length; k++) {
      if (!(values[k] >= 0) || values[k] != Math.rint(values[k]) || values[k] > max) {
        throw new SnapshotException(
            "invalid snapshot: "
                + name
                + "["
                + k
                + "] is "
                + values[k]
                + "; a count is a whole number in [0, norm.count = "
                + max
                + "]");
      }
    }
  }

  /** Every table's weight and pending bags are present, and the per-column counts. */
  static void requireTables(ModelSpec spec, NamedArrays arrays) {
    for (int k = 0; k < embeddingTables(spec); k++) {
      require(arrays.floats(), StateCodec.embeddingWeightName(k));
      require(arrays.floats(), StateCodec.pendingIdsName(k));
      require(arrays.floats(), StateCodec.pendingOffsetsName(k));
    }
    if (spec.hasFeatures()) {
      require(arrays.doubles(), NORM_COUNTS);
    }
  }

  /** Each table's pending offsets bound {@code count} bags over exactly its pending ids. */
  static void pendingBags(ModelSpec spec, NamedArrays arrays, long count) {
    for (int k = 0; k < embeddingTables(spec); k++) {
      String name = StateCodec.pendingOffsetsName(k);
      float[] offsets = arrays.floats().get(name);
      float[] ids = arrays.floats().get(StateCodec.pendingIdsName(k));
      if (offsets.length != count + 1 || offsets[0] != 0) {
        throw mismatch(
            name,
            "expected pending.count + 1 = "
                + (count + 1)
                + " bag boundaries from 0, got "
                + offsets.length
                + (offsets.length > 0 ? " from " + offsets[0] : ""));
      }
      for (int r = 0; r < count; r++) {
        if (offsets[r + 1] < offsets[r]) {
          throw mismatch(name, "bag boundaries decrease at row " + r);
        }
      }
      if (offsets[(int) count] != ids.length) {
        throw mismatch(
            name,
            "the bags end at "
                + offsets[(int) count]
                + ", but "
                + StateCodec.pendingIdsName(k)
                + " holds "
                + ids.length
                + " ids");
      }
    }
  }

  private static int tableIndex(String name, String index, int tables) {
    int k = Integer.parseInt(index);
    if (k >= tables) {
      throw mismatch(
          name,
          tables == 0
              ? "the spec has no embedding tables"
              : "the spec has " + tables + " embedding tables (0.." + (tables - 1) + ")");
    }
    return k;
  }
}
