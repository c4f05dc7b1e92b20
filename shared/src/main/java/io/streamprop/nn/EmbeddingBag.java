package io.streamprop.nn;

import io.streamprop.nn.kernel.Kernels;
import io.streamprop.nn.kernel.RowKernel;
import io.streamprop.nn.optim.TouchedRows;
import java.util.Arrays;

/**
 * A table of learned vectors, one per hash bucket, that turns each bag of bucket ids into the sum
 * or the mean of its rows: PyTorch's {@code nn.EmbeddingBag} (modes {@code 'sum'} and {@code
 * 'mean'}, 1-D input with offsets), for categorical values and token bags hashed into buckets
 * (Weinberger et al., "Feature Hashing for Large Scale Multitask Learning", ICML 2009).
 *
 * <p>Shapes: weight (buckets, dim) row-major; a mini-batch is a flat {@code ids} array and {@code
 * offsets} (B + 1): bag b is {@code ids[offsets[b] .. offsets[b+1])}, offsets[0] = 0, and an empty
 * bag is allowed. The output (B, dim) goes into columns [column, column + dim) of rows {@code
 * width} floats apart ({@link Columns}), so several tables write side by side into one network
 * input row.
 *
 * <pre>
 *   SUM:   out[b, :] = Σ_{k in bag b} weight[ids[k], :]            (zeros for an empty bag)
 *   MEAN:  out[b, :] = (Σ_{k in bag b} weight[ids[k], :]) / n_b    (zeros for an empty bag)
 * </pre>
 *
 * <p>The backward pass scatters dOut back onto the rows the mini-batch used, so dWeight is zero
 * outside them and {@link #touchedRows()} lists them (ascending, each once): the optimizer ({@code
 * Optimizer.step} with touched rows), clipping ({@code GradientClipping.sumOfSquares}) and {@link
 * #zeroGradients} visit only those rows, never the whole table. Call order per training step:
 * {@link #zeroGradients}, {@link #forward}, the network's forward and backward, {@link #backward},
 * then the optimizer with {@link #touchedRows()}.
 *
 * <p>Every sum adds its terms in bag order (k = offsets[b], offsets[b] + 1, ...), and dWeight adds
 * bags b = 0, 1, ... in order, so the bits depend only on the input. These loops define the bits;
 * where the JVM has the Vector API, a {@link RowKernel} ({@link Kernels#rows}) runs them with a
 * row's floats together and the same bits ({@code RowKernelsTest}). After warm-up nothing
 * allocates: the owned output buffer and the touched-row list grow only for a mini-batch larger
 * than any before. Not thread-safe.
 */
public final class EmbeddingBag {

  /** How a bag's rows combine. */
  public enum Mode {
    /** The sum of the bag's rows. */
    SUM,
    /** The mean of the bag's rows (their sum divided by the bag's size). */
    MEAN
  }

  /**
   * Where the output of a bag goes in a row of a (B, width) array: columns [column, column + dim).
   * The integrator makes one per table, once, and passes the same to {@link #forward} and {@link
   * #backward}.
   */
  public record Columns(int column, int width) {
    public Columns {
      if (column < 0 || width < 1) {
        throw new IllegalArgumentException(
            "columns need column >= 0 and width >= 1, got column " + column + ", width " + width);
      }
    }
  }

  private final int buckets;
  private final int dim;
  private final Mode mode;
  private final Columns alone; // (0, dim): an output of its own
  private final float[] weight; // (buckets, dim)
  private final float[] dWeight; // (buckets, dim); zero outside touched
  private final TouchedRows touched; // rows of dWeight that may be non-zero
  private float[] output = new float[0]; // (B, dim), owned, grown to the largest batch
  private final RowKernel kernel; // the fast loops (null: the loops below)

  /** A table of zeros; call {@link #initialize} or load the weights. */
  public EmbeddingBag(int buckets, int dim, Mode mode) {
    this(buckets, dim, mode, Kernels.rows());
  }

