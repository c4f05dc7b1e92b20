package io.streamprop.nn;

import java.util.Arrays;

/**
 * A fully connected layer {@code output = input · weight + bias}.
 *
 * <p>Shapes: input (B, inFeatures), weight (inFeatures, outFeatures), bias (outFeatures), output
 * (B, outFeatures), all row-major flat float arrays. The weight layout (in, out) makes the inner
 * loops of the forward pass and of the weight gradient run over contiguous {@code out} indices.
 *
 * <p>Why the row copies: HotSpot's superword pass (JDK 17) vectorizes {@code y[o] += x * w[o]} only
 * when both arrays are indexed from the same base; with a row offset ({@code w[i*out + o]}) it
 * falls back to scalar code, three to four times slower. So the layer keeps its weights as one flat
 * array (what the optimizer and the snapshots see) and mirrors them into one array per input row
 * ({@link #syncRows}, a memory copy), accumulates the weight gradient into per-row arrays and
 * copies it back, and works on output rows in a zero-based scratch row. Layers with fewer than
 * {@value #NARROW} outputs (a classifier's logits) gain nothing from rows of two to seven floats:
 * their forward pass runs dot products on the flat array, and their backward pass works on the
 * transpose (one row of inFeatures per output), where the loops run over inputs. Every element
 * still sums its terms in the same fixed order (bias, then i = 0, 1, ...; gradients over rows b =
 * 0, 1, ...), so neither vectorization nor the copies change a single bit.
 *
 * <p>When the JVM has the Vector API ({@link Kernels#vector()}), the products run on {@link
 * VectorKernels} instead, which read the flat arrays with the sums held in registers (no mirrors;
 * narrow layers read a padded copy of the weight that {@link #syncRows} keeps), with the same bits.
 *
 * <p>The layer owns its parameters and their gradients; {@link #backward} accumulates ({@code +=})
 * into the gradients, and {@link #zeroGradients} clears them.
 *
 * <p>A layer made by {@link #forInference} only predicts: it has no gradients and no gradient
 * scratch, and its scalar mirror of the weight is made only when a {@link #syncRows} finds the
 * vector kernels off. On the vector kernels it holds the weight and the inference panels, about
 * twice the weight; a training layer holds four times (the weight, its gradient, and a per-row
 * mirror of each), five once packed. The scorer keeps a network per served model and builds one per
 * snapshot.
 */
public final class Dense {
  private final int inFeatures;
  private final int outFeatures;
  private final float[] weight; // (inFeatures, outFeatures)
  private final float[] bias; // (outFeatures)
  private final float[] dWeight; // (inFeatures, outFeatures); null: forInference, no gradients
  private final float[] dBias; // (outFeatures); null with dWeight

  // inFeatures rows of (outFeatures): a mirror of weight; forInference: made by the first
  // syncRows that copies into it (null until then, and for ever on the vector kernels)
  private float[][] weightRows;
  private final float[][] dWeightRows; // inFeatures rows of (outFeatures): scratch for dWeight
  private final float[][] blockRows; // BLOCK rows of (outFeatures): output / dOutput scratch

  // The transpose, one zero-based row per output: weightᵀ for dInput from BLOCK rows up (every
  // layer), dWeightᵀ for the weight gradient of narrow layers.
  private float[][] weightCols; // outFeatures rows of (inFeatures), weightᵀ; built on first use
  private final float[][] dWeightCols; // narrow only: outFeatures rows of (inFeatures), dWeightᵀ
  private final float[][] inputRows; // BLOCK rows of (inFeatures): input / dInput scratch
  private boolean weightColsStale = true;

  // Narrow layers on the vector kernels: the weight padded to one vector per input row (in, lanes)
  // and the bias to one vector, zeros past outFeatures; refreshed by syncRows whenever this JVM has
  // the vector kernels (also before they are switched on, so the copy is never stale).
  private float[] weightPadded;
  private float[] biasPadded;

  // Inference on the vector kernels: the weight's full strips of outputs as contiguous panels
  // (VectorKernels.packPanels), built by packForInference and dropped by syncRows (null: none, or
  // stale), so that training, which changes the weight every step, never packs.
  private float[] weightPanels;
  private int panelWidth; // outputs per panel (two vectors), once packed

