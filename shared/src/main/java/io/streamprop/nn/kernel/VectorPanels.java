package io.streamprop.nn.kernel;

import static io.streamprop.nn.kernel.VectorProducts.LANES;
import static io.streamprop.nn.kernel.VectorProducts.SPECIES;
import static io.streamprop.nn.kernel.VectorProducts.TILE;

import jdk.incubator.vector.FloatVector;

/**
 * The forward pass for prediction, on weight panels: each strip of two vectors of outputs copied
 * into one contiguous panel (in, PANEL), which the kernel reads front to back at a constant stride
 * (no bounds check left in its loop, every load from the next cache line) instead of one strided
 * row piece per input. 1.3–2× {@link VectorProducts#forward}, which training keeps because it would
 * have to pack after every step.
 *
 * <p>Where {@link Kernels#fusedInference()} the outputs of full panels are chains of fused
 * multiply-adds from the bias, {@code sum = fma(x[b, i], w[i, o], sum)} for i = 0, 1, ...; else a
 * multiply and an add, the reference's bits. {@link #forwardFusedScalar} gives the fused bits with
 * {@link Math#fma} until the vector code is compiled.
 */
final class VectorPanels {
  private VectorPanels() {}

  /** Outputs per panel of {@link #packPanels}: one strip (two vectors) of the forward kernels. */
  private static final int PANEL = 2 * LANES;

  /**
   * Copies the weight's full strips of outputs (two vectors wide) into contiguous panels for {@link
   * #forwardPanels}: panel s is (in, PANEL) and holds weight[i, s·PANEL ...] for i = 0, 1, ..., so
   * that the kernel reads it front to back at a constant stride (no bounds check left in its loop,
   * every load from the next cache line) instead of one strided row piece per input.
   *
   * @return the panels, or null when the layer has fewer outputs than one strip
   */
  static float[] packPanels(float[] weight, int in, int out) {
    return packPanels(weight, in, out, null);
  }

  /**
   * {@link #packPanels(float[], int, int)} into {@code into} when it is the panels' size (a network
   * whose weights are set and prepared again and again, such as a population's weight average,
   * packs without allocating), else into a new array.
   */
  static float[] packPanels(float[] weight, int in, int out, float[] into) {
    final int strips = out / PANEL;
    if (strips == 0) {
      return null;
    }
    final int size = strips * in * PANEL;
    final float[] p = into != null && into.length == size ? into : new float[size];
    for (int s = 0; s < strips; s++) {
      for (int i = 0; i < in; i++) {
        System.arraycopy(weight, i * out + s * PANEL, p, (s * in + i) * PANEL, PANEL);
      }
    }
    return p;
  }

  /** Outputs per panel of {@link #packPanels}, the outputs that {@link #forwardPanels} fuses. */
  static int panelWidth() {
    return PANEL;
  }

  /**
   * Floats of scratch that {@link #forwardPanels} needs for {@code batch} rows: four rows' sums
   * (four panels wide), then the current tile of inputs of up to {@value #GROUP} rows in blocks of
   * four, each row {@value #TILE} floats from the last.
   */
  static int panelScratch(int batch) {
    return ROWS_AT + Math.min(batch - batch % 4, GROUP) * TILE;
  }

  /** Rows whose tiles of inputs {@link #forwardPanels} copies at a time (bounds its scratch). */
  private static final int GROUP = 64;

  /** Where {@link #forwardPanels}' scratch holds the input rows (after four rows of sums). */
  private static final int ROWS_AT = 4 * PANEL;

