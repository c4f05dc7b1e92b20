package io.streamprop.learn;

import java.util.Arrays;

/**
 * The three sums behind a layer's update ratio and weight norm: ‖after‖², ‖before‖² and ‖after −
 * before‖² of one weight tensor around an optimizer step.
 *
 * <p>They are diagnostics (nothing the model computes reads them), so they are taken in the form
 * HotSpot 17 vectorizes rather than in the scalar double form: the tensor is walked in chunks of
 * {@value #LANES} elements, each chunk copied into a zero-based scratch array, and lane j
 * accumulates in float the squares of elements j, j + 256, j + 512, ... ({@code lane[j] +=
 * x[j]·x[j]}, every array indexed from zero, which the superword pass needs); the lanes are then
 * added in double in the order j = 0, 1, .... The order of every addition is fixed, so the result
 * is deterministic; each lane adds about n / 256 terms, so the relative error is below (n/256 + 1)
 * · 2⁻²⁴ (under 10⁻⁵ even for a 784 × 256 layer). The difference after − before is taken in float,
 * which is exact whenever the two are within a factor of two of each other (Sterbenz's lemma), as
 * they are for any step much smaller than the weight.
 *
 * <p>The weights before the step are copied in the same chunked form ({@link #chunks}, {@link
 * #copy}) right before the update of a step the learner measures ({@link WeightUpdates}).
 *
 * <p>Measured against four-way scalar double sums over the same elements: about 3–4 times faster
 * per element; see docs/benchmarks.md. Holds scratch arrays: one instance per thread ({@link
 * WeightUpdates}).
 */
final class UpdateSums {
  static final int LANES = 256;

  private final float[] after = new float[LANES]; // scratch: one chunk of the weights after
  private final float[] laneAfter = new float[LANES];
  private final float[] laneBefore = new float[LANES];
  private final float[] laneDelta = new float[LANES];

  /** Storage for a copy of a tensor of n elements in chunks of {@value #LANES} (zeros). */
  static float[][] chunks(int n) {
    float[][] chunks = new float[chunkCount(n)][];
    for (int c = 0; c < chunks.length; c++) {
      chunks[c] = new float[LANES];
    }
    return chunks;
  }

  /** How many chunks a tensor of n elements takes. */
  static int chunkCount(int n) {
    return (n + LANES - 1) / LANES;
  }

  /** Copies {@code w} into chunks from {@link #chunks}{@code (w.length)}. */
  static void copy(float[] w, float[][] chunks) {
    for (int c = 0, base = 0; base < w.length; c++, base += LANES) {
      System.arraycopy(w, base, chunks[c], 0, Math.min(LANES, w.length - base));
    }
  }

  /**
   * Writes Σ a², Σ b² and Σ (a − b)² into {@code out[0..2]}, where b is the tensor held in {@code
   * before} (see {@link #copy}).
   *
   * @param a the weights after the step
   * @param before the weights before the step, in chunks of a tensor of a's length
   */
  void measure(float[] a, float[][] before, double[] out) {
    final float[] sa = laneAfter;
    final float[] sb = laneBefore;
    final float[] sd = laneDelta;
    final float[] x = after;
    final int n = a.length;
    // Tensors shorter than the chunk use only their first n lanes (the others would add zeros).
    final int used = Math.min(LANES, n);
    Arrays.fill(sa, 0, used, 0f);
    Arrays.fill(sb, 0, used, 0f);
    Arrays.fill(sd, 0, used, 0f);
    for (int c = 0, base = 0; base < n; c++, base += LANES) {
      final int len = Math.min(LANES, n - base);
      final float[] y = before[c];
      System.arraycopy(a, base, x, 0, len);
      for (int j = 0; j < len; j++) {
        sa[j] += x[j] * x[j];
      }
      for (int j = 0; j < len; j++) {
        sb[j] += y[j] * y[j];
      }
      for (int j = 0; j < len; j++) {
        final float d = x[j] - y[j];
        sd[j] += d * d;
      }
    }
    double sumA = 0;
    double sumB = 0;
    double sumD = 0;
    for (int j = 0; j < used; j++) {
      sumA += sa[j];
      sumB += sb[j];
      sumD += sd[j];
    }
    out[0] = sumA;
    out[1] = sumB;
    out[2] = sumD;
  }
}