  /** Below this many outputs the inner loops run over inputs instead (see backwardNarrow). */
  private static final int NARROW = 8;

  /** Batch rows that share one pass over the weights. */
  private static final int BLOCK = 4;

  /** A layer that trains (and predicts): zero weights, zero gradients. */
  public Dense(int inFeatures, int outFeatures) {
    this(inFeatures, outFeatures, true);
  }

  /**
   * A layer that only predicts: zero weights, no gradients. {@link #backward}, {@link
   * #zeroGradients}, {@link #dWeight} and {@link #dBias} throw {@link IllegalStateException}.
   */
  public static Dense forInference(int inFeatures, int outFeatures) {
    return new Dense(inFeatures, outFeatures, false);
  }

  private Dense(int inFeatures, int outFeatures, boolean training) {
    if (inFeatures < 1 || outFeatures < 1) {
      throw new IllegalArgumentException(
          "dense layer sizes must be >= 1, got " + inFeatures + " x " + outFeatures);
    }
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.weight = new float[Math.multiplyExact(inFeatures, outFeatures)];
    this.bias = new float[outFeatures];
    this.dWeight = training ? new float[weight.length] : null;
    this.dBias = training ? new float[outFeatures] : null;
    // Narrow layers work on the flat arrays and need no mirrors.
    int rows = outFeatures < NARROW ? 0 : inFeatures;
    this.weightRows = training || rows == 0 ? new float[rows][outFeatures] : null;
    this.dWeightRows = new float[training ? rows : 0][outFeatures];
    this.blockRows = new float[BLOCK][outFeatures];
    this.dWeightCols = new float[training && outFeatures < NARROW ? outFeatures : 0][inFeatures];
    this.inputRows = new float[training ? BLOCK : 0][inFeatures];
  }

  public int inFeatures() {
    return inFeatures;
  }

  public int outFeatures() {
    return outFeatures;
  }

  /** The live weight array (inFeatures, outFeatures); the optimizer updates it in place. */
  public float[] weight() {
    return weight;
  }

  /** The live bias array (outFeatures). */
  public float[] bias() {
    return bias;
  }

  /** ∂loss/∂weight (inFeatures, outFeatures). */
  public float[] dWeight() {
    requireTraining();
    return dWeight;
  }

  /** ∂loss/∂bias (outFeatures). */
  public float[] dBias() {
    requireTraining();
    return dBias;
  }

  private void requireTraining() {
    if (dWeight == null) {
      throw new IllegalStateException(
          "this " + inFeatures + " x " + outFeatures + " layer only predicts (Dense.forInference)");
    }
  }

  /**
   * Floats this layer holds in arrays: parameters, gradients, mirrors, scratch and panels. For
   * tests of what a served network costs.
   */
  long floatsHeld() {
    long n = weight.length + bias.length + blockRows.length * (long) outFeatures;
    n += dWeight == null ? 0 : dWeight.length + dBias.length;
    n += weightRows == null ? 0 : weightRows.length * (long) outFeatures;
    n += dWeightRows.length * (long) outFeatures;
    n += (dWeightCols.length + inputRows.length) * (long) inFeatures;
    n += weightCols == null ? 0 : weightCols.length * (long) inFeatures;
    n += weightPadded == null ? 0 : weightPadded.length + biasPadded.length;
    n += weightPanels == null ? 0 : weightPanels.length;
    return n;
  }

  /**
   * Copies the flat weight into the mirror that the forward and backward passes read: per input row
   * for wide layers; for narrow ones the transposed mirror is marked stale and rebuilt by the next
   * backward pass that uses it.
   */
  public void syncRows() {
    weightPanels = null;
    if (outFeatures < NARROW && Kernels.vectorAvailable()) {
      padNarrow();
    }
    if (outFeatures < NARROW || Kernels.vector()) {
      // Narrow layers and the vector kernels read the flat weight (or its padded copy); the
      // transpose is rebuilt when a backward pass of BLOCK rows or more needs it.
      weightColsStale = true;
      return;
    }
    if (weightRows == null) {
      weightRows = new float[inFeatures][outFeatures]; // an inference layer on the scalar loops
    }
    for (int i = 0; i < inFeatures; i++) {
      System.arraycopy(weight, i * outFeatures, weightRows[i], 0, outFeatures);
    }
    weightColsStale = true;
  }

