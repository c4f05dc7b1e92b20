package io.streamprop.nn.kernel;

import static io.streamprop.nn.kernel.VectorProducts.LANES;

import java.util.function.LongSupplier;

/** Runs the vector kernels until the JIT compiler has compiled them (see {@link Kernels}). */
final class VectorWarmUp {
  private VectorWarmUp() {}

  /**
   * Runs every kernel and every branch of it on small private arrays until the JIT compiler has
   * compiled them (see {@link Kernels}), the forward pass on both weight layouts (flat and panels),
   * softmax's exponential and the embedding rows: a layer of 21 → 41 (two strips, one vector and
   * one single output; input rows in a block of four and one, a sum of squares with one element
   * left over) at 5 rows (a block of four and one), and every 64th round 300 → 16 (a second tile of
   * inputs). Compiled kernels allocate nothing, interpreted ones an object per vector operation, so
   * when the thread can count its allocations it stops at the first batch of {@value #CHECK_EVERY}
   * rounds (after {@value #MIN_ROUNDS}) that allocated almost nothing; otherwise after {@value
   * #BLIND_ROUNDS} rounds. Never longer than 60 s.
   *
   * @param allocatedBytes this thread's allocated bytes so far, or null if the JVM cannot tell
   */
  static void run(LongSupplier allocatedBytes) {
    final long deadline = System.nanoTime() + 60_000_000_000L;
    final int in = 21;
    final int out = 41;
    final int batch = 5;
    final int bigIn = 300;
    final int bigOut = 16;
    float[] x = filled(bigIn * batch);
    float[] w = filled(bigIn * out);
    float[] bias = filled(out);
    float[] y = new float[batch * out];
    float[] dWeight = new float[bigIn * out];
    float[] dBias = new float[out];
    float[] dInput = new float[batch * bigIn];
    double[] sums = new double[4];
    float[][] weightT = new float[out][bigIn];
    for (float[] row : weightT) {
      System.arraycopy(w, 0, row, 0, bigIn);
    }
    float[] exps = new float[2 * LANES + 5];
    float[] panels = VectorPanels.packPanels(w, in, out);
    float[] bigPanels = VectorPanels.packPanels(w, bigIn, bigOut);
    float[] scratch = new float[VectorPanels.panelScratch(batch)];
    // Embedding rows: 4 bags of a table of 4 rows of 2 vectors and 3 floats, and its SparseAdam;
    // the last row's 3 floats run one at a time (their vector would end past the table), so the
    // bags with row 3 and SparseAdam's row 3 take that branch, the last bag and row 0 the vector.
    final int dim = 2 * VectorRowKernel.LANES + 3;
    float[] table = filled(4 * dim);
    float[] moment = new float[4 * dim];
    float[] second = new float[4 * dim];
    float[] bags = new float[4 * (dim + 1)];
    int[] ids = {3, 0, 2, 3, 1, 0, 2};
    int[] offsets = {0, 1, 1, 5, 7};
    long allocatedBefore = allocatedBytes == null ? 0 : allocatedBytes.getAsLong();
    for (int round = 1; System.nanoTime() < deadline; round++) {
      VectorProducts.forward(x, batch, in, w, bias, out, y);
      VectorPanels.forwardPanels(x, batch, in, panels, w, bias, out, y, scratch);
      for (int k = 0; k < exps.length; k++) {
        exps[k] = -Math.abs(y[k]) * 100f; // some below FloatExp.MIN
      }
      VectorExp.exp(exps, exps.length);
      VectorWeightGradient.weightGradient(
          x, y, batch, in, out, dWeight, dBias, (round & 1) == 0, sums);
      VectorProducts.inputGradient(y, batch, out, weightT, in, dInput);
      boolean mean = (round & 1) == 0;
      VectorRowKernel.bagForwardVector(table, dim, ids, offsets, 4, mean, bags, 1, dim + 1);
      VectorRowKernel.bagBackwardVector(moment, dim, ids, offsets, 4, mean, bags, 1, dim + 1);
      VectorRowKernel.sparseAdamVector(
          table, moment, moment, second, ids, 2, dim, 0.1f, 0.001f, 1e-8f, -1e-9f);
      if ((round & 63) == 0) {
        VectorProducts.forward(x, batch, bigIn, w, bias, bigOut, y);
        VectorPanels.forwardPanels(x, batch, bigIn, bigPanels, w, bias, bigOut, y, scratch);
        VectorWeightGradient.weightGradient(x, y, 3, bigIn, bigOut, dWeight, dBias, false, sums);
        VectorProducts.inputGradient(y, 3, bigOut, weightT, bigIn, dInput);
      }
      if (allocatedBytes == null) {
        if (round >= BLIND_ROUNDS) {
          return;
        }
      } else if (round % CHECK_EVERY == 0) {
        long allocated = allocatedBytes.getAsLong();
        if (round >= MIN_ROUNDS && allocated - allocatedBefore < 1024) {
          return; // C2 has compiled every kernel: no vector is boxed any more
        }
        allocatedBefore = allocated;
      }
    }
  }

  private static final int MIN_ROUNDS = 2_048;
  private static final int CHECK_EVERY = 256;
  private static final int BLIND_ROUNDS = 20_000;

  private static float[] filled(int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) Math.sin(i) * 0.01f;
    }
    return a;
  }
}