  /**
   * {@link VectorProducts#forward} on weight panels from {@link #packPanels}, for inference: the
   * same blocking, each sum from the bias over i = 0, 1, ... in order, with {@link
   * Kernels#fusedInference() fused multiply-add} where the processor has it (else the multiply and
   * add of {@link VectorProducts#forward}, and the same bits). The outputs past the last full panel
   * come from the flat weight, as in {@link #forward}, never fused.
   *
   * <p>Rows in blocks of four, up to {@value #GROUP} at a time, first copy their tile of inputs
   * into {@code scratch}, every row {@value #TILE} floats from the last, and a block stores its
   * sums there after running through the tile: the kernel's loop then addresses the four rows at
   * constant offsets from one index and keeps no other integer live, so C2 spills nothing (with
   * four row offsets it kept one in a vector register and moved it back and forth on every input, a
   * chain that held the loop to about half its arithmetic's speed).
   *
   * @param scratch at least {@link #panelScratch}(batch) floats, overwritten
   */
  static void forwardPanels(
      float[] input,
      int batch,
      int in,
      float[] panels,
      float[] weight,
      float[] bias,
      int out,
      float[] output,
      float[] scratch) {
    final int strips = out / PANEL;
    final int blocked = batch - batch % 4;
    for (int g = 0; g < blocked && strips > 0; g += GROUP) {
      final int rows = Math.min(blocked - g, GROUP);
      for (int i0 = 0; i0 < in; i0 += TILE) {
        panelTile(input, g, rows, in, i0, panels, bias, strips, out, output, scratch);
      }
    }
    // Rows outside a block of four (a single-row request, or the last rows of a batch): two
    // strips per pass, four independent sums, because one strip's two sums wait on the adder's
    // latency at every input (25–28% faster at one row).
    for (int b = blocked; b < batch; b++) {
      int s = 0;
      for (; s + 2 <= strips; s += 2) {
        panelRow2(input, b, in, panels, s * in * PANEL, bias, out, output, s * PANEL);
      }
      if (s < strips) {
        panelBlock1(input, b, in, panels, s * in * PANEL, bias, out, output, s * PANEL);
      }
    }
    VectorProducts.forwardRest(input, batch, in, weight, bias, out, output, strips * PANEL);
  }

  /**
   * Inputs i0.. (one tile) of rows g..g+rows (whole blocks of four) for every full panel: copies
   * the rows' tile into scratch, then per panel and block of four rows continues the sums from the
   * bias (first tile) or from output (where the tile before left them), and stores them to output.
   */
  private static void panelTile(
      float[] input,
      int g,
      int rows,
      int in,
      int i0,
      float[] panels,
      float[] bias,
      int strips,
      int out,
      float[] output,
      float[] scratch) {
    final int t = Math.min(in, i0 + TILE) - i0;
    for (int r = 0; r < rows; r++) {
      System.arraycopy(input, (g + r) * in + i0, scratch, ROWS_AT + r * TILE, t);
    }
    for (int s = 0; s < strips; s++) {
      final int o = s * PANEL;
      final int p = (s * in + i0) * PANEL;
      for (int b = 0; b < rows; b += 4) {
        final int y = (g + b) * out + o;
        if (i0 == 0) {
          panelBlock4(scratch, ROWS_AT + b * TILE, t, panels, p, bias, o, 0);
        } else {
          panelBlock4(scratch, ROWS_AT + b * TILE, t, panels, p, output, y, out);
        }
        for (int r = 0; r < 4; r++) {
          FloatVector.fromArray(SPECIES, scratch, r * PANEL).intoArray(output, y + r * out);
          FloatVector.fromArray(SPECIES, scratch, r * PANEL + LANES)
              .intoArray(output, y + r * out + LANES);
        }
      }
    }
  }

  /**
   * sum + w·x: one fused multiply-add where {@link Kernels#fusedInference()} says so, else a
   * multiply and an add (the bits of {@link VectorProducts#forward}). A constant branch: C2 keeps
   * one side.
   */
  private static FloatVector madd(FloatVector w, FloatVector x, FloatVector sum) {
    return FUSED ? w.fma(x, sum) : sum.add(w.mul(x));
  }

  private static final boolean FUSED = Kernels.fusedInference();