  /**
   * output (B, out) = input (B, in) · weight (in, out) + bias (out), with the weights as of the
   * last {@link #syncRows}. Uses the layer's scratch rows: one caller at a time.
   */
  public void forward(float[] input, float[] output, int batch) {
    forward(input, output, batch, blockRows[0]);
  }

  /**
   * The same as {@link #forward(float[], float[], int)} with a caller-owned scratch row of length
   * outFeatures: reads only the weights, so concurrent callers with their own rows are safe.
   *
   * <p>One batch row at a time, four inputs per pass over the zero-based accumulator row ({@code
   * forwardRow}). Blocking four batch rows per pass over the weights (four accumulator arrays)
   * measured 2× slower than this: HotSpot 17 apparently cannot prove four float arrays distinct and
   * does not vectorize a loop that stores into several of them.
   */
  public void forward(float[] input, float[] output, int batch, float[] scratchRow) {
    if (outFeatures < NARROW) {
      if (Kernels.vector() && weightPadded != null) {
        VectorKernels.forwardNarrow(
            input, batch, inFeatures, weightPadded, biasPadded, outFeatures, output);
      } else {
        forwardNarrowBlocked(input, output, batch);
      }
      return;
    }
    if (Kernels.vector()) {
      VectorKernels.forward(input, batch, inFeatures, weight, bias, outFeatures, output);
      return;
    }
    for (int b = 0; b < batch; b++) {
      forwardRow(input, b, output, scratchRow);
    }
  }

  /**
   * Copies the weight, as of the last {@link #syncRows}, into the panels that {@link
   * #forwardInference} reads on the vector kernels (VectorKernels.packPanels: each strip of outputs
   * contiguous, a copy of the weight's size). For a model that only predicts, after its weights are
   * set; the next {@link #syncRows} drops the panels until this runs again. Does nothing without
   * the Vector API or for layers narrower than a strip.
   */
  public void packForInference() {
    if (Kernels.vectorAvailable()) {
      weightPanels = VectorKernels.packPanels(weight, inFeatures, outFeatures);
      panelWidth = VectorKernels.panelWidth();
    }
  }

  /**
   * Floats of scratch that {@link #forwardInference} needs for {@code batch} rows: a row of outputs
   * for the scalar loops, more for the panels' blocks of four rows (VectorKernels.panelScratch).
   */
  public int inferenceScratch(int batch) {
    return weightPanels == null
        ? outFeatures
        : Math.max(outFeatures, VectorKernels.panelScratch(batch));
  }

  /**
   * Inference form of {@link #forward(float[], float[], int, float[])}. Reads only the weights (as
   * of the last {@link #syncRows}), so concurrent callers with their own scratch are safe. On the
   * vector kernels, after {@link #packForInference}, it reads the weight panels (1.3–2× the flat
   * kernel, which training keeps because it would have to pack after every step), and where {@link
   * Kernels#fusedInference()} the outputs of full panels are chains of fused multiply-adds: the
   * same bits before the vector kernels are warmed up (a scalar loop of {@link Math#fma}) and
   * after. Otherwise the same bits as {@link #forward(float[], float[], int, float[])}.
   *
   * @param scratch at least {@link #inferenceScratch}(batch) floats, overwritten
   */
  public void forwardInference(float[] input, float[] output, int batch, float[] scratch) {
    if (weightPanels != null && Kernels.vector()) {
      VectorKernels.forwardPanels(
          input, batch, inFeatures, weightPanels, weight, bias, outFeatures, output, scratch);
      return;
    }
    forwardInferenceScalar(input, output, batch, scratch);
  }

  /** {@link #forwardInference} until the vector kernels are warmed up (and without them). */
  void forwardInferenceScalar(float[] input, float[] output, int batch, float[] scratch) {
    forward(input, output, batch, scratch);
    final int fused = fusedOutputs();
    if (fused > 0) {
      forwardPanelsFused(
          input, batch, inFeatures, weightPanels, panelWidth, bias, outFeatures, fused, output);
    }
  }

  /**
   * How many of the first outputs {@link #forwardInference} computes with fused multiply-adds:
   * those of full panels when packed and {@link Kernels#fusedInference()}, else 0.
   */
  int fusedOutputs() {
    return weightPanels != null && Kernels.fusedInference()
        ? outFeatures - outFeatures % panelWidth
        : 0;
  }

