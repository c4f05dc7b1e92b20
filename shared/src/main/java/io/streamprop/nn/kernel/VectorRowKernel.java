package io.streamprop.nn.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link RowKernel} on the Vector API: a table row in vectors of the preferred width (8 floats with
 * AVX2, 16 with AVX-512), and the floats after the last full vector (all of a row narrower than a
 * vector: a row of 8 beside 16-float vectors) in one more vector whose first lanes are the row's:
 * it loads a whole vector from the row on, computes every lane, and stores back a blend, the row's
 * lanes new and the others as it loaded them. A row whose last vector would end past its array runs
 * those floats one at a time. Every element of a row sees the operations of the reference loops in
 * their order, so the bits are theirs; the other lanes keep theirs.
 *
 * <p>Why: a row of 8 or 16 floats is too short for HotSpot's auto-vectorizer (its vector loop needs
 * several vectors of iterations), so the reference loops run one float at a time, and SparseAdam's
 * square root and division dominate a step. Why a blend and not a vector of 8 floats: HotSpot 17
 * has no masked store, and a second vector shape beside the dense kernels' stops it intrinsifying
 * them (below). Load only where {@link Kernels#vectorAvailable()}.
 *
 * <p>The blend writes back the floats after a row's end with the values it read, so no other thread
 * may write the arrays during a call (none does: a table, its gradient and moments, and a batch's
 * inputs belong to one learner or one prediction).
 */
final class VectorRowKernel implements RowKernel {
  /**
   * The dense kernels' species: one vector shape per JVM. With a second shape beside it (256-bit
   * rows beside 512-bit layers on AVX-512), HotSpot 17 stopped intrinsifying the dense kernels,
   * which then boxed every vector (170 KB per example).
   */
  static final VectorSpecies<Float> SPECIES = VectorProducts.SPECIES;

  static final int LANES = SPECIES.length();

  /**
   * FIRST_LANES[n]: the mask of lanes [0, n), made once. Loading a made mask allocates nothing; a
   * mask made in a kernel (a comparison) is an object per use on HotSpot 17.
   */
  private static final VectorMask<Float>[] FIRST_LANES = firstLaneMasks();

  @SuppressWarnings("unchecked")
  private static VectorMask<Float>[] firstLaneMasks() {
    VectorMask<Float>[] masks = new VectorMask[LANES + 1];
    for (int n = 0; n <= LANES; n++) {
      masks[n] = SPECIES.indexInRange(0, n);
    }
    return masks;
  }

  static final VectorRowKernel INSTANCE = new VectorRowKernel();

  private VectorRowKernel() {}

  @Override
  public boolean bagForward(
      float[] weight,
      int dim,
      int[] ids,
      int[] offsets,
      int batch,
      boolean mean,
      float[] out,
      int column,
      int width) {
    if (!Kernels.vector()) {
      return false;
    }
    bagForwardVector(weight, dim, ids, offsets, batch, mean, out, column, width);
    return true;
  }

  /** {@link #bagForward} without the readiness check (the warm-up runs it). */
  static void bagForwardVector(
      float[] weight,
      int dim,
      int[] ids,
      int[] offsets,
      int batch,
      boolean mean,
      float[] out,
      int column,
      int width) {
    final int tail = dim % LANES; // floats after the last full vector of a row
    final int full = dim - tail;
    final int lastTailRow = lastTailRow(weight.length, dim, full);
    for (int b = 0; b < batch; b++) {
      final int o = b * width + column;
      final int from = offsets[b];
      final int to = offsets[b + 1];
      final float n = to - from; // exact: a bag holds fewer than 2²⁴ ids
      final boolean divide = mean && to > from;
      for (int d = 0; d < full; d += LANES) {
        FloatVector sum = FloatVector.zero(SPECIES);
        for (int k = from; k < to; k++) {
          sum = sum.add(FloatVector.fromArray(SPECIES, weight, ids[k] * dim + d));
        }
        if (divide) {
          sum = sum.div(n);
        }
        sum.intoArray(out, o + d);
      }
      if (tail == 0) {
        continue;
      }
      if (o + full + LANES <= out.length && rowsUpTo(ids, from, to, lastTailRow)) {
        // the tail in one vector: its first `tail` lanes are the row's, the others are blended out
        FloatVector sum = FloatVector.zero(SPECIES);
        for (int k = from; k < to; k++) {
          sum = sum.add(FloatVector.fromArray(SPECIES, weight, ids[k] * dim + full));
        }
        if (divide) {
          sum = sum.div(n);
        }
        FloatVector.fromArray(SPECIES, out, o + full)
            .blend(sum, firstLanes(tail))
            .intoArray(out, o + full);
        continue;
      }
      for (int d = full; d < dim; d++) {
        float sum = 0f;
        for (int k = from; k < to; k++) {
          sum += weight[ids[k] * dim + d];
        }
        out[o + d] = divide ? sum / n : sum;
      }
    }
  }

  @Override
  public boolean bagBackward(
      float[] dWeight,
      int dim,
      int[] ids,
      int[] offsets,
      int batch,
      boolean mean,
      float[] dOut,
      int column,
      int width) {
    if (!Kernels.vector()) {
      return false;
    }
    bagBackwardVector(dWeight, dim, ids, offsets, batch, mean, dOut, column, width);
    return true;
  }

  /** {@link #bagBackward} without the readiness check (the warm-up runs it). */
  static void bagBackwardVector(
      float[] dWeight,
      int dim,
      int[] ids,
      int[] offsets,
      int batch,
      boolean mean,
      float[] dOut,
      int column,
      int width) {
    final int tail = dim % LANES; // floats after the last full vector of a row
    final int full = dim - tail;
    final int lastTailRow = lastTailRow(dWeight.length, dim, full);
    for (int b = 0; b < batch; b++) {
      final int from = offsets[b];
      final int to = offsets[b + 1];
      if (to == from) {
        continue;
      }
      final int g = b * width + column;
      final float scale = 1f / (to - from);
      for (int d = 0; d < full; d += LANES) {
        FloatVector term = FloatVector.fromArray(SPECIES, dOut, g + d);
        if (mean) {
          term = term.mul(scale);
        }
        for (int k = from; k < to; k++) {
          final int w = ids[k] * dim + d;
          FloatVector.fromArray(SPECIES, dWeight, w).add(term).intoArray(dWeight, w);
        }
      }
      if (tail == 0) {
        continue;
      }
      if (g + full + LANES <= dOut.length && rowsUpTo(ids, from, to, lastTailRow)) {
        // the tail in one vector: the row's lanes get the term, the others keep their bits
        FloatVector term = FloatVector.fromArray(SPECIES, dOut, g + full);
        if (mean) {
          term = term.mul(scale);
        }
        for (int k = from; k < to; k++) {
          final int w = ids[k] * dim + full;
          final FloatVector row = FloatVector.fromArray(SPECIES, dWeight, w);
          row.blend(row.add(term), firstLanes(tail)).intoArray(dWeight, w);
        }
        continue;
      }
      for (int d = full; d < dim; d++) {
        final float term = mean ? dOut[g + d] * scale : dOut[g + d];
        for (int k = from; k < to; k++) {
          dWeight[ids[k] * dim + d] += term;
        }
      }
    }
  }

  @Override
  public boolean sparseAdam(
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
      float negStep) {
    if (!Kernels.vector()) {
      return false;
    }
    sparseAdamVector(
        param, grad, m, v, rows, count, width, oneMinusBeta1, oneMinusBeta2, epsilon, negStep);
    return true;
  }

  /** {@link #sparseAdam} without the readiness check (the warm-up runs it). */
  static void sparseAdamVector(
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
      float negStep) {
    final int tail = width % LANES; // floats after the last full vector of a row
    final int full = width - tail;
    final int length = Math.min(Math.min(param.length, grad.length), Math.min(m.length, v.length));
    for (int k = 0; k < count; k++) {
      final int start = rows[k] * width;
      final int end = start + width;
      int i = start;
      for (; i < start + full; i += LANES) {
        final FloatVector g = FloatVector.fromArray(SPECIES, grad, i);
        FloatVector mi = FloatVector.fromArray(SPECIES, m, i);
        FloatVector vi = FloatVector.fromArray(SPECIES, v, i);
        mi = mi.add(g.sub(mi).mul(oneMinusBeta1));
        vi = vi.add(g.mul(g).sub(vi).mul(oneMinusBeta2));
        mi.intoArray(m, i);
        vi.intoArray(v, i);
        final FloatVector denom = vi.sqrt().add(epsilon);
        FloatVector.fromArray(SPECIES, param, i)
            .add(mi.div(denom).mul(negStep))
            .intoArray(param, i);
      }
      if (tail != 0 && i + LANES <= length) {
        // the tail in one vector: the row's lanes updated, the others stored as loaded
        final FloatVector g = FloatVector.fromArray(SPECIES, grad, i);
        final FloatVector m0 = FloatVector.fromArray(SPECIES, m, i);
        final FloatVector v0 = FloatVector.fromArray(SPECIES, v, i);
        final FloatVector mi = m0.add(g.sub(m0).mul(oneMinusBeta1));
        final FloatVector vi = v0.add(g.mul(g).sub(v0).mul(oneMinusBeta2));
        final VectorMask<Float> tailLanes = firstLanes(tail);
        m0.blend(mi, tailLanes).intoArray(m, i);
        v0.blend(vi, tailLanes).intoArray(v, i);
        final FloatVector denom = vi.sqrt().add(epsilon);
        final FloatVector p0 = FloatVector.fromArray(SPECIES, param, i);
        p0.blend(p0.add(mi.div(denom).mul(negStep)), tailLanes).intoArray(param, i);
        continue;
      }
      for (; i < end; i++) {
        final float g = grad[i];
        m[i] = m[i] + oneMinusBeta1 * (g - m[i]);
        v[i] = v[i] + oneMinusBeta2 * (g * g - v[i]);
        final float denom = (float) Math.sqrt(v[i]) + epsilon;
        param[i] += negStep * (m[i] / denom);
      }
    }
  }

  /** The mask of lanes [0, count), count in [0, LANES]. */
  private static VectorMask<Float> firstLanes(int count) {
    return FIRST_LANES[count];
  }

  /**
   * The last row of a table of {@code dim} floats a row in an array of {@code length} floats whose
   * tail vector (a whole vector from float {@code full} of the row on) lies inside the array; −1 if
   * none.
   */
  private static int lastTailRow(int length, int dim, int full) {
    return Math.floorDiv(length - full - LANES, dim);
  }

  /** True when every id of ids[from .. to) is at most {@code lastRow}. */
  private static boolean rowsUpTo(int[] ids, int from, int to, int lastRow) {
    for (int k = from; k < to; k++) {
      if (ids[k] > lastRow) {
        return false;
      }
    }
    return true;
  }
}