  /** Row b, outputs o..o+2·PANEL from the two panels that start at p (all inputs, in order). */
  private static void panelRow2(
      float[] input,
      int b,
      int in,
      float[] panels,
      int p,
      float[] bias,
      int out,
      float[] output,
      int o) {
    final int q = p + in * PANEL;
    FloatVector a = FloatVector.fromArray(SPECIES, bias, o);
    FloatVector c = FloatVector.fromArray(SPECIES, bias, o + LANES);
    FloatVector d = FloatVector.fromArray(SPECIES, bias, o + 2 * LANES);
    FloatVector e = FloatVector.fromArray(SPECIES, bias, o + 3 * LANES);
    final int x = b * in;
    for (int i = 0; i < in; i++) {
      final FloatVector v = FloatVector.broadcast(SPECIES, input[x + i]);
      a = madd(FloatVector.fromArray(SPECIES, panels, p + i * PANEL), v, a);
      c = madd(FloatVector.fromArray(SPECIES, panels, p + i * PANEL + LANES), v, c);
      d = madd(FloatVector.fromArray(SPECIES, panels, q + i * PANEL), v, d);
      e = madd(FloatVector.fromArray(SPECIES, panels, q + i * PANEL + LANES), v, e);
    }
    final int y = b * out + o;
    a.intoArray(output, y);
    c.intoArray(output, y + LANES);
    d.intoArray(output, y + 2 * LANES);
    e.intoArray(output, y + 3 * LANES);
  }