  /**
   * Outputs 0..fused (those of full panels of width {@code panel}) as VectorKernels.forwardPanels
   * fuses them, one at a time: sum = bias[o], then sum = fma(x[b, i], w[i, o], sum) for i = 0, 1,
   * .... Runs only until the vector kernels are warmed up; the other outputs are left as they are.
   */
  private static void forwardPanelsFused(
      float[] input,
      int batch,
      int in,
      float[] panels,
      int panel,
      float[] bias,
      int out,
      int fused,
      float[] output) {
    for (int b = 0; b < batch; b++) {
      for (int o = 0; o < fused; o++) {
        final int p = (o / panel) * in * panel + o % panel;
        float sum = bias[o];
        for (int i = 0; i < in; i++) {
          sum = Math.fma(input[b * in + i], panels[p + i * panel], sum);
        }
        output[b * out + o] = sum;
      }
    }
  }

  /**
   * The forward pass for layers with few outputs (e.g. the 2 logits of a binary classifier): one
   * dot product per output instead of a two-element inner loop per input, on four batch rows at a
   * time: each weight[i, o] is loaded once for four rows, and the four running sums are
   * independent, so they overlap in the pipeline instead of waiting on one add chain. Every sum
   * adds bias[o], then input[b, i]·weight[i, o] for i = 0, 1, ... in order, as the wide path does.
   */
  private void forwardNarrowBlocked(float[] input, float[] output, int batch) {
    final int in = inFeatures;
    final int out = outFeatures;
    int b = 0;
    for (; b + 3 < batch; b += 4) {
      final int x0 = b * in;
      final int x1 = x0 + in;
      final int x2 = x1 + in;
      final int x3 = x2 + in;
      for (int o = 0; o < out; o++) {
        float s0 = bias[o];
        float s1 = s0;
        float s2 = s0;
        float s3 = s0;
        for (int i = 0; i < in; i++) {
          final float w = weight[i * out + o];
          s0 += input[x0 + i] * w; // output[b, o] += input[b, i] * weight[i, o]
          s1 += input[x1 + i] * w;
          s2 += input[x2 + i] * w;
          s3 += input[x3 + i] * w;
        }
        output[b * out + o] = s0;
        output[(b + 1) * out + o] = s1;
        output[(b + 2) * out + o] = s2;
        output[(b + 3) * out + o] = s3;
      }
    }
    for (; b < batch; b++) {
      final int xRow = b * in;
      for (int o = 0; o < out; o++) {
        float sum = bias[o];
        for (int i = 0; i < in; i++) {
          sum += input[xRow + i] * weight[i * out + o];
        }
        output[b * out + o] = sum;
      }
    }
  }

  /**
   * One output row, four inputs per pass over the accumulator row: {@code acc[o] + x0·w0[o] +
   * x1·w1[o] + ...} evaluates left to right, so every sum keeps the order bias, i = 0, 1, ...: the
   * same bits as one input at a time, with a quarter of the accumulator loads and stores.
   */
  private void forwardRow(float[] input, int b, float[] output, float[] acc) {
    final int in = inFeatures;
    final int out = outFeatures;
    final int xRow = b * in;
    System.arraycopy(bias, 0, acc, 0, out);
    int i = 0;
    for (; i + 3 < in; i += 4) {
      final float[] w0 = weightRows[i];
      final float[] w1 = weightRows[i + 1];
      final float[] w2 = weightRows[i + 2];
      final float[] w3 = weightRows[i + 3];
      final float x0 = input[xRow + i];
      final float x1 = input[xRow + i + 1];
      final float x2 = input[xRow + i + 2];
      final float x3 = input[xRow + i + 3];
      for (int o = 0; o < out; o++) {
        acc[o] = acc[o] + x0 * w0[o] + x1 * w1[o] + x2 * w2[o] + x3 * w3[o];
      }
    }
    for (; i < in; i++) {
      final float x = input[xRow + i];
      final float[] w = weightRows[i];
      for (int o = 0; o < out; o++) {
        acc[o] += x * w[o]; // output[b, o] += input[b, i] * weight[i, o]
      }
    }
    System.arraycopy(acc, 0, output, b * out, out);
  }

