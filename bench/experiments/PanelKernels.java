/*
 * An experiment, not product code: why the inference kernel of io.streamprop.nn.VectorKernels
 * (forwardPanels, four batch rows by one panel of 16 outputs) copies its rows into a scratch array
 * and fuses its multiply-adds (docs/benchmarks.md, "Where the engine's time goes").
 *
 * Run it (single-file source launcher, JDK 17):
 *
 *   java --add-modules jdk.incubator.vector bench/experiments/PanelKernels.java
 *
 * One panel of 256 inputs × 16 outputs and four rows of inputs, all in the L1 cache, so that only
 * the loop itself is measured; best of 40 rounds, the variants interleaved:
 *   - offsets: four rows read at four row offsets and the sums stored to the output afterwards
 *     (C2 runs out of general registers and spills in the loop);
 *   - scratch: the rows at a constant stride in one array that also holds the sums (no spill);
 *   - scratch, fused: the same with FloatVector.fma (one rounding per term: other bits);
 *   - fused, unrolled: the same on two inputs per loop iteration (the product's kernel);
 *   - registers only: the multiplies and adds of the same block on loop-invariant operands, no
 *     loads at all (the arithmetic's own limit).
 * GFLOP/s counts a multiply and an add as two operations, fused or not.
 */
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

public class PanelKernels {
  static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
  static final int LANES = SPECIES.length();
  static final int PANEL = 2 * LANES;
  static final int TILE = 256;

  static void offsets(
      float[] input, int b, int in, float[] panels, float[] bias, int out, float[] output) {
    final int y0 = b * out;
    FloatVector a0 = FloatVector.fromArray(SPECIES, bias, 0);
    FloatVector c0 = FloatVector.fromArray(SPECIES, bias, LANES);
    FloatVector a1 = a0, a2 = a0, a3 = a0, c1 = c0, c2 = c0, c3 = c0;
    final int x0 = b * in, x1 = x0 + in, x2 = x1 + in, x3 = x2 + in;
    for (int i = 0; i < in; i++) {
      final FloatVector wa = FloatVector.fromArray(SPECIES, panels, i * PANEL);
      final FloatVector wc = FloatVector.fromArray(SPECIES, panels, i * PANEL + LANES);
      final float s0 = input[x0 + i], s1 = input[x1 + i], s2 = input[x2 + i], s3 = input[x3 + i];
      a0 = a0.add(wa.mul(s0));
      c0 = c0.add(wc.mul(s0));
      a1 = a1.add(wa.mul(s1));
      c1 = c1.add(wc.mul(s1));
      a2 = a2.add(wa.mul(s2));
      c2 = c2.add(wc.mul(s2));
      a3 = a3.add(wa.mul(s3));
      c3 = c3.add(wc.mul(s3));
    }
    a0.intoArray(output, y0);
    c0.intoArray(output, y0 + LANES);
    a1.intoArray(output, y0 + out);
    c1.intoArray(output, y0 + out + LANES);
    a2.intoArray(output, y0 + 2 * out);
    c2.intoArray(output, y0 + 2 * out + LANES);
    a3.intoArray(output, y0 + 3 * out);
    c3.intoArray(output, y0 + 3 * out + LANES);
  }

