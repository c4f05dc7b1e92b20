package io.streamprop.learn;

import io.streamprop.features.FeatureLayout;
import io.streamprop.features.FeatureRow;
import io.streamprop.learn.state.EmbeddingState;
import io.streamprop.nn.EmbeddingBag;
import io.streamprop.nn.Mlp;
import io.streamprop.nn.SplitMix64;
import io.streamprop.nn.optim.GradientClipping;
import io.streamprop.nn.optim.Optimizer;
import io.streamprop.nn.optim.TouchedRows;
import io.streamprop.spec.ModelSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The embedding tables of a spec with raw features, and the part of the network input they make:
 * one {@link EmbeddingBag} per entry of {@link FeatureLayout#embeddings()}, in that order, whose
 * bag output fills input columns [column, column + dim) of every row (B, inputs); the columns
 * before {@link FeatureLayout#denseWidth()} hold the standardized dense part.
 *
 * <pre>
 *   input[b, 0 .. denseWidth)           standardized dense row b         (MissingAwareNormalizer)
 *   input[b, column_k .. + dim_k)       mean of table k's rows in bag b   (forward)
 *   dWeight_k[id, :] += dInput[b, column_k .. + dim_k) / n_b   for every id of bag b   (backward)
 * </pre>
 *
 * Every table pools by {@link EmbeddingBag.Mode#MEAN}: a token bag's mean has the scale of one
 * vector whatever its length, and a categorical value's bag holds one id, where the mean is the sum
 * bit for bit (x / 1 and g · 1 are exact). Weight decay never applies to a table, and the optimizer
 * updates only the rows a step touched. Initialization: {@link #initialize} after the network's
 * weights, table by table (see {@code docs/engine.md}).
 */
final class RawInputs {
  private final EmbeddingBag[] tables;
  private final EmbeddingBag.Columns[] columns;
  private final int inputs;
  private final int denseWidth;
  // Bound by a learner (bind): the tensors one optimizer step updates, the network's first.
  private float[][] stepParams; // the network's parameters, then the tables' weights
  private float[][] stepGrads; // aligned with stepParams
  private boolean[] stepDecay; // aligned: the network's decay flags, false for every table
  private TouchedRows[] stepRows; // aligned: null for the network's, then the touched rows
  // Per table: its gradient and touched rows, and the tables in order of width (stable), in
  // groups of four or two of one width for sumsOfSquares, whose sums land in squares.
  private final float[][] tableGrads;
  private final TouchedRows[] tableRows;
  private final int[] byWidth;
  private final double[] squares;

  RawInputs(ModelSpec spec) {
    FeatureLayout layout = spec.features().layout();
    List<FeatureLayout.Embedding> embeddings = layout.embeddings();
    this.inputs = layout.inputs();
    this.denseWidth = layout.denseWidth();
    this.tables = new EmbeddingBag[embeddings.size()];
    this.columns = new EmbeddingBag.Columns[embeddings.size()];
    for (int k = 0; k < tables.length; k++) {
      FeatureLayout.Embedding e = embeddings.get(k);
      tables[k] = new EmbeddingBag(e.buckets(), e.dim(), EmbeddingBag.Mode.MEAN);
      columns[k] = new EmbeddingBag.Columns(e.column(), inputs);
    }
    this.tableGrads = new float[tables.length][];
    this.tableRows = new TouchedRows[tables.length];
    for (int k = 0; k < tables.length; k++) {
      tableGrads[k] = tables[k].dWeight();
      tableRows[k] = tables[k].touchedRows();
    }
    this.byWidth =
        IntStream.range(0, tables.length)
            .boxed()
            .sorted(Comparator.comparingInt(k -> tables[k].dim()))
            .mapToInt(Integer::intValue)
            .toArray();
    this.squares = new double[tables.length];
  }

  /**
   * Binds the learner's network: one optimizer step updates its tensors and then these tables, in
   * table order (the optimizer's state of table k is that of tensor {@code networkTensors + k}).
   */
  void bind(Mlp mlp) {
    float[][] params = mlp.parameters();
    int n = params.length;
    boolean[] decay = mlp.decay();
    stepParams = new float[n + tables.length][];
    stepGrads = new float[n + tables.length][];
    stepDecay = new boolean[n + tables.length];
    stepRows = new TouchedRows[n + tables.length];
    for (int i = 0; i < n; i++) {
      stepParams[i] = params[i];
      stepGrads[i] = mlp.gradients()[i];
      stepDecay[i] = decay[i];
    }
    for (int k = 0; k < tables.length; k++) {
      stepParams[n + k] = tables[k].weight();
      stepGrads[n + k] = tables[k].dWeight();
      stepRows[n + k] = tables[k].touchedRows(); // decay false: never on a table
    }
  }

  /**
   * One update of the bound network and the tables after their backward passes: clip every gradient
   * by the global norm (the tables' over their touched rows) when it exceeds {@code clipNorm}, step
   * the optimizer (the tables lazily, in their touched rows), then clear the tables' gradient rows.
   */
  void step(Optimizer optimizer, double clipNorm, double globalNorm, float learningRate) {
    if (clipNorm > 0 && globalNorm > clipNorm) {
      GradientClipping.clipByGlobalNorm(stepGrads, stepRows, clipNorm);
    }
    optimizer.step(stepParams, stepGrads, stepDecay, stepRows, learningRate);
    zeroGradients();
  }

  /** Floats of the dense part of an input row, before the tables' columns. */
  int denseWidth() {
    return denseWidth;
  }

  /** Number of tables. */
  int count() {
    return tables.length;
  }

  EmbeddingBag table(int k) {
    return tables[k];
  }

  /**
   * Draws every table's weights, table 0 first, each row-major ({@link EmbeddingBag#initialize}).
   */
  void initialize(SplitMix64 rng) {
    for (EmbeddingBag table : tables) {
      table.initialize(rng);
    }
  }

  /**
   * Writes each table's bag outputs of the batch's b rows into its columns of (b, inputs) input.
   */
  void forward(MiniBatch batch, int b, float[] input) {
    for (int k = 0; k < tables.length; k++) {
      tables[k].forward(batch.ids(k), batch.offsets(k), b, input, columns[k]);
    }
  }

  /**
   * Each table's backward from the network's ∂loss/∂input (b, inputs), read in its columns:
   * accumulates into the tables' dWeight and marks their touched rows.
   */
  void backward(MiniBatch batch, int b, float[] dInput) {
    for (int k = 0; k < tables.length; k++) {
      tables[k].backward(batch.ids(k), batch.offsets(k), b, dInput, columns[k]);
    }
  }

  /** Σ dWeight² of table k over its touched rows (zero elsewhere), in double. */
  double sumOfSquares(int k) {
    return GradientClipping.sumOfSquares(tableGrads[k], tableRows[k]);
  }

  /**
   * {@link #sumOfSquares}(k) of every table k into {@code out[at + k]}, the same bits, four tables
   * of one width at a time ({@link GradientClipping#sumsOfSquares}), then two: each table's sum is
   * one chain of dependent additions, and chains side by side overlap.
   */
  void sumsOfSquares(double[] out, int at) {
    int j = 0;
    for (; j + 4 <= byWidth.length && sameWidth(j, j + 3); j += 4) {
      GradientClipping.sumsOfSquares(tableGrads, tableRows, byWidth, j, squares);
    }
    for (; j + 2 <= byWidth.length; j += 2) {
      GradientClipping.sumsOfSquaresOfTwo(tableGrads, tableRows, byWidth, j, squares);
    }
    for (; j < byWidth.length; j++) {
      squares[byWidth[j]] = sumOfSquares(byWidth[j]);
    }
    System.arraycopy(squares, 0, out, at, squares.length);
  }

  /** Whether tables byWidth[from] and byWidth[to] (and so every one between) have one width. */
  private boolean sameWidth(int from, int to) {
    return tableRows[byWidth[from]].width() == tableRows[byWidth[to]].width();
  }

  /** Clears every table's gradient in its touched rows, and the touched rows. */
  void zeroGradients() {
    for (EmbeddingBag table : tables) {
      table.zeroGradients();
    }
  }

  /** Table k's live weights. */
  float[] weight(int k) {
    return tables[k].weight();
  }

  /**
   * Inference: writes each table's bag outputs of {@code rows} into its columns of (rows.length,
   * inputs) {@code input}. Only reads the tables, so any number of threads may call it at once.
   *
   * @throws IllegalArgumentException for a row without a bag per table, or an id out of range
   */
  void embed(FeatureRow[] rows, float[] input) {
    int n = rows.length;
    for (int k = 0; k < tables.length; k++) {
      int total = 0;
      for (int r = 0; r < n; r++) {
        int[][] ids = rows[r].ids();
        if (ids == null || ids.length != tables.length || ids[k] == null) {
          throw new IllegalArgumentException(
              "rows["
                  + r
                  + "].ids: expected a bag for each of "
                  + tables.length
                  + " embedding tables, got "
                  + (ids == null ? "null" : ids.length));
        }
        total += ids[k].length;
      }
      int[] flat = new int[total];
      int[] offsets = new int[n + 1];
      for (int r = 0; r < n; r++) {
        int[] bag = rows[r].ids()[k];
        System.arraycopy(bag, 0, flat, offsets[r], bag.length);
        offsets[r + 1] = offsets[r] + bag.length;
      }
      tables[k].forward(flat, offsets, n, input, columns[k]);
    }
  }

  /** Copies of the tables' weights. */
  List<EmbeddingState> export() {
    List<EmbeddingState> states = new ArrayList<>(tables.length);
    for (EmbeddingBag table : tables) {
      states.add(new EmbeddingState(table.weight().clone()));
    }
    return states;
  }

  /**
   * Copies a state's tables into these (which keep no reference to them).
   *
   * @throws IllegalArgumentException if the tables do not have the spec's number and shapes
   */
  void load(List<EmbeddingState> states) {
    if (states.size() != tables.length) {
      throw new IllegalArgumentException(
          "model state has "
              + states.size()
              + " embedding tables, the spec's raw features "
              + tables.length);
    }
    for (int k = 0; k < tables.length; k++) {
      float[] from = states.get(k).weight();
      MiniBatch.requireLength("embedding table " + k, from, tables[k].weight().length);
      System.arraycopy(from, 0, tables[k].weight(), 0, from.length);
    }
  }
}