  /**
   * Backward pass of {@link #forward}.
   *
   * <p>Blocked by four batch rows (the weight gradient row is read and written once per four batch
   * rows; its loop stores into one array, so it vectorizes). Every gradient element still receives
   * its terms in the original order: dWeight[i, o] and dBias[o] add rows b = 0, 1, ... one after
   * the other (left-to-right evaluation of {@code dw[o] + x0·g0[o] + x1·g1[o] + ...}), and each
   * dInput[b, i] is the sum over o = 0, 1, ... from 0: from four rows up computed on the transposed
   * weight, vectorized over i (see dInputFromTranspose), below that as scalar dot products.
   *
   * @param input the forward input (B, in)
   * @param dOutput ∂loss/∂output (B, out)
   * @param dInput receives ∂loss/∂input (B, in), overwritten; null to skip (first layer)
   */
  public void backward(float[] input, float[] dOutput, float[] dInput, int batch) {
    backward(input, dOutput, dInput, batch, false);
  }

  /**
   * {@link #zeroGradients()} followed by {@link #backward}, in one pass: the gradients are set to
   * this batch's, with the same bits (each element starts from 0 and adds its terms in the same
   * order: {@code 0 + a + b + ...}), without clearing the gradient arrays first and copying the
   * zeros into the row scratch.
   */
  public void backwardFromZero(float[] input, float[] dOutput, float[] dInput, int batch) {
    backward(input, dOutput, dInput, batch, true);
  }

  private void backward(
      float[] input, float[] dOutput, float[] dInput, int batch, boolean fromZero) {
    requireTraining();
    if (outFeatures < NARROW) {
      if (batch >= BLOCK) {
        backwardNarrow(input, dOutput, dInput, batch, fromZero);
      } else {
        if (fromZero) {
          zeroGradients();
        }
        backwardNarrowFlat(input, dOutput, dInput, batch);
      }
      return;
    }
    final int in = inFeatures;
    final int out = outFeatures;
    if (Kernels.vector()) {
      VectorKernels.weightGradient(input, dOutput, batch, in, out, dWeight, dBias, fromZero);
      if (dInput != null) {
        if (batch >= BLOCK) {
          dInputFromTranspose(dOutput, dInput, batch); // the vector kernel, on the transpose
        } else {
          dInputByDots(dOutput, dInput, batch);
        }
      }
      return;
    }
    // From BLOCK rows up, dInput comes from the transposed weight after the loops below; for fewer
    // rows, the per-row dot products of backwardRow cost less than refreshing the transpose.
    final boolean transposed = batch >= BLOCK;
    final float[] rowDInput = transposed ? null : dInput;
    if (fromZero) {
      Arrays.fill(dBias, 0f);
    } else {
      for (int i = 0; i < in; i++) {
        System.arraycopy(dWeight, i * out, dWeightRows[i], 0, out);
      }
    }
    // While true, the row scratch holds stale values that the next batch row overwrites with
    // 0 + its terms instead of adding to them.
    boolean assign = fromZero;
    final float[] g0 = blockRows[0];
    final float[] g1 = blockRows[1];
    final float[] g2 = blockRows[2];
    final float[] g3 = blockRows[3];
    int b = 0;
    for (; b + BLOCK <= batch; b += BLOCK) {
      final int x0 = b * in;
      final int x1 = x0 + in;
      final int x2 = x1 + in;
      final int x3 = x2 + in;
      System.arraycopy(dOutput, b * out, g0, 0, out);
      System.arraycopy(dOutput, (b + 1) * out, g1, 0, out);
      System.arraycopy(dOutput, (b + 2) * out, g2, 0, out);
      System.arraycopy(dOutput, (b + 3) * out, g3, 0, out);
      for (int o = 0; o < out; o++) {
        dBias[o] = dBias[o] + g0[o] + g1[o] + g2[o] + g3[o];
      }
      // dWeight[i, :] += input[b, i] * dOutput[b, :] for b, b+1, b+2, b+3 in that order
      for (int i = 0; i < in; i++) {
        final float p0 = input[x0 + i];
        final float p1 = input[x1 + i];
        final float p2 = input[x2 + i];
        final float p3 = input[x3 + i];
        final float[] dw = dWeightRows[i];
        if (assign) {
          for (int o = 0; o < out; o++) {
            dw[o] = 0f + p0 * g0[o] + p1 * g1[o] + p2 * g2[o] + p3 * g3[o];
          }
        } else {
          for (int o = 0; o < out; o++) {
            dw[o] = dw[o] + p0 * g0[o] + p1 * g1[o] + p2 * g2[o] + p3 * g3[o];
          }
        }
      }
      assign = false;
    }
    for (; b < batch; b++) {
      backwardRow(input, dOutput, rowDInput, b, g0, assign);
      assign = false;
    }
    if (transposed && dInput != null) {
      dInputFromTranspose(dOutput, dInput, batch);
    }
    if (assign) {
      Arrays.fill(dWeight, 0f); // no batch rows: the gradient of nothing
      return;
    }
    for (int i = 0; i < in; i++) {
      System.arraycopy(dWeightRows[i], 0, dWeight, i * out, out);
    }
  }