  /** scratch: four rows of sums (PANEL each), then the rows at x, x + TILE, ... */
  static void scratch(float[] scratch, int x, int t, float[] panels) {
    FloatVector a0 = FloatVector.fromArray(SPECIES, scratch, 0);
    FloatVector c0 = FloatVector.fromArray(SPECIES, scratch, LANES);
    FloatVector a1 = FloatVector.fromArray(SPECIES, scratch, PANEL);
    FloatVector c1 = FloatVector.fromArray(SPECIES, scratch, PANEL + LANES);
    FloatVector a2 = FloatVector.fromArray(SPECIES, scratch, 2 * PANEL);
    FloatVector c2 = FloatVector.fromArray(SPECIES, scratch, 2 * PANEL + LANES);
    FloatVector a3 = FloatVector.fromArray(SPECIES, scratch, 3 * PANEL);
    FloatVector c3 = FloatVector.fromArray(SPECIES, scratch, 3 * PANEL + LANES);
    for (int k = 0; k < t; k++) {
      final FloatVector wa = FloatVector.fromArray(SPECIES, panels, k * PANEL);
      final FloatVector wc = FloatVector.fromArray(SPECIES, panels, k * PANEL + LANES);
      final FloatVector s0 = FloatVector.broadcast(SPECIES, scratch[x + k]);
      final FloatVector s1 = FloatVector.broadcast(SPECIES, scratch[x + TILE + k]);
      final FloatVector s2 = FloatVector.broadcast(SPECIES, scratch[x + 2 * TILE + k]);
      final FloatVector s3 = FloatVector.broadcast(SPECIES, scratch[x + 3 * TILE + k]);
      a0 = a0.add(wa.mul(s0));
      c0 = c0.add(wc.mul(s0));
      a1 = a1.add(wa.mul(s1));
      c1 = c1.add(wc.mul(s1));
      a2 = a2.add(wa.mul(s2));
      c2 = c2.add(wc.mul(s2));
      a3 = a3.add(wa.mul(s3));
      c3 = c3.add(wc.mul(s3));
    }
    a0.intoArray(scratch, 0);
    c0.intoArray(scratch, LANES);
    a1.intoArray(scratch, PANEL);
    c1.intoArray(scratch, PANEL + LANES);
    a2.intoArray(scratch, 2 * PANEL);
    c2.intoArray(scratch, 2 * PANEL + LANES);
    a3.intoArray(scratch, 3 * PANEL);
    c3.intoArray(scratch, 3 * PANEL + LANES);
  }

  /** {@link #scratch} with fused multiply-adds (a separate method: C2 compiles each alone). */
  static void scratchFused(float[] scratch, int x, int t, float[] panels) {
    FloatVector a0 = FloatVector.fromArray(SPECIES, scratch, 0);
    FloatVector c0 = FloatVector.fromArray(SPECIES, scratch, LANES);
    FloatVector a1 = FloatVector.fromArray(SPECIES, scratch, PANEL);
    FloatVector c1 = FloatVector.fromArray(SPECIES, scratch, PANEL + LANES);
    FloatVector a2 = FloatVector.fromArray(SPECIES, scratch, 2 * PANEL);
    FloatVector c2 = FloatVector.fromArray(SPECIES, scratch, 2 * PANEL + LANES);
    FloatVector a3 = FloatVector.fromArray(SPECIES, scratch, 3 * PANEL);
    FloatVector c3 = FloatVector.fromArray(SPECIES, scratch, 3 * PANEL + LANES);
    for (int k = 0; k < t; k++) {
      final FloatVector wa = FloatVector.fromArray(SPECIES, panels, k * PANEL);
      final FloatVector wc = FloatVector.fromArray(SPECIES, panels, k * PANEL + LANES);
      final FloatVector s0 = FloatVector.broadcast(SPECIES, scratch[x + k]);
      final FloatVector s1 = FloatVector.broadcast(SPECIES, scratch[x + TILE + k]);
      final FloatVector s2 = FloatVector.broadcast(SPECIES, scratch[x + 2 * TILE + k]);
      final FloatVector s3 = FloatVector.broadcast(SPECIES, scratch[x + 3 * TILE + k]);
      a0 = wa.fma(s0, a0);
      c0 = wc.fma(s0, c0);
      a1 = wa.fma(s1, a1);
      c1 = wc.fma(s1, c1);
      a2 = wa.fma(s2, a2);
      c2 = wc.fma(s2, c2);
      a3 = wa.fma(s3, a3);
      c3 = wc.fma(s3, c3);
    }
    a0.intoArray(scratch, 0);
    c0.intoArray(scratch, LANES);
    a1.intoArray(scratch, PANEL);
    c1.intoArray(scratch, PANEL + LANES);
    a2.intoArray(scratch, 2 * PANEL);
    c2.intoArray(scratch, 2 * PANEL + LANES);
    a3.intoArray(scratch, 3 * PANEL);
    c3.intoArray(scratch, 3 * PANEL + LANES);
  }

