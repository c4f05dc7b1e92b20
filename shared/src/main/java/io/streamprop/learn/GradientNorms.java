package io.streamprop.learn;

import io.streamprop.nn.Mlp;
import java.util.Arrays;

/**
 * The gradient norms of a step, after the backward pass: Σ g² per parameter tensor (exact double
 * sums, or at one batch row the outer-product identity), the L2 norm of each dense layer's weight
 * gradient (reported), and the global norm over every tensor (what clipping and the skip decision
 * read). Squares summed in double cannot overflow for float inputs, and the identity is used only
 * where it proves every element finite, so the global norm is finite exactly when every gradient
 * element is. With raw features the embedding tables' gradients count too, after the network's
 * tensors, each over its touched rows (zero elsewhere). Holds its buffers: one instance per
 * learner.
 */
final class GradientNorms {
  /**
   * Relative margin below clip_norm from which the exact sums replace the identity's: far above its
   * error (about 2⁻²³ for the float rounding of each product, plus (n + m + n·m)·2⁻⁵³ for the
   * double sums).
   */
  static final double CLIP_MARGIN = 1e-5;

  /**
   * Above this global gradient norm (clipping off) a step is skipped: every element is at most the
   * norm, so each square stays below 10³⁶, finite in float with room for the optimizers' running
   * sums (Float.MAX_VALUE ≈ 3.4·10³⁸).
   */
  static final double MAX_UNCLIPPED_GRADIENT_NORM = 1e18;

  /** Above this Σx²·Σg² some product x_i·g_o might round to ±∞ in float: (Float.MAX_VALUE / 2)². */
  static final double MAX_OUTER = ((double) Float.MAX_VALUE / 2) * ((double) Float.MAX_VALUE / 2);

  /**
   * Below this (norm 2⁻¹⁰⁰) some products may be subnormal floats, whose rounding error is absolute
   * rather than relative; the exact pass is cheap insurance there.
   */
  static final double MIN_OUTER = 0x1p-200;

  private final Mlp mlp;
  private final RawInputs tables; // null for a spec of numbers
  private final int networkTensors;
  private final double[] tensorSquares; // per parameter tensor, then per table: Σ gradient²
  private final int[] layerOfTensor; // per parameter tensor: the dense layer of a weight, else -1
  private final double[] layerNorms; // per dense layer: ‖dW‖

  GradientNorms(Mlp mlp) {
    this(mlp, null);
  }

  /** Norms of the network's gradients and, when {@code tables} is not null, of the tables'. */
  GradientNorms(Mlp mlp, RawInputs tables) {
    this.mlp = mlp;
    this.tables = tables;
    this.networkTensors = mlp.parameters().length;
    this.tensorSquares = new double[networkTensors + (tables == null ? 0 : tables.count())];
    this.layerOfTensor = new int[tensorSquares.length];
    Arrays.fill(layerOfTensor, -1);
    for (int l = 0; l < mlp.layers(); l++) {
      layerOfTensor[mlp.weightIndex(l)] = l;
    }
    this.layerNorms = new double[mlp.layers()];
  }

  /**
   * Forgets the last step's norms: NaN until {@link #measure} (a step whose loss is not finite).
   */
  void clear() {
    Arrays.fill(layerNorms, Double.NaN);
  }

  /**
   * Measures the gradients of the last backward pass over {@code rows} rows and returns the global
   * norm, setting {@link #layerNorms()}. Call it right after the backward pass: a dense layer's Σ
   * dW² may come from its kernel, which took it during that pass ({@code Dense.dWeightSquares}).
   */
  double measure(int rows, double clipNorm) {
    float[][] grads = mlp.gradients();
    // At one row, a dense weight gradient is an outer product and its Σ dW² comes from the
    // identity (see outerProductSquares), which also proves every element finite.
    boolean identity = false;
    for (int p = 0; p < grads.length; p++) {
      int l = layerOfTensor[p];
      double s = Double.NaN;
      if (rows == 1 && l >= 0) {
        s =
            outerProductSquares(
                mlp.denseInput(l),
                mlp.dense(l).inFeatures(),
                mlp.denseDOutput(l),
                mlp.dense(l).outFeatures());
        identity |= !Double.isNaN(s);
      }
      tensorSquares[p] = Double.isNaN(s) ? exactSquares(p, grads[p]) : s;
    }
    if (tables != null) {
      tables.sumsOfSquares(tensorSquares, networkTensors);
    }
    double globalNorm = normsFromSquares();
    // The identity is within about 2⁻²³ relative of the exact sum. Near or above clip_norm, the
    // exact sums decide, so clipping triggers on exactly the steps it did without the identity.
    if (identity
        && clipNorm > 0
        && Double.isFinite(globalNorm)
        && globalNorm > clipNorm * (1 - CLIP_MARGIN)) {
      for (int l = 0; l < mlp.layers(); l++) {
        int p = mlp.weightIndex(l);
        tensorSquares[p] = exactSquares(p, grads[p]);
      }
      globalNorm = normsFromSquares();
    }
    return globalNorm;
  }