  /** One batch row of {@link #backward} (the remainder after the four-row blocks). */
  private void backwardRow(
      float[] input, float[] dOutput, float[] dInput, int b, float[] g, boolean assign) {
    final int in = inFeatures;
    final int out = outFeatures;
    final int xRow = b * in;
    System.arraycopy(dOutput, b * out, g, 0, out); // g = dOutput[b, :]
    // dBias += dOutput[b, :]
    for (int o = 0; o < out; o++) {
      dBias[o] += g[o];
    }
    // dWeight += inputᵀ · dOutput: dWeight[i, :] += input[b, i] * dOutput[b, :]
    for (int i = 0; i < in; i++) {
      final float x = input[xRow + i];
      final float[] dw = dWeightRows[i];
      if (assign) {
        for (int o = 0; o < out; o++) {
          dw[o] = 0f + x * g[o]; // the zeroed gradient plus this row's term: the same bits
        }
      } else {
        for (int o = 0; o < out; o++) {
          dw[o] += x * g[o];
        }
      }
    }
    if (dInput != null) {
      // dInput[b, i] = Σ_o dOutput[b, o] * weight[i, o]; four inputs' sums side by side.
      int i = 0;
      for (; i + 3 < in; i += 4) {
        final float[] w0 = weightRows[i];
        final float[] w1 = weightRows[i + 1];
        final float[] w2 = weightRows[i + 2];
        final float[] w3 = weightRows[i + 3];
        float s0 = 0f;
        float s1 = 0f;
        float s2 = 0f;
        float s3 = 0f;
        for (int o = 0; o < out; o++) {
          final float go = g[o];
          s0 += go * w0[o];
          s1 += go * w1[o];
          s2 += go * w2[o];
          s3 += go * w3[o];
        }
        dInput[xRow + i] = s0;
        dInput[xRow + i + 1] = s1;
        dInput[xRow + i + 2] = s2;
        dInput[xRow + i + 3] = s3;
      }
      for (; i < in; i++) {
        final float[] w = weightRows[i];
        float sum = 0f;
        for (int o = 0; o < out; o++) {
          sum += g[o] * w[o];
        }
        dInput[xRow + i] = sum;
      }
    }
  }

