package io.streamprop.wire;

import io.streamprop.learn.state.BatchNormState;
import io.streamprop.learn.state.ClassCounts;
import io.streamprop.learn.state.Counters;
import io.streamprop.learn.state.DenseState;
import io.streamprop.learn.state.EmbeddingState;
import io.streamprop.learn.state.LayerState;
import io.streamprop.learn.state.ModelState;
import io.streamprop.learn.state.NamedArrays;
import io.streamprop.learn.state.NormalizerState;
import io.streamprop.learn.state.PendingBatch;
import io.streamprop.learn.state.TrainingState;
import io.streamprop.nn.optim.OptimizerState;
import io.streamprop.spec.ModelSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one place that knows the names of a snapshot's arrays: maps a typed {@link ModelState} to the
 * named arrays of the snapshot's three sections, in their fixed order, and back. The names, shapes
 * and order are the format ({@code docs/snapshot-format.md}); {@link StateRules} checks named
 * arrays against the spec before they are written and after they are read.
 *
 * <pre>
 * float32  dense.&lt;i&gt;.weight, dense.&lt;i&gt;.bias       per dense layer i, input side first,
 *          bn.&lt;i&gt;.gamma, .beta, .running_mean, .running_var   each followed by its batch norm
 *          embedding.&lt;k&gt;.weight                      raw features: per embedding table k
 *          optim.&lt;p&gt;.&lt;slot&gt;                         per parameter tensor p, then slot (the
 *                                                      tables' tensors after the network's)
 *          pending.features, pending.labels
 *          pending.weights                             only when a pending example's weight is not 1
 *          pending.ids.&lt;k&gt;, pending.offsets.&lt;k&gt;       raw features: per table k, whole numbers
 * float64  norm.count, norm.mean, norm.m2
 *          norm.counts                                 raw features: per numeric column (format 3)
 *          target.count, target.mean, target.m2        only with target statistics (format 2)
 *          loss.prequential                            once a mini-batch was scored
 *          class.counts                                only with "balanced" class weights
 * int64    rng, pending.count, optim.steps
 * </pre>
 *
 * The pending bags' ids and offsets are integers written as float32, exact because every one is
 * below 2²⁴: an id is below its table's buckets (at most 2²⁴), and an offset is at most the number
 * of pending ids, each of which a snapshot (at most 64 MiB) holds in 4 bytes.
 *
 * <p>Arrays a state carries under other names ({@link ModelState#carried()}) follow the known ones
 * of their section, in their order.
 */
public final class StateCodec {
  private StateCodec() {}

  // Indices are written without leading zeros; a name with them is not one of these.
  static final NamePattern DENSE = new NamePattern("dense\\.(0|[1-9]\\d{0,4})\\.(weight|bias)");
  static final NamePattern BATCH_NORM =
      new NamePattern("bn\\.(0|[1-9]\\d{0,4})\\.(gamma|beta|running_mean|running_var)");
  static final NamePattern OPTIM = new NamePattern("optim\\.(0|[1-9]\\d{0,5})\\.([A-Za-z0-9_]+)");
  static final NamePattern EMBEDDING = new NamePattern("embedding\\.(0|[1-9]\\d{0,4})\\.weight");
  static final NamePattern PENDING_BAGS =
      new NamePattern("pending\\.(ids|offsets)\\.(0|[1-9]\\d{0,4})");
  static final String PENDING_FEATURES = "pending.features";
  static final String PENDING_LABELS = "pending.labels";
  static final String PENDING_WEIGHTS = "pending.weights";

  static final String NORM_COUNT = "norm.count";
  static final String NORM_MEAN = "norm.mean";
  static final String NORM_M2 = "norm.m2";
  static final String NORM_COUNTS = "norm.counts";
  static final String TARGET_COUNT = "target.count";
  static final String TARGET_MEAN = "target.mean";
  static final String TARGET_M2 = "target.m2";
  static final List<String> TARGET_ARRAYS = List.of(TARGET_COUNT, TARGET_MEAN, TARGET_M2);
  static final String PREQUENTIAL_LOSS = "loss.prequential";
  static final String CLASS_COUNTS = "class.counts";

  static final String RNG = "rng";
  static final String PENDING_COUNT = "pending.count";
  static final String OPTIM_STEPS = "optim.steps";

  /** The parts of a batch normalization, in the order they are written. */
  static final List<String> BATCH_NORM_PARTS =
      List.of("gamma", "beta", "running_mean", "running_var");

  /** The name of dense layer {@code layer}'s weight, (inFeatures, outFeatures) row-major. */
  public static String denseWeightName(int layer) {
    return layer < ArrayNames.BUILT ? DENSE_WEIGHTS[layer] : "dense." + layer + ".weight";
  }

  /** The name of dense layer {@code layer}'s bias. */
  public static String denseBiasName(int layer) {
    return layer < ArrayNames.BUILT ? DENSE_BIASES[layer] : "dense." + layer + ".bias";
  }

  private static final String[] DENSE_WEIGHTS = ArrayNames.built(i -> "dense." + i + ".weight");
  private static final String[] DENSE_BIASES = ArrayNames.built(i -> "dense." + i + ".bias");
  // The optimizers' own slots; a snapshot's other slot names are built as they come.
  private static final Map<String, String[]> OPTIM_NAMES =
      Map.of(
          "m", ArrayNames.built(i -> "optim." + i + ".m"),
          "v", ArrayNames.built(i -> "optim." + i + ".v"),
          "sum", ArrayNames.built(i -> "optim." + i + ".sum"),
          "velocity", ArrayNames.built(i -> "optim." + i + ".velocity"),
          "square_avg", ArrayNames.built(i -> "optim." + i + ".square_avg"));

  /**
   * The names of the batch normalization after hidden layer {@code layer}: gamma, beta, running
   * mean, running variance.
   */
  public static List<String> batchNormNames(int layer) {
    return BATCH_NORM_PARTS.stream().map(part -> "bn." + layer + "." + part).toList();
  }

  /** The name of embedding table {@code table}'s weight, (buckets, dim) row-major. */
  public static String embeddingWeightName(int table) {
    return "embedding." + table + ".weight";
  }

  static String pendingIdsName(int table) {
    return "pending.ids." + table;
  }

  static String pendingOffsetsName(int table) {
    return "pending.offsets." + table;
  }

  static String optimName(int tensor, String slot) {
    String[] built = tensor < ArrayNames.BUILT ? OPTIM_NAMES.get(slot) : null;
    return built != null ? built[tensor] : "optim." + tensor + "." + slot;
  }

  /** True for a float32 array whose name the format defines. */
  static boolean knownFloats(String name) {
    return DENSE.matches(name)
        || BATCH_NORM.matches(name)
        || OPTIM.matches(name)
        || EMBEDDING.matches(name)
        || PENDING_BAGS.matches(name)
        || name.equals(PENDING_FEATURES)
        || name.equals(PENDING_LABELS)
        || name.equals(PENDING_WEIGHTS);
  }

  /** True for a float64 array whose name the format defines. */
  static boolean knownDoubles(String name) {
    return name.equals(NORM_COUNT)
        || name.equals(NORM_MEAN)
        || name.equals(NORM_M2)
        || name.equals(NORM_COUNTS)
        || TARGET_ARRAYS.contains(name)
        || name.equals(PREQUENTIAL_LOSS)
        || name.equals(CLASS_COUNTS);
  }

  /** True for an int64 whose name the format defines. */
  static boolean knownLongs(String name) {
    return name.equals(RNG) || name.equals(PENDING_COUNT) || name.equals(OPTIM_STEPS);
  }

  /**
   * The state's arrays by name, in the order a snapshot holds them (the arrays are shared, not
   * copied).
   *
   * @throws IllegalArgumentException if a carried array has a name the format defines
   */
  public static NamedArrays toArrays(ModelState state) {
    Map<String, float[]> floats = new LinkedHashMap<>();
    List<LayerState> layers = state.layers();
    for (int i = 0; i < layers.size(); i++) {
      LayerState layer = layers.get(i);
      floats.put(denseWeightName(i), layer.dense().weight());
      floats.put(denseBiasName(i), layer.dense().bias());
      BatchNormState bn = layer.batchNorm();
      if (bn != null) {
        List<String> names = batchNormNames(i);
        floats.put(names.get(0), bn.gamma());
        floats.put(names.get(1), bn.beta());
        floats.put(names.get(2), bn.runningMean());
        floats.put(names.get(3), bn.runningVar());
      }
    }
    List<EmbeddingState> embeddings = state.embeddings();
    for (int k = 0; k < embeddings.size(); k++) {
      floats.put(embeddingWeightName(k), embeddings.get(k).weight());
    }
    TrainingState training = state.training();
    OptimizerState optimizer = training.optimizer();
    for (int p = 0; p < optimizer.tensors(); p++) {
      for (int s = 0; s < optimizer.slots().size(); s++) {
        floats.put(optimName(p, optimizer.slots().get(s)), optimizer.moments()[p][s]);
      }
    }
    floats.put(PENDING_FEATURES, training.pending().features());
    floats.put(PENDING_LABELS, training.pending().labels());
    if (training.pending().weights() != null) {
      floats.put(PENDING_WEIGHTS, training.pending().weights());
    }
    PendingBatch pending = training.pending();
    if (pending.ids() != null) {
      for (int k = 0; k < pending.ids().length; k++) {
        floats.put(pendingIdsName(k), wholeNumbers(pending.ids()[k], pendingIdsName(k)));
        floats.put(
            pendingOffsetsName(k), wholeNumbers(pending.offsets()[k], pendingOffsetsName(k)));
      }
    }

    Map<String, double[]> doubles = new LinkedHashMap<>();
    putNormalizer(doubles, state.inputNormalizer(), NORM_COUNT, NORM_MEAN, NORM_M2);
    if (state.inputNormalizer().columnCounts() != null) {
      doubles.put(NORM_COUNTS, state.inputNormalizer().columnCounts());
    }
    if (state.targetNormalizer() != null) {
      putNormalizer(doubles, state.targetNormalizer(), TARGET_COUNT, TARGET_MEAN, TARGET_M2);
    }
    if (!Double.isNaN(training.prequentialLoss())) {
      doubles.put(PREQUENTIAL_LOSS, new double[] {training.prequentialLoss()});
    }
    if (training.classCounts() != null) {
      doubles.put(CLASS_COUNTS, training.classCounts().counts());
    }

    Map<String, Long> longs = new LinkedHashMap<>();
    longs.put(RNG, training.rngState());
    longs.put(PENDING_COUNT, (long) training.pending().rows());
    longs.put(OPTIM_STEPS, optimizer.steps());

    NamedArrays carried = state.carried();
    carry(floats, carried.floats());
    carry(doubles, carried.doubles());
    carry(longs, carried.longs());
    return new NamedArrays(floats, doubles, longs);
  }

  /** Integers below 2²⁴ as float32, exactly. */
  private static float[] wholeNumbers(int[] values, String name) {
    float[] out = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      if (values[i] < 0 || values[i] >= 1 << 24) {
        throw new IllegalArgumentException(
            name + "[" + i + "] = " + values[i] + " is not an integer in [0, 2^24)");
      }
      out[i] = values[i];
    }
    return out;
  }

  /** float32 whole numbers (checked by {@link StateRules}) back to integers. */
  private static int[] integers(float[] values) {
    int[] out = new int[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (int) values[i];
    }
    return out;
  }

  private static void putNormalizer(
      Map<String, double[]> doubles, NormalizerState n, String count, String mean, String m2) {
    doubles.put(count, new double[] {n.count()});
    doubles.put(mean, n.mean());
    doubles.put(m2, n.m2());
  }

  private static <T> void carry(Map<String, T> section, Map<String, T> carried) {
    for (Map.Entry<String, T> e : carried.entrySet()) {
      if (section.containsKey(e.getKey())) {
        throw new IllegalArgumentException(
            "carried array " + e.getKey() + " has a name the state defines itself");
      }
      section.put(e.getKey(), e.getValue());
    }
  }

  /**
   * The typed state of named arrays that {@link StateRules#check} accepted: every array the spec's
   * model needs is present with its shape, so this only assembles; names the format does not define
   * go to {@link ModelState#carried()}.
   */
  static ModelState fromArrays(ModelSpec spec, Counters counters, NamedArrays arrays) {
    Map<String, float[]> floats = arrays.floats();
    Map<String, double[]> doubles = arrays.doubles();
    Map<String, Long> longs = arrays.longs();

    List<LayerState> layers = new ArrayList<>();
    int denseLayers = spec.hidden().size() + 1;
    for (int i = 0; i < denseLayers; i++) {
      DenseState dense =
          new DenseState(floats.get(denseWeightName(i)), floats.get(denseBiasName(i)));
      BatchNormState bn = null;
      if (spec.batchNorm() && i < denseLayers - 1) {
        List<String> names = batchNormNames(i);
        bn =
            new BatchNormState(
                floats.get(names.get(0)),
                floats.get(names.get(1)),
                floats.get(names.get(2)),
                floats.get(names.get(3)));
      }
      layers.add(new LayerState(dense, bn));
    }

    int tables = RawStateRules.embeddingTables(spec);
    List<EmbeddingState> embeddings = new ArrayList<>();
    for (int k = 0; k < tables; k++) {
      embeddings.add(new EmbeddingState(floats.get(embeddingWeightName(k))));
    }

    int tensors = StateRules.parameterTensorLengths(spec).size();
    List<String> slots = optimizerSlots(floats);
    float[][][] moments = new float[tensors][slots.size()][];
    for (int p = 0; p < tensors; p++) {
      for (int s = 0; s < slots.size(); s++) {
        moments[p][s] = floats.get(optimName(p, slots.get(s)));
      }
    }
    OptimizerState optimizer = new OptimizerState(longs.get(OPTIM_STEPS), slots, moments);
    int[][] pendingIds = null;
    int[][] pendingOffsets = null;
    if (spec.hasFeatures()) {
      pendingIds = new int[tables][];
      pendingOffsets = new int[tables][];
      for (int k = 0; k < tables; k++) {
        pendingIds[k] = integers(floats.get(pendingIdsName(k)));
        pendingOffsets[k] = integers(floats.get(pendingOffsetsName(k)));
      }
    }
    PendingBatch pending =
        new PendingBatch(
            Math.toIntExact(longs.get(PENDING_COUNT)),
            floats.get(PENDING_FEATURES),
            floats.get(PENDING_LABELS),
            floats.get(PENDING_WEIGHTS),
            pendingIds,
            pendingOffsets);
    double[] loss = doubles.get(PREQUENTIAL_LOSS);
    double[] classCounts = doubles.get(CLASS_COUNTS);
    TrainingState training =
        new TrainingState(
            optimizer,
            pending,
            longs.get(RNG),
            loss == null ? Double.NaN : loss[0],
            classCounts == null ? null : new ClassCounts(classCounts));

    NormalizerState inputs =
        new NormalizerState(
            doubles.get(NORM_COUNT)[0],
            doubles.get(NORM_MEAN),
            doubles.get(NORM_M2),
            doubles.get(NORM_COUNTS));
    NormalizerState targets =
        doubles.containsKey(TARGET_COUNT)
            ? normalizer(doubles, TARGET_COUNT, TARGET_MEAN, TARGET_M2)
            : null;

    NamedArrays carried =
        new NamedArrays(
            unknown(floats, StateCodec::knownFloats),
            unknown(doubles, StateCodec::knownDoubles),
            unknown(longs, StateCodec::knownLongs));
    return new ModelState(spec, counters, layers, inputs, targets, training, carried, embeddings);
  }

  /** The optimizer's slots, in the order tensor 0's appear (every tensor has the same ones). */
  static List<String> optimizerSlots(Map<String, float[]> floats) {
    List<String> slots = new ArrayList<>();
    for (String name : floats.keySet()) {
      String[] g = OPTIM.groups(name);
      if (g != null && g[0].equals("0")) {
        slots.add(g[1]);
      }
    }
    return slots;
  }

  private static NormalizerState normalizer(
      Map<String, double[]> doubles, String count, String mean, String m2) {
    return new NormalizerState(doubles.get(count)[0], doubles.get(mean), doubles.get(m2));
  }

  private static <T> Map<String, T> unknown(
      Map<String, T> section, java.util.function.Predicate<String> known) {
    Map<String, T> out = new LinkedHashMap<>();
    section.forEach(
        (name, value) -> {
          if (!known.test(name)) {
            out.put(name, value);
          }
        });
    return out;
  }
}