  /**
   * Σ g² of parameter tensor p: a dense weight's as its kernel took it during the backward pass
   * (the same bits as {@link #sumOfSquares(float[])}, without a pass of its own), else the pass.
   */
  private double exactSquares(int p, float[] grad) {
    int l = layerOfTensor[p];
    double s = l >= 0 ? mlp.dense(l).dWeightSquares() : Double.NaN;
    return Double.isNaN(s) ? sumOfSquares(grad) : s;
  }

  /**
   * Whether a step with this global norm may update the model: the norm is finite (so is every
   * gradient element) and, with clipping off, at most {@link #MAX_UNCLIPPED_GRADIENT_NORM}. Without
   * clipping, a finite but enormous gradient (features around 10³⁰ with standardize off) would
   * still poison the optimizer: its square overflows the float moments (Adam's v, AdaGrad's and
   * RMSProp's sums) to +∞, after which those weights never move again. With clipping on, the
   * gradient is scaled below clip_norm first, so the bound never applies.
   */
  static boolean updatable(double globalNorm, double clipNorm) {
    return Double.isFinite(globalNorm)
        && (clipNorm > 0 || globalNorm <= MAX_UNCLIPPED_GRADIENT_NORM);
  }

  /** Per dense layer, ‖dW‖ of the last {@link #measure} (NaN after {@link #clear}); live. */
  double[] layerNorms() {
    return layerNorms;
  }

  /**
   * Sets {@link #layerNorms} from {@link #tensorSquares} and returns the global norm (the sum over
   * tensors in index order).
   */
  private double normsFromSquares() {
    double total = 0;
    for (int p = 0; p < tensorSquares.length; p++) {
      total += tensorSquares[p];
    }
    for (int l = 0; l < layerNorms.length; l++) {
      layerNorms[l] = Math.sqrt(tensorSquares[mlp.weightIndex(l)]);
    }
    return Math.sqrt(total);
  }

  /**
   * Σ_i Σ_o (x_i·g_o)² = (Σ_i x_i²)·(Σ_o g_o²), the squared Frobenius norm of the outer product of
   * {@code x[0..n)} and {@code g[0..m)}, in O(n + m) instead of O(n·m); or NaN when the caller must
   * take the exact pass over the float gradient instead.
   *
   * <p>The float gradient holds fl(x_i·g_o), each within 2⁻²⁴ relative of x_i·g_o, so its Σ dW²
   * differs from this by about 2⁻²³ relative (the 7th digit): the norm of the exact outer product
   * rather than of its rounded elements, equally accurate and deterministic. The result is used
   * only when it also proves every element finite: both sums finite (so every x_i and g_o is: a
   * float's square cannot overflow a double) and the product at most {@link #MAX_OUTER}, since
   * |x_i·g_o| ≤ ‖x‖·‖g‖ ≤ Float.MAX_VALUE / 2 cannot round to infinity. Zero is exact (one factor
   * is all zeros, so every element is 0); otherwise below {@link #MIN_OUTER} the exact pass runs.
   */
  static double outerProductSquares(float[] x, int n, float[] g, int m) {
    double s = sumOfSquares(x, n) * sumOfSquares(g, m);
    // NaN (a non-finite element) fails both comparisons.
    return s == 0 || (s >= MIN_OUTER && s <= MAX_OUTER) ? s : Double.NaN;
  }

  /**
   * Σ v² in double with four interleaved partial sums combined in a fixed order: deterministic, and
   * about four times faster than one serial accumulator (whose add latency is the bottleneck).
   */
  static double sumOfSquares(float[] v) {
    return sumOfSquares(v, v.length);
  }

  /** {@link #sumOfSquares(float[])} of {@code v[0..n)}. */
  static double sumOfSquares(float[] v, int n) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int i = 0;
    for (; i + 3 < n; i += 4) {
      s0 += (double) v[i] * v[i];
      s1 += (double) v[i + 1] * v[i + 1];
      s2 += (double) v[i + 2] * v[i + 2];
      s3 += (double) v[i + 3] * v[i + 3];
    }
    for (; i < n; i++) {
      s0 += (double) v[i] * v[i];
    }
    return (s0 + s1) + (s2 + s3);
  }
}