  /**
   * {@link #backward} for layers with few outputs (e.g. the 7 logits of a classifier), on the
   * transposed weight: with dWeightᵀ and weightᵀ held as one zero-based row of inFeatures per
   * output, both products run over contiguous inputs and vectorize, where the (in, out) layout
   * would give loops of two to seven elements or strided scalar updates. Same bits as the wide
   * path: dBias[o] and dWeight[i, o] add rows b = 0, 1, ... in order (four rows per pass, {@code
   * dwᵀ[i] + g0·x0[i] + g1·x1[i] + ...} evaluated left to right); dInput[b, i] = 0 + Σ_o dOutput[b,
   * o] · weight[i, o] over o = 0, 1, ....
   */
  private void backwardNarrow(
      float[] input, float[] dOutput, float[] dInput, int batch, boolean fromZero) {
    final int in = inFeatures;
    final int out = outFeatures;
    if (fromZero) {
      Arrays.fill(dBias, 0f);
    } else {
      transpose(dWeight, dWeightCols);
    }
    for (int b = 0; b < batch; b++) {
      final int yRow = b * out;
      for (int o = 0; o < out; o++) {
        dBias[o] += dOutput[yRow + o];
      }
    }
    // dWeightᵀ[o, :] += dOutput[b, o] · input[b, :] for b = 0, 1, ...; while assign is true the
    // scratch holds stale values that the first row overwrites with 0 + its term.
    boolean assign = fromZero;
    final float[] x0 = inputRows[0];
    final float[] x1 = inputRows[1];
    final float[] x2 = inputRows[2];
    final float[] x3 = inputRows[3];
    int b = 0;
    for (; b + BLOCK <= batch; b += BLOCK) {
      System.arraycopy(input, b * in, x0, 0, in);
      System.arraycopy(input, (b + 1) * in, x1, 0, in);
      System.arraycopy(input, (b + 2) * in, x2, 0, in);
      System.arraycopy(input, (b + 3) * in, x3, 0, in);
      for (int o = 0; o < out; o++) {
        final float g0 = dOutput[b * out + o];
        final float g1 = dOutput[(b + 1) * out + o];
        final float g2 = dOutput[(b + 2) * out + o];
        final float g3 = dOutput[(b + 3) * out + o];
        final float[] dw = dWeightCols[o];
        if (assign) {
          for (int i = 0; i < in; i++) {
            dw[i] = 0f + x0[i] * g0 + x1[i] * g1 + x2[i] * g2 + x3[i] * g3;
          }
        } else {
          for (int i = 0; i < in; i++) {
            dw[i] = dw[i] + x0[i] * g0 + x1[i] * g1 + x2[i] * g2 + x3[i] * g3;
          }
        }
      }
      assign = false;
    }
    for (; b < batch; b++) {
      System.arraycopy(input, b * in, x0, 0, in);
      for (int o = 0; o < out; o++) {
        final float g = dOutput[b * out + o];
        final float[] dw = dWeightCols[o];
        if (assign) {
          for (int i = 0; i < in; i++) {
            dw[i] = 0f + x0[i] * g; // the zeroed gradient plus this row's term: the same bits
          }
        } else {
          for (int i = 0; i < in; i++) {
            dw[i] += x0[i] * g;
          }
        }
      }
      assign = false;
    }
    if (assign) {
      Arrays.fill(dWeight, 0f); // no batch rows: the gradient of nothing
    } else {
      for (int o = 0; o < out; o++) {
        final float[] dw = dWeightCols[o];
        for (int i = 0; i < in; i++) {
          dWeight[i * out + o] = dw[i];
        }
      }
    }
    if (dInput != null) {
      dInputFromTranspose(dOutput, dInput, batch);
    }
  }

  /**
   * dInput (B, in) = dOutput (B, out) · weightᵀ, overwritten: for each row, dInput[b, :] = Σ_o
   * dOutput[b, o] · weightᵀ[o, :] over o = 0, 1, ... from 0, up to four outputs per pass over the
   * zero-based accumulator row, so the loop runs over contiguous inputs and vectorizes. Each
   * element is the same sum in the same order as the dot product {@code Σ_o dOutput[b, o] ·
   * weight[i, o]}: the same bits. Rebuilds the transposed mirror first if the weights changed.
   */
  private void dInputFromTranspose(float[] dOutput, float[] dInput, int batch) {
    final int in = inFeatures;
    final int out = outFeatures;
    refreshTranspose();
    if (Kernels.vector()) {
      VectorKernels.inputGradient(dOutput, batch, out, weightCols, in, dInput);
      return;
    }
    final float[] acc = inputRows[0];
    for (int b = 0; b < batch; b++) {
      final int yRow = b * out;
      Arrays.fill(acc, 0f);
      int o = 0;
      for (; o + 3 < out; o += 4) {
        final float g0 = dOutput[yRow + o];
        final float g1 = dOutput[yRow + o + 1];
        final float g2 = dOutput[yRow + o + 2];
        final float g3 = dOutput[yRow + o + 3];
        final float[] w0 = weightCols[o];
        final float[] w1 = weightCols[o + 1];
        final float[] w2 = weightCols[o + 2];
        final float[] w3 = weightCols[o + 3];
        for (int i = 0; i < in; i++) {
          acc[i] = acc[i] + g0 * w0[i] + g1 * w1[i] + g2 * w2[i] + g3 * w3[i];
        }
      }
      for (; o < out; o++) {
        final float g = dOutput[yRow + o];
        final float[] w = weightCols[o];
        for (int i = 0; i < in; i++) {
          acc[i] += g * w[i];
        }
      }
      System.arraycopy(acc, 0, dInput, b * in, in);
    }
  }