  /**
   * Four rows, one panel, one tile of t inputs: the sums of row r start from from[at + r·stride
   * ...] (the bias with stride 0 on the first tile, else the outputs the tile before stored) and
   * end in scratch[r·PANEL ...]; its inputs are scratch[x + r·TILE + k] for k < t, and weight[i0 +
   * k, o + j] is panels[p + k·PANEL + j]. The arguments that only the loads before the loop use
   * cost the loop no register.
   */
  private static void panelBlock4(
      float[] scratch, int x, int t, float[] panels, int p, float[] from, int at, int stride) {
    FloatVector a0 = FloatVector.fromArray(SPECIES, from, at);
    FloatVector c0 = FloatVector.fromArray(SPECIES, from, at + LANES);
    FloatVector a1 = FloatVector.fromArray(SPECIES, from, at + stride);
    FloatVector c1 = FloatVector.fromArray(SPECIES, from, at + stride + LANES);
    FloatVector a2 = FloatVector.fromArray(SPECIES, from, at + 2 * stride);
    FloatVector c2 = FloatVector.fromArray(SPECIES, from, at + 2 * stride + LANES);
    FloatVector a3 = FloatVector.fromArray(SPECIES, from, at + 3 * stride);
    FloatVector c3 = FloatVector.fromArray(SPECIES, from, at + 3 * stride + LANES);
    int k = 0;
    // two inputs per iteration: the loop's integer work (indices, bounds) is about as many
    // instructions as its 8 multiply-adds and 6 loads, more than the core issues in the 4 cycles
    // those need; unrolled, it is shared by 16 (87 against 78 GFLOP/s in L1, fused)
    for (; k + 1 < t; k += 2) {
      FloatVector wa = FloatVector.fromArray(SPECIES, panels, p + k * PANEL);
      FloatVector wc = FloatVector.fromArray(SPECIES, panels, p + k * PANEL + LANES);
      FloatVector s0 = FloatVector.broadcast(SPECIES, scratch[x + k]);
      FloatVector s1 = FloatVector.broadcast(SPECIES, scratch[x + TILE + k]);
      FloatVector s2 = FloatVector.broadcast(SPECIES, scratch[x + 2 * TILE + k]);
      FloatVector s3 = FloatVector.broadcast(SPECIES, scratch[x + 3 * TILE + k]);
      a0 = madd(wa, s0, a0);
      c0 = madd(wc, s0, c0);
      a1 = madd(wa, s1, a1);
      c1 = madd(wc, s1, c1);
      a2 = madd(wa, s2, a2);
      c2 = madd(wc, s2, c2);
      a3 = madd(wa, s3, a3);
      c3 = madd(wc, s3, c3);
      wa = FloatVector.fromArray(SPECIES, panels, p + k * PANEL + PANEL);
      wc = FloatVector.fromArray(SPECIES, panels, p + k * PANEL + PANEL + LANES);
      s0 = FloatVector.broadcast(SPECIES, scratch[x + k + 1]);
      s1 = FloatVector.broadcast(SPECIES, scratch[x + TILE + k + 1]);
      s2 = FloatVector.broadcast(SPECIES, scratch[x + 2 * TILE + k + 1]);
      s3 = FloatVector.broadcast(SPECIES, scratch[x + 3 * TILE + k + 1]);
      a0 = madd(wa, s0, a0);
      c0 = madd(wc, s0, c0);
      a1 = madd(wa, s1, a1);
      c1 = madd(wc, s1, c1);
      a2 = madd(wa, s2, a2);
      c2 = madd(wc, s2, c2);
      a3 = madd(wa, s3, a3);
      c3 = madd(wc, s3, c3);
    }
    if (k < t) {
      final FloatVector wa = FloatVector.fromArray(SPECIES, panels, p + k * PANEL);
      final FloatVector wc = FloatVector.fromArray(SPECIES, panels, p + k * PANEL + LANES);
      final FloatVector s0 = FloatVector.broadcast(SPECIES, scratch[x + k]);
      final FloatVector s1 = FloatVector.broadcast(SPECIES, scratch[x + TILE + k]);
      final FloatVector s2 = FloatVector.broadcast(SPECIES, scratch[x + 2 * TILE + k]);
      final FloatVector s3 = FloatVector.broadcast(SPECIES, scratch[x + 3 * TILE + k]);
      a0 = madd(wa, s0, a0);
      c0 = madd(wc, s0, c0);
      a1 = madd(wa, s1, a1);
      c1 = madd(wc, s1, c1);
      a2 = madd(wa, s2, a2);
      c2 = madd(wc, s2, c2);
      a3 = madd(wa, s3, a3);
      c3 = madd(wc, s3, c3);
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

  /** Row b, outputs o..o+PANEL from the panel that starts at p (all inputs, in order). */
  private static void panelBlock1(
      float[] input,
      int b,
      int in,
      float[] panels,
      int p,
      float[] bias,
      int out,
      float[] output,
      int o) {
    FloatVector a = FloatVector.fromArray(SPECIES, bias, o);
    FloatVector c = FloatVector.fromArray(SPECIES, bias, o + LANES);
    final int x = b * in;
    for (int i = 0; i < in; i++) {
      final FloatVector v = FloatVector.broadcast(SPECIES, input[x + i]);
      a = madd(FloatVector.fromArray(SPECIES, panels, p + i * PANEL), v, a);
      c = madd(FloatVector.fromArray(SPECIES, panels, p + i * PANEL + LANES), v, c);
    }
    final int y = b * out + o;
    a.intoArray(output, y);
    c.intoArray(output, y + LANES);
  }

  /**
   * Outputs 0..fused (those of full panels) as {@link #forwardPanels} fuses them, one at a time:
   * sum = bias[o], then sum = fma(x[b, i], w[i, o], sum) for i = 0, 1, .... For the time before the
   * vector code is compiled; the other outputs are left as they are.
   */
  static void forwardFusedScalar(
      float[] input, int batch, int in, float[] panels, float[] bias, int out, float[] output) {
    final int fused = out - out % PANEL;
    for (int b = 0; b < batch; b++) {
      for (int o = 0; o < fused; o++) {
        final int p = (o / PANEL) * in * PANEL + o % PANEL;
        float sum = bias[o];
        for (int i = 0; i < in; i++) {
          sum = Math.fma(input[b * in + i], panels[p + i * PANEL], sum);
        }
        output[b * out + o] = sum;
      }
    }
  }
}