  /** A table whose bags run on {@code kernel}, or on the loops below if null. */
  EmbeddingBag(int buckets, int dim, Mode mode, RowKernel kernel) {
    if (buckets < 1 || dim < 1) {
      throw new IllegalArgumentException(
          "an embedding table needs buckets >= 1 and dim >= 1, got " + buckets + " x " + dim);
    }
    if (mode == null) {
      throw new IllegalArgumentException("mode must be SUM or MEAN, got null");
    }
    this.buckets = buckets;
    this.dim = dim;
    this.mode = mode;
    this.alone = new Columns(0, dim);
    int size = Math.multiplyExact(buckets, dim);
    this.weight = new float[size];
    this.dWeight = new float[size];
    this.touched = new TouchedRows(buckets, dim);
    this.kernel = kernel;
  }

  /**
   * Draws every weight from N(0, 1), row-major, one {@link SplitMix64#nextGaussian} each: PyTorch's
   * {@code nn.EmbeddingBag} default. Why unit variance: the bags' vectors enter the network beside
   * standardized numeric inputs, and the first dense layer's initialization (He or Xavier, scaled
   * by fan-in) assumes inputs of unit variance; a one-id bag (a categorical value) then gives
   * exactly that. A MEAN over n distinct ids has variance 1/n per column and a SUM n, so long SUM
   * bags start with large inputs (MEAN suits token bags). A smaller scale (such as DLRM's uniform
   * ±1/√buckets) would start a large table's rows near zero, where the first layer hardly sees
   * them.
   */
  public void initialize(SplitMix64 rng) {
    for (int i = 0; i < weight.length; i++) {
      weight[i] = (float) rng.nextGaussian();
    }
  }

  /**
   * out (B, dim) = the bags' sums or means, into this layer's own buffer.
   *
   * @return the buffer (at least B·dim floats), valid until the next forward
   */
  public float[] forward(int[] ids, int[] offsets, int batch) {
    if (output.length < (long) batch * dim) {
      output = new float[Math.multiplyExact(Math.max(batch, 1), dim)];
    }
    forward(ids, offsets, batch, output, alone);
    return output;
  }

  /**
   * out[b, column .. column + dim) = bag b's sum or mean for b in [0, batch), in rows {@code
   * columns.width()} floats apart; the other columns of {@code out} are left as they are.
   *
   * @param ids (offsets[batch]) bucket ids in [0, buckets); the array may be longer
   * @param offsets (batch + 1): bag b is ids[offsets[b] .. offsets[b+1]), offsets[0] = 0
   * @param out (batch, columns.width()), written in the layer's columns only
   */
  public void forward(int[] ids, int[] offsets, int batch, float[] out, Columns columns) {
    checkBags(ids, offsets, batch);
    checkColumns(out, batch, columns, "out");
    final int width = columns.width();
    if (kernel != null
        && kernel.bagForward(
            weight, dim, ids, offsets, batch, mode == Mode.MEAN, out, columns.column(), width)) {
      return; // the same sums, a row's floats together (io.streamprop.nn.kernel)
    }
    for (int b = 0; b < batch; b++) {
      final int o = b * width + columns.column(); // out[b, column]
      Arrays.fill(out, o, o + dim, 0f);
      final int n = offsets[b + 1] - offsets[b];
      // out[b, :] += weight[ids[k], :] for k in bag b, in order
      for (int k = offsets[b]; k < offsets[b + 1]; k++) {
        final int w = ids[k] * dim;
        for (int d = 0; d < dim; d++) {
          out[o + d] += weight[w + d];
        }
      }
      if (mode == Mode.MEAN && n > 0) {
        for (int d = 0; d < dim; d++) {
          out[o + d] /= n; // the mean: sum / n_b
        }
      }
    }
  }

