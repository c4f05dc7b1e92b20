package io.streamprop.nn;

import java.util.function.LongSupplier;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Register-blocked kernels of {@link Dense} on the JDK's Vector API ({@code jdk.incubator.vector}),
 * used when the JVM runs with {@code --add-modules jdk.incubator.vector} (see {@link Kernels}).
 *
 * <p>Why: HotSpot's auto-vectorizer only vectorizes an innermost loop, so the scalar kernels keep
 * their running sums in memory (an accumulator row loaded and stored once per pass) and reach 12–25
 * GFLOP/s here. These kernels keep a block of sums (four batch rows × two vectors of outputs) in
 * registers for a whole pass over the inputs, so each weight vector is loaded once for four rows
 * and no sum goes through memory: 2–3× the scalar kernels on the benchmark shapes (docs/engine.md).
 *
 * <p>Same bits as the scalar kernels, on any vector width: every lane does what the scalar loop
 * does for its element, a multiplication then an addition (never a fused multiply-add, except in
 * the inference kernel {@link #forwardPanels}, see {@link Kernels#fusedInference()}), and every sum
 * adds its terms in the defined order: output[b, o] = bias[o] + x[b, 0]·w[0, o] + x[b, 1]·w[1, o] +
 * ...; dWeight[i, o] = (dWeight[i, o] or 0) + x[0, i]·g[0, o] + x[1, i]·g[1, o] + ...; dBias
 * likewise over rows; dInput[b, i] = 0 + g[b, 0]·w[i, 0] + g[b, 1]·w[i, 1] + .... The loops only
 * choose which elements are computed together, never the order of one element's terms. {@code
 * VectorKernelsTest} holds them to plain loops bit for bit.
 *
 * <p>Load this class only when {@link Kernels#VECTOR_AVAILABLE} is true: it links against the
 * incubator module.
 */
final class VectorKernels {
  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
  private static final int LANES = SPECIES.length();

  /**
   * Inputs per tile of the forward pass: the tile of weights for one strip of outputs (TILE × 2
   * vectors) stays in the L1 cache while every block of batch rows passes over it.
   */
  private static final int TILE = 256;

  private VectorKernels() {}

  /**
   * Runs every kernel and every branch of it on small private arrays until the JIT compiler has
   * compiled them (see {@link Kernels}), the forward pass on both weight layouts (flat and panels)
   * and softmax's exponential: a layer of 20 → 41 (two strips, one vector and one single output) at
   * 5 rows (a block of four and one), and every 64th round 300 → 16 (a second tile of inputs).
   * Compiled kernels allocate nothing, interpreted ones an object per vector operation, so when the
   * thread can count its allocations it stops at the first batch of {@value #CHECK_EVERY} rounds
   * (after {@value #MIN_ROUNDS}) that allocated almost nothing; otherwise after {@value
   * #BLIND_ROUNDS} rounds. Never longer than 60 s.
   *
   * @param allocatedBytes this thread's allocated bytes so far, or null if the JVM cannot tell
   */
  static void warmUp(LongSupplier allocatedBytes) {
    final long deadline = System.nanoTime() + 60_000_000_000L;
    final int in = 20;
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
    float[][] weightT = new float[out][bigIn];
    for (float[] row : weightT) {
      System.arraycopy(w, 0, row, 0, bigIn);
    }
    float[] exps = new float[2 * LANES + 5];
    float[] panels = packPanels(w, in, out);
    float[] bigPanels = packPanels(w, bigIn, bigOut);
    float[] scratch = new float[panelScratch(batch)];
    long allocatedBefore = allocatedBytes == null ? 0 : allocatedBytes.getAsLong();
    for (int round = 1; System.nanoTime() < deadline; round++) {
      forward(x, batch, in, w, bias, out, y);
      forwardPanels(x, batch, in, panels, w, bias, out, y, scratch);
      for (int k = 0; k < exps.length; k++) {
        exps[k] = -Math.abs(y[k]) * 100f; // some below EXP_MIN
      }
      exp(exps, exps.length);
      weightGradient(x, y, batch, in, out, dWeight, dBias, (round & 1) == 0);
      inputGradient(y, batch, out, weightT, in, dInput);
      if ((round & 63) == 0) {
        forward(x, batch, bigIn, w, bias, bigOut, y);
        forwardPanels(x, batch, bigIn, bigPanels, w, bias, bigOut, y, scratch);
        weightGradient(x, y, 3, bigIn, bigOut, dWeight, dBias, false);
        inputGradient(y, 3, bigOut, weightT, bigIn, dInput);
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

  /**
   * a[i] = {@link Softmax#exp}(a[i]) for i < n: the same steps on a vector of lanes, the same bits;
   * the elements past the last full vector go through the scalar function.
   */
  static void exp(float[] a, int n) {
    int i = 0;
    for (; i + LANES <= n; i += LANES) {
      final FloatVector x = FloatVector.fromArray(SPECIES, a, i);
      final VectorMask<Float> under = x.compare(VectorOperators.LT, Softmax.EXP_MIN);
      final FloatVector t = x.mul(Softmax.LOG2E).add(Softmax.ROUND);
      final FloatVector scale =
          t.reinterpretAsInts()
              .sub(Softmax.ROUND_BITS - 127)
              .lanewise(VectorOperators.LSHL, 23)
              .reinterpretAsFloats();
      final FloatVector fn = t.sub(Softmax.ROUND);
      FloatVector r = x.sub(fn.mul(Softmax.LN2_HI));
      r = r.sub(fn.mul(Softmax.LN2_LO));
      final FloatVector z = r.mul(r);
      FloatVector y = r.mul(Softmax.P0).add(Softmax.P1);
      y = y.mul(r).add(Softmax.P2);
      y = y.mul(r).add(Softmax.P3);
      y = y.mul(r).add(Softmax.P4);
      y = y.mul(r).add(Softmax.P5);
      y = y.mul(z).add(r).add(1f);
      y.mul(scale).blend(0f, under).intoArray(a, i);
    }
    for (; i < n; i++) {
      a[i] = Softmax.exp(a[i]);
    }
  }

  /** The vector width in floats, for diagnostics. */
  static int lanes() {
    return LANES;
  }

  /**
   * output (B, out) = input (B, in) · weight (in, out) + bias (out), all flat and row-major.
   *
   * <p>Outputs in strips of two vectors, inputs in tiles of {@value #TILE}, batch rows in blocks of
   * four; a tile after the first continues the sums stored by the one before (a float stored and
   * loaded back is the same float, so tiling changes no bit). Outputs that do not fill a vector,
   * and rows that do not fill a block, are computed one at a time in the same order.
   */
  static void forward(
      float[] input, int batch, int in, float[] weight, float[] bias, int out, float[] output) {
    final int strip = 2 * LANES;
    int o = 0;
    for (; o + strip <= out; o += strip) {
      for (int i0 = 0; i0 < in; i0 += TILE) {
        final int i1 = Math.min(in, i0 + TILE);
        int b = 0;
        for (; b + 4 <= batch; b += 4) {
          forwardBlock4(input, b, in, weight, bias, out, output, o, i0, i1);
        }
        for (; b < batch; b++) {
          forwardBlock1(input, b, in, weight, bias, out, output, o, i0, i1);
        }
      }
    }
    forwardRest(input, batch, in, weight, bias, out, output, o);
  }

  /**
   * Outputs o.. of {@link #forward} that do not fill a strip: one vector, then single outputs, one
   * batch row at a time.
   */
  private static void forwardRest(
      float[] input,
      int batch,
      int in,
      float[] weight,
      float[] bias,
      int out,
      float[] output,
      int o) {
    for (; o + LANES <= out; o += LANES) {
      for (int b = 0; b < batch; b++) {
        forwardVector1(input, b, in, weight, bias, out, output, o);
      }
    }
    for (; o < out; o++) {
      for (int b = 0; b < batch; b++) {
        final int xRow = b * in;
        float sum = bias[o];
        for (int i = 0; i < in; i++) {
          sum += input[xRow + i] * weight[i * out + o];
        }
        output[b * out + o] = sum;
      }
    }
  }

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
    final int strips = out / PANEL;
    if (strips == 0) {
      return null;
    }
    final float[] p = new float[strips * in * PANEL];
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
   * {@link #forward} on weight panels from {@link #packPanels}, for inference: the same blocking,
   * each sum from the bias over i = 0, 1, ... in order, with {@link Kernels#fusedInference() fused
   * multiply-add} where the processor has it (else the multiply and add of {@link #forward}, and
   * the same bits). The outputs past the last full panel come from the flat weight, as in {@link
   * #forward}, never fused.
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
    forwardRest(input, batch, in, weight, bias, out, output, strips * PANEL);
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
   * multiply and an add (the bits of {@link #forward}). A constant branch: C2 keeps one side.
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
   * The forward pass of a layer with fewer outputs than a vector has lanes (a classifier's logits),
   * on a copy of the weight padded to one vector per input: {@code weightPadded} (in, LANES) and
   * {@code biasPadded} (LANES) hold zeros past {@code out}. One vector holds a row's outputs, four
   * rows per block, so each padded weight row is loaded once for four rows. Lanes past {@code out}
   * compute 0 + x·0 and are never stored where a result stays: a row is stored as a whole vector
   * (its tail spills into the next row, which is stored after it) while the vector fits below
   * batch·out, else lane by lane.
   */
  static void forwardNarrow(
      float[] input,
      int batch,
      int in,
      float[] weightPadded,
      float[] biasPadded,
      int out,
      float[] output) {
    final FloatVector bias = FloatVector.fromArray(SPECIES, biasPadded, 0);
    final int end = batch * out;
    int b = 0;
    for (; b + 4 <= batch; b += 4) {
      final int x0 = b * in;
      final int x1 = x0 + in;
      final int x2 = x1 + in;
      final int x3 = x2 + in;
      FloatVector a0 = bias;
      FloatVector a1 = bias;
      FloatVector a2 = bias;
      FloatVector a3 = bias;
      for (int i = 0; i < in; i++) {
        final FloatVector w = FloatVector.fromArray(SPECIES, weightPadded, i * LANES);
        a0 = a0.add(w.mul(input[x0 + i]));
        a1 = a1.add(w.mul(input[x1 + i]));
        a2 = a2.add(w.mul(input[x2 + i]));
        a3 = a3.add(w.mul(input[x3 + i]));
      }
      storeRow(a0, output, b * out, out, end);
      storeRow(a1, output, (b + 1) * out, out, end);
      storeRow(a2, output, (b + 2) * out, out, end);
      storeRow(a3, output, (b + 3) * out, out, end);
    }
    for (; b < batch; b++) {
      final int x = b * in;
      FloatVector a = bias;
      for (int i = 0; i < in; i++) {
        a = a.add(FloatVector.fromArray(SPECIES, weightPadded, i * LANES).mul(input[x + i]));
      }
      storeRow(a, output, b * out, out, end);
    }
  }

  /** Stores the first {@code out} lanes of v at output[at...], writing nothing at or past end. */
  private static void storeRow(FloatVector v, float[] output, int at, int out, int end) {
    if (at + LANES <= end) {
      v.intoArray(output, at);
    } else {
      for (int k = 0; k < out; k++) {
        output[at + k] = v.lane(k);
      }
    }
  }

  /** Rows b..b+3, outputs o..o+2·LANES, inputs i0..i1 (continuing the sums if i0 > 0). */
  private static void forwardBlock4(
      float[] input,
      int b,
      int in,
      float[] weight,
      float[] bias,
      int out,
      float[] output,
      int o,
      int i0,
      int i1) {
    final int y0 = b * out + o;
    final int y1 = y0 + out;
    final int y2 = y1 + out;
    final int y3 = y2 + out;
    FloatVector a0;
    FloatVector a1;
    FloatVector a2;
    FloatVector a3;
    FloatVector c0;
    FloatVector c1;
    FloatVector c2;
    FloatVector c3;
    if (i0 == 0) {
      a0 = FloatVector.fromArray(SPECIES, bias, o);
      c0 = FloatVector.fromArray(SPECIES, bias, o + LANES);
      a1 = a0;
      a2 = a0;
      a3 = a0;
      c1 = c0;
      c2 = c0;
      c3 = c0;
    } else {
      a0 = FloatVector.fromArray(SPECIES, output, y0);
      c0 = FloatVector.fromArray(SPECIES, output, y0 + LANES);
      a1 = FloatVector.fromArray(SPECIES, output, y1);
      c1 = FloatVector.fromArray(SPECIES, output, y1 + LANES);
      a2 = FloatVector.fromArray(SPECIES, output, y2);
      c2 = FloatVector.fromArray(SPECIES, output, y2 + LANES);
      a3 = FloatVector.fromArray(SPECIES, output, y3);
      c3 = FloatVector.fromArray(SPECIES, output, y3 + LANES);
    }
    final int x0 = b * in;
    final int x1 = x0 + in;
    final int x2 = x1 + in;
    final int x3 = x2 + in;
    for (int i = i0; i < i1; i++) {
      final int w = i * out + o;
      final FloatVector wa = FloatVector.fromArray(SPECIES, weight, w);
      final FloatVector wc = FloatVector.fromArray(SPECIES, weight, w + LANES);
      final float s0 = input[x0 + i];
      final float s1 = input[x1 + i];
      final float s2 = input[x2 + i];
      final float s3 = input[x3 + i];
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
    a1.intoArray(output, y1);
    c1.intoArray(output, y1 + LANES);
    a2.intoArray(output, y2);
    c2.intoArray(output, y2 + LANES);
    a3.intoArray(output, y3);
    c3.intoArray(output, y3 + LANES);
  }

  /** Row b, outputs o..o+2·LANES, inputs i0..i1 (continuing the sums if i0 > 0). */
  private static void forwardBlock1(
      float[] input,
      int b,
      int in,
      float[] weight,
      float[] bias,
      int out,
      float[] output,
      int o,
      int i0,
      int i1) {
    final int y = b * out + o;
    FloatVector a;
    FloatVector c;
    if (i0 == 0) {
      a = FloatVector.fromArray(SPECIES, bias, o);
      c = FloatVector.fromArray(SPECIES, bias, o + LANES);
    } else {
      a = FloatVector.fromArray(SPECIES, output, y);
      c = FloatVector.fromArray(SPECIES, output, y + LANES);
    }
    final int x = b * in;
    for (int i = i0; i < i1; i++) {
      final int w = i * out + o;
      final float s = input[x + i];
      a = a.add(FloatVector.fromArray(SPECIES, weight, w).mul(s));
      c = c.add(FloatVector.fromArray(SPECIES, weight, w + LANES).mul(s));
    }
    a.intoArray(output, y);
    c.intoArray(output, y + LANES);
  }

  /** Row b, outputs o..o+LANES, all inputs. */
  private static void forwardVector1(
      float[] input, int b, int in, float[] weight, float[] bias, int out, float[] output, int o) {
    FloatVector a = FloatVector.fromArray(SPECIES, bias, o);
    final int x = b * in;
    for (int i = 0; i < in; i++) {
      a = a.add(FloatVector.fromArray(SPECIES, weight, i * out + o).mul(input[x + i]));
    }
    a.intoArray(output, b * out + o);
  }

  /**
   * dWeight (in, out) and dBias (out) of a dense layer, accumulated over rows b = 0, 1, ... in
   * order: dWeight[i, o] = start + input[0, i]·dOutput[0, o] + input[1, i]·dOutput[1, o] + ...,
   * where start is 0 if {@code fromZero}, else the gradient already there; dBias likewise with the
   * dOutput rows alone. Four inputs × one vector of outputs per register block; the outputs that do
   * not fill a vector are done one at a time in the same order.
   */
  static void weightGradient(
      float[] input,
      float[] dOutput,
      int batch,
      int in,
      int out,
      float[] dWeight,
      float[] dBias,
      boolean fromZero) {
    int o = 0;
    for (; o + LANES <= out; o += LANES) {
      FloatVector db =
          fromZero ? FloatVector.zero(SPECIES) : FloatVector.fromArray(SPECIES, dBias, o);
      for (int b = 0; b < batch; b++) {
        db = db.add(FloatVector.fromArray(SPECIES, dOutput, b * out + o));
      }
      db.intoArray(dBias, o);
      int i = 0;
      for (; i + 4 <= in; i += 4) {
        final int w0 = i * out + o;
        final int w1 = w0 + out;
        final int w2 = w1 + out;
        final int w3 = w2 + out;
        FloatVector d0;
        FloatVector d1;
        FloatVector d2;
        FloatVector d3;
        if (fromZero) {
          d0 = FloatVector.zero(SPECIES);
          d1 = d0;
          d2 = d0;
          d3 = d0;
        } else {
          d0 = FloatVector.fromArray(SPECIES, dWeight, w0);
          d1 = FloatVector.fromArray(SPECIES, dWeight, w1);
          d2 = FloatVector.fromArray(SPECIES, dWeight, w2);
          d3 = FloatVector.fromArray(SPECIES, dWeight, w3);
        }
        for (int b = 0; b < batch; b++) {
          final FloatVector g = FloatVector.fromArray(SPECIES, dOutput, b * out + o);
          final int x = b * in + i;
          d0 = d0.add(g.mul(input[x]));
          d1 = d1.add(g.mul(input[x + 1]));
          d2 = d2.add(g.mul(input[x + 2]));
          d3 = d3.add(g.mul(input[x + 3]));
        }
        d0.intoArray(dWeight, w0);
        d1.intoArray(dWeight, w1);
        d2.intoArray(dWeight, w2);
        d3.intoArray(dWeight, w3);
      }
      for (; i < in; i++) {
        final int w = i * out + o;
        FloatVector d =
            fromZero ? FloatVector.zero(SPECIES) : FloatVector.fromArray(SPECIES, dWeight, w);
        for (int b = 0; b < batch; b++) {
          d = d.add(FloatVector.fromArray(SPECIES, dOutput, b * out + o).mul(input[b * in + i]));
        }
        d.intoArray(dWeight, w);
      }
    }
    for (; o < out; o++) {
      float db = fromZero ? 0f : dBias[o];
      for (int b = 0; b < batch; b++) {
        db += dOutput[b * out + o];
      }
      dBias[o] = db;
      for (int i = 0; i < in; i++) {
        float d = fromZero ? 0f : dWeight[i * out + o];
        for (int b = 0; b < batch; b++) {
          d += input[b * in + i] * dOutput[b * out + o];
        }
        dWeight[i * out + o] = d;
      }
    }
  }

  /**
   * dInput (B, in) = dOutput (B, out) · weightᵀ, overwritten, from the transposed weight (one row
   * of in per output): dInput[b, i] = 0 + dOutput[b, 0]·weightᵀ[0, i] + dOutput[b, 1]·weightᵀ[1, i]
   * + .... Four rows × one vector of inputs per register block; inputs that do not fill a vector
   * one at a time, in the same order.
   */
  static void inputGradient(
      float[] dOutput, int batch, int out, float[][] weightT, int in, float[] dInput) {
    int i = 0;
    for (; i + LANES <= in; i += LANES) {
      int b = 0;
      for (; b + 4 <= batch; b += 4) {
        final int g0 = b * out;
        final int g1 = g0 + out;
        final int g2 = g1 + out;
        final int g3 = g2 + out;
        FloatVector s0 = FloatVector.zero(SPECIES);
        FloatVector s1 = s0;
        FloatVector s2 = s0;
        FloatVector s3 = s0;
        for (int o = 0; o < out; o++) {
          final FloatVector w = FloatVector.fromArray(SPECIES, weightT[o], i);
          s0 = s0.add(w.mul(dOutput[g0 + o]));
          s1 = s1.add(w.mul(dOutput[g1 + o]));
          s2 = s2.add(w.mul(dOutput[g2 + o]));
          s3 = s3.add(w.mul(dOutput[g3 + o]));
        }
        s0.intoArray(dInput, b * in + i);
        s1.intoArray(dInput, (b + 1) * in + i);
        s2.intoArray(dInput, (b + 2) * in + i);
        s3.intoArray(dInput, (b + 3) * in + i);
      }
      for (; b < batch; b++) {
        final int g = b * out;
        FloatVector s = FloatVector.zero(SPECIES);
        for (int o = 0; o < out; o++) {
          s = s.add(FloatVector.fromArray(SPECIES, weightT[o], i).mul(dOutput[g + o]));
        }
        s.intoArray(dInput, b * in + i);
      }
    }
    for (; i < in; i++) {
      for (int b = 0; b < batch; b++) {
        float s = 0f;
        for (int o = 0; o < out; o++) {
          s += dOutput[b * out + o] * weightT[o][i];
        }
        dInput[b * in + i] = s;
      }
    }
  }
}
