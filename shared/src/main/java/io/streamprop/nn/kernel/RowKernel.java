package io.streamprop.nn.kernel;

/**
 * The per-row loops of embedding tables, fast: the bags' forward and backward ({@code
 * io.streamprop.nn.EmbeddingBag}) and SparseAdam's update of the touched rows ({@code
 * io.streamprop.nn.optim.AdamBase}). Those classes define the math as plain loops, one element at a
 * time; a kernel computes the elements of a row together (a row of 8 or 16 floats is one or two
 * vectors) and gives the same bits: every element sees the same operations in the same order, never
 * a fused multiply-add.
 *
 * <p>Each method returns false, having done nothing, while the kernel cannot run yet (its vector
 * code is not compiled, see {@link Kernels}): the caller then runs its own loops. Stateless and
 * thread-safe.
 */
public interface RowKernel {

  /**
   * out[b, column + d] = Σ_{k in bag b} weight[ids[k]·dim + d] (divided by the bag's size when
   * {@code mean} and the bag is not empty; 0 for an empty bag), for b in [0, batch), d in [0, dim);
   * rows of out are {@code width} floats apart. Sums in bag order from 0. Arguments are checked by
   * the caller.
   */
  boolean bagForward(
      float[] weight,
      int dim,
      int[] ids,
      int[] offsets,
      int batch,
      boolean mean,
      float[] out,
      int column,
      int width);

  /**
   * dWeight[ids[k]·dim + d] += dOut[b, column + d] (times {@code 1f / n_b} when {@code mean}) for
   * every k of every non-empty bag b, bags b = 0, 1, ... and their ids in order.
   */
  boolean bagBackward(
      float[] dWeight,
      int dim,
      int[] ids,
      int[] offsets,
      int batch,
      boolean mean,
      float[] dOut,
      int column,
      int width);

  /**
   * SparseAdam on rows {@code rows[0..count)} of (width) floats each: per element, {@code m = m +
   * oneMinusBeta1·(g − m)}, {@code v = v + oneMinusBeta2·(g·g − v)}, {@code param += negStep·(m /
   * (√v + epsilon))}, with √ the correctly rounded float square root (what {@code (float)
   * Math.sqrt(v)} gives).
   */
  boolean sparseAdam(
      float[] param,
      float[] grad,
      float[] m,
      float[] v,
      int[] rows,
      int count,
      int width,
      float oneMinusBeta1,
      float oneMinusBeta2,
      float epsilon,
      float negStep);
}