  /**
   * Backward pass of {@link #forward}: accumulates ({@code +=}) into dWeight for the rows the bags
   * use, and adds them to {@link #touchedRows()}.
   *
   * <pre>
   *   SUM:   dWeight[ids[k], :] += dOut[b, :]          for every k in bag b
   *   MEAN:  dWeight[ids[k], :] += dOut[b, :] · 1/n_b   for every k in bag b
   * </pre>
   *
   * An id that appears twice in a bag receives its term twice (its row counted twice in the sum);
   * an empty bag adds nothing.
   *
   * @param ids the forward's ids
   * @param offsets the forward's offsets
   * @param dOut ∂loss/∂out, (batch, columns.width()): read in the layer's columns only (e.g. the
   *     network's dInput, with the columns given to forward)
   */
  public void backward(int[] ids, int[] offsets, int batch, float[] dOut, Columns columns) {
    checkBags(ids, offsets, batch);
    checkColumns(dOut, batch, columns, "dOut");
    touched.addAll(ids, 0, offsets[batch]);
    final int width = columns.width();
    if (kernel != null
        && kernel.bagBackward(
            dWeight, dim, ids, offsets, batch, mode == Mode.MEAN, dOut, columns.column(), width)) {
      return; // the same terms, a row's floats together (io.streamprop.nn.kernel)
    }
    for (int b = 0; b < batch; b++) {
      final int n = offsets[b + 1] - offsets[b];
      if (n == 0) {
        continue; // an empty bag's output is the constant 0: no gradient
      }
      final int g = b * width + columns.column(); // dOut[b, column]
      final float scale = mode == Mode.MEAN ? 1f / n : 1f;
      for (int k = offsets[b]; k < offsets[b + 1]; k++) {
        final int w = ids[k] * dim;
        if (mode == Mode.MEAN) {
          for (int d = 0; d < dim; d++) {
            dWeight[w + d] += dOut[g + d] * scale; // ∂out[b, d]/∂weight[id, d] = 1/n_b
          }
        } else {
          for (int d = 0; d < dim; d++) {
            dWeight[w + d] += dOut[g + d]; // ∂out[b, d]/∂weight[id, d] = 1
          }
        }
      }
    }
  }

  /**
   * Zeroes dWeight in the touched rows (the only ones that can be non-zero) and empties the set.
   */
  public void zeroGradients() {
    for (int k = 0; k < touched.count(); k++) {
      int start = touched.row(k) * dim;
      Arrays.fill(dWeight, start, start + dim, 0f);
    }
    touched.clear();
  }

  /** Rows of dWeight that backward wrote since the last {@link #zeroGradients}; live. */
  public TouchedRows touchedRows() {
    return touched;
  }

  /** The live weight array (buckets, dim); the optimizer updates it in place. */
  public float[] weight() {
    return weight;
  }

  /** ∂loss/∂weight (buckets, dim): zero outside {@link #touchedRows()}. */
  public float[] dWeight() {
    return dWeight;
  }

  public int buckets() {
    return buckets;
  }

  public int dim() {
    return dim;
  }

  public Mode mode() {
    return mode;
  }

  /**
   * offsets has batch + 1 entries from 0, never decreasing, and the ids they cover are buckets. All
   * checked before anything is written, in O(batch + ids).
   */
  private void checkBags(int[] ids, int[] offsets, int batch) {
    if (batch < 0 || offsets.length < batch + 1) {
      throw new IllegalArgumentException(
          "offsets needs batch + 1 = "
              + (batch + 1)
              + " entries, has "
              + offsets.length
              + " (batch "
              + batch
              + ")");
    }
    if (offsets[0] != 0) {
      throw new IllegalArgumentException("offsets[0] must be 0, got " + offsets[0]);
    }
    for (int b = 0; b < batch; b++) {
      if (offsets[b + 1] < offsets[b]) {
        throw new IllegalArgumentException(
            "offsets must not decrease: offsets["
                + (b + 1)
                + "] = "
                + offsets[b + 1]
                + " < offsets["
                + b
                + "] = "
                + offsets[b]);
      }
    }
    if (offsets[batch] > ids.length) {
      throw new IllegalArgumentException(
          "offsets[" + batch + "] = " + offsets[batch] + " is past the " + ids.length + " ids");
    }
    for (int k = 0; k < offsets[batch]; k++) {
      if (ids[k] < 0 || ids[k] >= buckets) {
        throw new IllegalArgumentException(
            "ids[" + k + "] = " + ids[k] + " is not a bucket in [0, " + buckets + ")");
      }
    }
  }

  private void checkColumns(float[] array, int batch, Columns columns, String name) {
    if (columns.column() + dim > columns.width()) {
      throw new IllegalArgumentException(
          "columns ["
              + columns.column()
              + ", "
              + (columns.column() + dim)
              + ") of a table of dim "
              + dim
              + " do not fit in rows of width "
              + columns.width());
    }
    if (array.length < (long) batch * columns.width()) {
      throw new IllegalArgumentException(
          name
              + " has "
              + array.length
              + " floats, needs batch x width = "
              + batch
              + " x "
              + columns.width());
    }
  }
}
