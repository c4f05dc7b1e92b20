package io.streamprop.nn.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link RowKernel} on the Vector API: a table row in vectors of the preferred width (8 floats with
 * AVX2, 16 with AVX-512), the floats of a row that do not fill a vector one at a time. Every
 * element sees the operations of the reference loops in their order, so the bits are theirs.
 *
 * <p>Why: a row of 8 or 16 floats is too short for HotSpot's auto-vectorizer (its vector loop needs
 * several vectors of iterations), so the reference loops run one float at a time, and SparseAdam's
 * square root and division dominate a step. Load only where {@link Kernels#vectorAvailable()}.
 */
final class VectorRowKernel implements RowKernel {
  /**
   * The dense kernels' species: one vector shape per JVM. With a second shape beside it (256-bit
   * rows beside 512-bit layers on AVX-512), HotSpot 17 stopped intrinsifying the dense kernels,
   * which then boxed every vector (170 KB per example).
   */
  static final VectorSpecies<Float> SPECIES = VectorProducts.SPECIES;

  static final int LANES = SPECIES.length();

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
    for (int b = 0; b < batch; b++) {
      final int o = b * width + column;
      final int from = offsets[b];
      final int to = offsets[b + 1];
      final float n = to - from; // exact: a bag holds fewer than 2²⁴ ids
      final boolean divide = mean && to > from;
      int d = 0;
      for (; d + LANES <= dim; d += LANES) {
        FloatVector sum = FloatVector.zero(SPECIES);
        for (int k = from; k < to; k++) {
          sum = sum.add(FloatVector.fromArray(SPECIES, weight, ids[k] * dim + d));
        }
        if (divide) {
          sum = sum.div(n);
        }
        sum.intoArray(out, o + d);
      }
      for (; d < dim; d++) {
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
    for (int b = 0; b < batch; b++) {
      final int from = offsets[b];
      final int to = offsets[b + 1];
      if (to == from) {
        continue;
      }
      final int g = b * width + column;
      final float scale = 1f / (to - from);
      int d = 0;
      for (; d + LANES <= dim; d += LANES) {
        FloatVector term = FloatVector.fromArray(SPECIES, dOut, g + d);
        if (mean) {
          term = term.mul(scale);
        }
        for (int k = from; k < to; k++) {
          final int w = ids[k] * dim + d;
          FloatVector.fromArray(SPECIES, dWeight, w).add(term).intoArray(dWeight, w);
        }
      }
      for (; d < dim; d++) {
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
    for (int k = 0; k < count; k++) {
      final int start = rows[k] * width;
      final int end = start + width;
      int i = start;
      for (; i + LANES <= end; i += LANES) {
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
      for (; i < end; i++) {
        final float g = grad[i];
        m[i] = m[i] + oneMinusBeta1 * (g - m[i]);
        v[i] = v[i] + oneMinusBeta2 * (g * g - v[i]);
        final float denom = (float) Math.sqrt(v[i]) + epsilon;
        param[i] += negStep * (m[i] / denom);
      }
    }
  }
}