  /** {@link #scratchFused} on two inputs per iteration (as VectorKernels.panelBlock4). */
  static void fusedUnrolled(float[] scratch, int x, int t, float[] panels) {
    FloatVector a0 = FloatVector.fromArray(SPECIES, scratch, 0);
    FloatVector c0 = FloatVector.fromArray(SPECIES, scratch, LANES);
    FloatVector a1 = FloatVector.fromArray(SPECIES, scratch, PANEL);
    FloatVector c1 = FloatVector.fromArray(SPECIES, scratch, PANEL + LANES);
    FloatVector a2 = FloatVector.fromArray(SPECIES, scratch, 2 * PANEL);
    FloatVector c2 = FloatVector.fromArray(SPECIES, scratch, 2 * PANEL + LANES);
    FloatVector a3 = FloatVector.fromArray(SPECIES, scratch, 3 * PANEL);
    FloatVector c3 = FloatVector.fromArray(SPECIES, scratch, 3 * PANEL + LANES);
    int k = 0;
    for (; k + 1 < t; k += 2) {
      FloatVector wa = FloatVector.fromArray(SPECIES, panels, k * PANEL);
      FloatVector wc = FloatVector.fromArray(SPECIES, panels, k * PANEL + LANES);
      FloatVector s0 = FloatVector.broadcast(SPECIES, scratch[x + k]);
      FloatVector s1 = FloatVector.broadcast(SPECIES, scratch[x + TILE + k]);
      FloatVector s2 = FloatVector.broadcast(SPECIES, scratch[x + 2 * TILE + k]);
      FloatVector s3 = FloatVector.broadcast(SPECIES, scratch[x + 3 * TILE + k]);
      a0 = wa.fma(s0, a0); c0 = wc.fma(s0, c0); a1 = wa.fma(s1, a1); c1 = wc.fma(s1, c1);
      a2 = wa.fma(s2, a2); c2 = wc.fma(s2, c2); a3 = wa.fma(s3, a3); c3 = wc.fma(s3, c3);
      wa = FloatVector.fromArray(SPECIES, panels, k * PANEL + PANEL);
      wc = FloatVector.fromArray(SPECIES, panels, k * PANEL + PANEL + LANES);
      s0 = FloatVector.broadcast(SPECIES, scratch[x + k + 1]);
      s1 = FloatVector.broadcast(SPECIES, scratch[x + TILE + k + 1]);
      s2 = FloatVector.broadcast(SPECIES, scratch[x + 2 * TILE + k + 1]);
      s3 = FloatVector.broadcast(SPECIES, scratch[x + 3 * TILE + k + 1]);
      a0 = wa.fma(s0, a0); c0 = wc.fma(s0, c0); a1 = wa.fma(s1, a1); c1 = wc.fma(s1, c1);
      a2 = wa.fma(s2, a2); c2 = wc.fma(s2, c2); a3 = wa.fma(s3, a3); c3 = wc.fma(s3, c3);
    }
    for (; k < t; k++) {
      FloatVector wa = FloatVector.fromArray(SPECIES, panels, k * PANEL);
      FloatVector wc = FloatVector.fromArray(SPECIES, panels, k * PANEL + LANES);
      FloatVector s0 = FloatVector.broadcast(SPECIES, scratch[x + k]);
      FloatVector s1 = FloatVector.broadcast(SPECIES, scratch[x + TILE + k]);
      FloatVector s2 = FloatVector.broadcast(SPECIES, scratch[x + 2 * TILE + k]);
      FloatVector s3 = FloatVector.broadcast(SPECIES, scratch[x + 3 * TILE + k]);
      a0 = wa.fma(s0, a0); c0 = wc.fma(s0, c0); a1 = wa.fma(s1, a1); c1 = wc.fma(s1, c1);
      a2 = wa.fma(s2, a2); c2 = wc.fma(s2, c2); a3 = wa.fma(s3, a3); c3 = wc.fma(s3, c3);
    }
    a0.intoArray(scratch, 0); c0.intoArray(scratch, LANES); a1.intoArray(scratch, PANEL); c1.intoArray(scratch, PANEL + LANES);
    a2.intoArray(scratch, 2 * PANEL); c2.intoArray(scratch, 2 * PANEL + LANES); a3.intoArray(scratch, 3 * PANEL); c3.intoArray(scratch, 3 * PANEL + LANES);
  }