  /**
   * Copies weight (in, out) and bias into the padded arrays of {@link VectorKernels#forwardNarrow}.
   */
  private void padNarrow() {
    final int lanes = VectorKernels.lanes();
    if (outFeatures > lanes) {
      // Vectors narrower than NARROW outputs: forwardNarrowBlocked serves, weightPadded stays null.
      return;
    }
    if (weightPadded == null) {
      weightPadded = new float[inFeatures * lanes];
      biasPadded = new float[lanes];
    }
    for (int i = 0; i < inFeatures; i++) {
      System.arraycopy(weight, i * outFeatures, weightPadded, i * lanes, outFeatures);
    }
    System.arraycopy(bias, 0, biasPadded, 0, outFeatures);
  }

  /** Rebuilds the transposed mirror of the weight if the weights changed since it was built. */
  private void refreshTranspose() {
    if (weightColsStale) {
      if (weightCols == null) {
        // training only: a model that only predicts never needs it
        weightCols = new float[outFeatures][inFeatures];
      }
      transpose(weight, weightCols);
      weightColsStale = false;
    }
  }

  /**
   * {@link #backwardNarrow} for fewer than {@value #BLOCK} rows, on the flat arrays: at one row the
   * transposes would cost more than they save. Same order of terms.
   */
  private void backwardNarrowFlat(float[] input, float[] dOutput, float[] dInput, int batch) {
    final int in = inFeatures;
    final int out = outFeatures;
    for (int b = 0; b < batch; b++) {
      final int xRow = b * in;
      final int yRow = b * out;
      for (int o = 0; o < out; o++) {
        dBias[o] += dOutput[yRow + o];
      }
      // o outer, i inner: a loop over o per input would be all overhead.
      for (int o = 0; o < out; o++) {
        final float go = dOutput[yRow + o];
        for (int i = 0; i < in; i++) {
          dWeight[i * out + o] += input[xRow + i] * go;
        }
      }
    }
    if (dInput != null) {
      dInputByDots(dOutput, dInput, batch);
    }
  }

  /**
   * dInput[b, i] = 0 + Σ_o dOutput[b, o] · weight[i, o] over o = 0, 1, ..., as scalar dot products
   * on the flat weight, four inputs' sums side by side: for fewer than {@value #BLOCK} rows, where
   * refreshing the transpose would cost more than it saves.
   */
  private void dInputByDots(float[] dOutput, float[] dInput, int batch) {
    final int in = inFeatures;
    final int out = outFeatures;
    for (int b = 0; b < batch; b++) {
      final int xRow = b * in;
      final int yRow = b * out;
      int i = 0;
      for (; i + 3 < in; i += 4) {
        final int w0 = i * out;
        final int w1 = w0 + out;
        final int w2 = w1 + out;
        final int w3 = w2 + out;
        float s0 = 0f;
        float s1 = 0f;
        float s2 = 0f;
        float s3 = 0f;
        for (int o = 0; o < out; o++) {
          final float go = dOutput[yRow + o];
          s0 += go * weight[w0 + o];
          s1 += go * weight[w1 + o];
          s2 += go * weight[w2 + o];
          s3 += go * weight[w3 + o];
        }
        dInput[xRow + i] = s0;
        dInput[xRow + i + 1] = s1;
        dInput[xRow + i + 2] = s2;
        dInput[xRow + i + 3] = s3;
      }
      for (; i < in; i++) {
        final int w = i * out;
        float sum = 0f;
        for (int o = 0; o < out; o++) {
          sum += dOutput[yRow + o] * weight[w + o];
        }
        dInput[xRow + i] = sum;
      }
    }
  }

  /** flat (in, out) → one row of in per output. */
  private void transpose(float[] flat, float[][] cols) {
    final int in = inFeatures;
    final int out = outFeatures;
    for (int i = 0; i < in; i++) {
      final int row = i * out;
      for (int o = 0; o < out; o++) {
        cols[o][i] = flat[row + o];
      }
    }
  }

  public void zeroGradients() {
    requireTraining();
    Arrays.fill(dWeight, 0f);
    Arrays.fill(dBias, 0f);
  }
}