  static float registersOnly(float[] w, int n) {
    final FloatVector wa = FloatVector.fromArray(SPECIES, w, 0);
    final FloatVector wc = FloatVector.fromArray(SPECIES, w, LANES);
    final float s0 = w[0], s1 = w[1], s2 = w[2], s3 = w[3];
    FloatVector a0 = wa, a1 = wc, a2 = wa, a3 = wc, c0 = wa, c1 = wc, c2 = wa, c3 = wc;
    for (int i = 0; i < n; i++) {
      a0 = a0.add(wa.mul(s0));
      c0 = c0.add(wc.mul(s0));
      a1 = a1.add(wa.mul(s1));
      c1 = c1.add(wc.mul(s1));
      a2 = a2.add(wa.mul(s2));
      c2 = c2.add(wc.mul(s2));
      a3 = a3.add(wa.mul(s3));
      c3 = c3.add(wc.mul(s3));
    }
    return a0.add(a1).add(a2).add(a3).add(c0).add(c1).add(c2).add(c3).reduceLanes(
        jdk.incubator.vector.VectorOperators.ADD);
  }

  interface Kernel {
    void run();
  }

  /** GFLOP/s of `calls` calls of k, each 2 · 4 rows · PANEL · t operations. */
  static double gflops(Kernel k, int calls, int t) {
    long start = System.nanoTime();
    for (int c = 0; c < calls; c++) {
      k.run();
    }
    return 2.0 * 4 * PANEL * t * calls / (System.nanoTime() - start);
  }

  public static void main(String[] args) {
    final int t = TILE;
    final float[] panels = new float[t * PANEL];
    final float[] input = new float[4 * t];
    final float[] bias = new float[PANEL];
    final float[] output = new float[4 * PANEL];
    final float[] scratch = new float[4 * PANEL + 4 * TILE];
    java.util.SplittableRandom random = new java.util.SplittableRandom(1);
    for (int i = 0; i < panels.length; i++) {
      panels[i] = (float) (random.nextDouble() - 0.5) * 1e-3f;
    }
    for (int i = 0; i < input.length; i++) {
      input[i] = (float) (random.nextDouble() - 0.5) * 1e-3f;
    }
    System.arraycopy(input, 0, scratch, 4 * PANEL, input.length);
    final float[] sink = new float[1];
    double[] best = new double[5];
    for (int round = 0; round < 40; round++) {
      best[0] = Math.max(best[0], gflops(() -> offsets(input, 0, t, panels, bias, PANEL, output), 20_000, t));
      best[1] = Math.max(best[1], gflops(() -> scratch(scratch, 4 * PANEL, t, panels), 20_000, t));
      best[2] = Math.max(best[2], gflops(() -> scratchFused(scratch, 4 * PANEL, t, panels), 20_000, t));
      best[3] = Math.max(best[3], gflops(() -> fusedUnrolled(scratch, 4 * PANEL, t, panels), 20_000, t));
      best[4] = Math.max(best[4], gflops(() -> sink[0] += registersOnly(panels, t), 20_000, t));
      java.util.Arrays.fill(scratch, 0, 4 * PANEL, 0f); // keep the sums small
    }
    System.out.printf(
        "%d lanes, 4 rows x %d outputs x %d inputs in L1, best of 40, GFLOP/s:%n"
            + "  offsets %.1f   scratch %.1f   scratch, fused %.1f   fused, unrolled %.1f"
            + "   registers only %.1f   (%s)%n",
        LANES, PANEL, t, best[0], best[1], best[2], best[3], best[4], sink[0] != 0 ? "ok" : "");
  }
}
