package io.streamprop.nn;

import io.streamprop.spec.ModelSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A multi-layer perceptron built from a {@link ModelSpec}: for every hidden layer l
 *
 * <pre>
 *   z_l = h_(l-1) · W_l + b_l        Dense           (B, width_l)
 *   u_l = BN_l(z_l)  or  z_l         BatchNorm, optional
 *   a_l = f(u_l)                      Activation
 *   h_l = dropout(a_l)  or  a_l       Dropout, optional, training only
 * </pre>
 *
 * then {@code logits = h_(L-1) · W_L + b_L} (B, outputWidth), with h_(-1) the (standardized) input
 * (B, inputs). The output function (softmax, sigmoid or identity) belongs to the loss and to the
 * predictor, not to the network.
 *
 * <p>Every activation buffer is allocated once for {@code maxBatch} rows, so a training step
 * allocates nothing. {@link #parameters()} and {@link #gradients()} expose the live arrays in a
 * fixed order (per layer: dense weight, dense bias, then batch-norm gamma and beta if present) for
 * the optimizer. Not thread-safe, except {@link #predictLogits}, which only reads the parameters.
 *
 * <p>{@link #forInference} builds a network that only predicts (what {@code Predictor} serves): its
 * dense layers have no gradients ({@link Dense#forInference}), so a served model costs about twice
 * its weights instead of five times, and {@link #gradients}, {@link #backward} and {@link
 * #zeroGradients} throw {@link IllegalStateException}.
 */
public final class Mlp {
  private final int inputs;
  private final int outputs;
  private final int maxBatch;
  private final int layers; // dense layers: hidden + 1
  private final int[] widths; // widths[l] = output width of dense l
  private final Dense[] dense;
  private final BatchNorm[] batchNorm; // per hidden layer, null entries when off
  private final Dropout[] dropout; // per hidden layer, null entries when off
  private final Activation activation;
  private final ModelSpec.Init init; // as in the spec: AUTO is resolved per layer
  private final ModelSpec.Activation activationKind;

  // Forward buffers, (maxBatch, widths[l]) each; u == z without batch norm, h == a without dropout.
  private final float[][] z;
  private final float[][] u;
  private final float[][] a;
  private final float[][] h;
  // Backward buffer per hidden layer: ∂loss/∂h_l, turned in place into ∂loss/∂z_l.
  private final float[][] g;
  private float[] lastInput;
  private float[] lastDLogits;
  private int lastBatch;
  private boolean lastTraining;

  private final float[][] parameters;
  private final float[][] gradients;
  private final boolean[] decay;
  private final int[] weightIndex; // index in parameters() of dense l's weight

  /** A network of the spec's shape with zero weights; call {@link #initialize} or load weights. */
  public Mlp(ModelSpec spec, int maxBatch) {
    this(spec, maxBatch, true);
  }

  /**
   * A network of the spec's shape with zero weights that only predicts: load its {@link
   * #parameters()} (and batch-norm statistics), {@link #syncWeights}, then {@link #predictLogits}.
   */
  public static Mlp forInference(ModelSpec spec) {
    return new Mlp(spec, 1, false);
  }

  private Mlp(ModelSpec spec, int maxBatch, boolean training) {
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch must be >= 1, got " + maxBatch);
    }
    this.inputs = spec.inputs();
    this.outputs = spec.outputWidth();
    this.maxBatch = maxBatch;
    List<Integer> hidden = spec.hidden();
    this.layers = hidden.size() + 1;
    this.widths = new int[layers];
    for (int l = 0; l < hidden.size(); l++) {
      widths[l] = hidden.get(l);
    }
    widths[layers - 1] = outputs;
    this.activation = Activation.of(spec.activation());
    this.init = spec.init();
    this.activationKind = spec.activation();

    dense = new Dense[layers];
    batchNorm = new BatchNorm[layers];
    dropout = new Dropout[layers];
    z = new float[layers][];
    u = new float[layers][];
    a = new float[layers][];
    h = new float[layers][];
    g = new float[layers][];
    List<float[]> params = new ArrayList<>();
    List<float[]> grads = new ArrayList<>();
    List<Boolean> decays = new ArrayList<>();
    weightIndex = new int[layers];
    int in = inputs;
    for (int l = 0; l < layers; l++) {
      int out = widths[l];
      int size = Math.multiplyExact(maxBatch, out);
      dense[l] = training ? new Dense(in, out) : Dense.forInference(in, out);
      weightIndex[l] = params.size();
      params.add(dense[l].weight());
      grads.add(training ? dense[l].dWeight() : null);
      decays.add(true);
      params.add(dense[l].bias());
      grads.add(training ? dense[l].dBias() : null);
      decays.add(false);
      z[l] = new float[size];
      boolean hiddenLayer = l < layers - 1;
      if (hiddenLayer) {
        if (spec.batchNorm()) {
          batchNorm[l] = new BatchNorm(out, maxBatch);
          params.add(batchNorm[l].gamma());
          grads.add(batchNorm[l].dGamma());
          decays.add(false);
          params.add(batchNorm[l].beta());
          grads.add(batchNorm[l].dBeta());
          decays.add(false);
          u[l] = new float[size];
        } else {
          u[l] = z[l];
        }
        a[l] = new float[size];
        if (spec.dropout() > 0) {
          dropout[l] = new Dropout(spec.dropout(), out, maxBatch);
          h[l] = new float[size];
        } else {
          h[l] = a[l];
        }
        g[l] = new float[size];
      }
      in = out;
    }
    parameters = params.toArray(new float[0][]);
    gradients = training ? grads.toArray(new float[0][]) : null;
    decay = new boolean[decays.size()];
    for (int i = 0; i < decay.length; i++) {
      decay[i] = decays.get(i);
    }
  }

  /**
   * Draws every dense weight from {@code rng} (layer by layer, row-major; {@link
   * Initializers#fillLayer}: under {@code AUTO} the output layer is scaled down); biases stay zero.
   */
  public void initialize(SplitMix64 rng) {
    for (int l = 0; l < layers; l++) {
      Initializers.fillLayer(
          dense[l].weight(),
          dense[l].inFeatures(),
          dense[l].outFeatures(),
          init,
          activationKind,
          l == layers - 1,
          rng);
    }
  }

  /**
   * Forward pass over the first {@code batch} rows of {@code input} (B, inputs).
   *
   * @param training batch statistics and dropout (true) or running statistics, no dropout (false)
   * @param rng dropout's generator (used only in training with dropout)
   * @return the logits buffer (B, outputWidth), valid until the next forward
   */
  public float[] forward(float[] input, int batch, boolean training, SplitMix64 rng) {
    if (batch < 1 || batch > maxBatch) {
      throw new IllegalArgumentException("batch must be in [1, " + maxBatch + "], got " + batch);
    }
    if (training) {
      requireTraining();
    }
    float[] x = input;
    for (int l = 0; l < layers - 1; l++) {
      int n = batch * widths[l];
      dense[l].forward(x, z[l], batch);
      if (batchNorm[l] != null) {
        if (training) {
          batchNorm[l].forwardTraining(z[l], u[l], batch);
        } else {
          batchNorm[l].forwardInference(z[l], u[l], batch);
        }
      }
      activation.forward(u[l], a[l], n);
      if (dropout[l] != null) {
        if (training) {
          dropout[l].forwardTraining(a[l], h[l], n, rng);
        } else {
          System.arraycopy(a[l], 0, h[l], 0, n);
        }
      }
      x = h[l];
    }
    dense[layers - 1].forward(x, z[layers - 1], batch);
    lastInput = input;
    lastDLogits = null;
    lastBatch = batch;
    lastTraining = training;
    return z[layers - 1];
  }

  /**
   * Backward pass of the last training {@link #forward}: sets {@link #gradients()} to
   * ∂loss/∂parameter for the given ∂loss/∂logits (B, outputWidth). Gradients are cleared first.
   */
  public void backward(float[] dLogits, int batch) {
    backward(dLogits, batch, null);
  }

  /**
   * {@link #backward(float[], int)} that also gives ∂loss/∂input, what the input's own producers
   * (embedding tables) backpropagate: the first dense layer computes {@code dInput = dz_0 · W_0ᵀ}
   * as every other layer computes its dh. The parameters' gradients are the same bits as without
   * it.
   *
   * @param dInput receives ∂loss/∂input (B, inputs), overwritten; null: not computed (the plain
   *     backward, which skips that product)
   */
  public void backward(float[] dLogits, int batch, float[] dInput) {
    backward(dLogits, batch, dInput, 0);
  }

  /**
   * {@link #backward(float[], int, float[])} where only dInput's columns [dInputFrom, inputs) are
   * needed (those of the embedding tables): the same bits there; the columns before may be left as
   * they were, and the first layer's kernel skips their products where it can.
   */
  public void backward(float[] dLogits, int batch, float[] dInput, int dInputFrom) {
    requireTraining();
    if (!lastTraining || batch != lastBatch) {
      throw new IllegalStateException("backward must follow a training forward of the same batch");
    }
    if (dInput != null && dInput.length < (long) batch * inputs) {
      throw new IllegalArgumentException(
          "dInput has "
              + dInput.length
              + " floats, needs batch x inputs = "
              + batch
              + " x "
              + inputs);
    }
    for (int l = 0; l < layers; l++) {
      if (batchNorm[l] != null) {
        batchNorm[l].zeroGradients();
      }
    }
    // The dense layers' gradients are cleared by backwardFromZero itself.
    int top = layers - 1;
    lastDLogits = dLogits;
    // logits = h_(L-1) · W_L + b_L: dW_L, db_L, and dh_(L-1) into g[L-1] (dInput when L = 0)
    dense[top].backwardFromZero(
        top == 0 ? lastInput : h[top - 1],
        dLogits,
        top == 0 ? dInput : g[top - 1],
        top == 0 ? dInputFrom : 0,
        batch);
    for (int l = top - 1; l >= 0; l--) {
      int n = batch * widths[l];
      float[] d = g[l]; // ∂loss/∂h_l
      if (dropout[l] != null) {
        dropout[l].backward(d, n); // → ∂loss/∂a_l
      }
      activation.backward(u[l], a[l], d, n); // → ∂loss/∂u_l
      if (batchNorm[l] != null) {
        batchNorm[l].backward(d, batch); // → ∂loss/∂z_l
      }
      // z_l = h_(l-1) · W_l + b_l: dW_l, db_l, and dh_(l-1) (dInput for the input, if asked)
      dense[l].backwardFromZero(
          l == 0 ? lastInput : h[l - 1],
          d,
          l == 0 ? dInput : g[l - 1],
          l == 0 ? dInputFrom : 0,
          batch);
    }
  }

  /**
   * The input (B, in) that dense layer l multiplied in the last training {@link #forward}: the
   * network's input for l = 0, else h_(l-1) (after dropout). With {@link #denseDOutput} it gives
   * the layer's weight gradient of the last {@link #backward}: dW_l = inputᵀ · dOutput, which at
   * one batch row is the outer product dW_l[i, o] = input[i] · dOutput[o] (each element computed as
   * {@code 0f + input[i] * dOutput[o]}). Valid until the next forward.
   */
  public float[] denseInput(int layer) {
    return layer == 0 ? lastInput : h[layer - 1];
  }

  /**
   * ∂loss/∂z_l (B, width_l) of the last {@link #backward}, what dense layer l backpropagated: the
   * dLogits passed to backward for the output layer, else the hidden layer's buffer after dropout,
   * activation and batch-norm backward. Valid until the next forward or backward.
   */
  public float[] denseDOutput(int layer) {
    if (!lastTraining || lastDLogits == null) {
      throw new IllegalStateException("denseDOutput needs a backward after the training forward");
    }
    return layer == layers - 1 ? lastDLogits : g[layer];
  }

  /** Applies the last training forward's batch statistics to the running statistics. */
  public void commitRunningStatistics() {
    for (BatchNorm bn : batchNorm) {
      if (bn != null) {
        bn.commitRunningStatistics();
      }
    }
  }

  /**
   * Lets the dense layers copy their weights into what inference reads ({@link
   * Dense#prepareInference}); call it before {@link #predictLogits} after changing parameters.
   */
  public void syncWeights() {
    for (Dense d : dense) {
      d.prepareInference();
    }
  }

  /**
   * Inference-mode logits for {@code rows} examples: reads only the parameters (as of the last
   * {@link #syncWeights} or {@link #forward}), so concurrent calls are safe while nobody trains
   * this instance. The hidden-layer buffers come from a per-thread workspace that every network on
   * the thread shares (grown to the largest call seen, up to {@value #WORKSPACE_ROWS} rows; larger
   * calls allocate their own), so a steady stream of calls allocates only the returned logits, and
   * a thread keeps no network alive.
   *
   * @param input (rows, inputs), already standardized
   * @return (rows, outputWidth), a fresh array owned by the caller
   */
  public float[] predictLogits(float[] input, int rows) {
    Workspace ws = rows <= WORKSPACE_ROWS ? WORKSPACE.get() : new Workspace();
    float[] x = input;
    for (int l = 0; l < layers - 1; l++) {
      int n = rows * widths[l];
      float[] zl = ws.z(l, n);
      dense[l].forwardInference(x, zl, rows, ws.scratch(dense[l].inferenceScratch(rows)));
      if (batchNorm[l] != null) {
        batchNorm[l].forwardInference(zl, zl, rows);
      }
      float[] al = ws.a(l, n);
      activation.forward(zl, al, n);
      x = al;
    }
    float[] logits = new float[rows * outputs];
    dense[layers - 1].forwardInference(
        x, logits, rows, ws.scratch(dense[layers - 1].inferenceScratch(rows)));
    return logits;
  }

  /** Calls with more rows than this allocate their buffers instead of keeping them per thread. */
  static final int WORKSPACE_ROWS = 1024;

  /**
   * One set of inference buffers per thread, shared by every network the thread predicts with: a
   * call uses them only while it runs and returns a fresh array, so networks can take turns. It
   * must not be a ThreadLocal per network: the buffers would keep their network reachable from the
   * thread (ThreadLocal's weak key does not help when the value leads back to it), and a scorer
   * that swaps in a network per snapshot would keep every one it ever served.
   */
  private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

  /**
   * Inference buffers, grown to the largest call seen: per hidden layer z and a, and one scratch
   * array that each dense layer uses in turn. Knows nothing of any network.
   */
  private static final class Workspace {
    private float[][] z = new float[0][];
    private float[][] a = new float[0][];
    private float[] scratch = new float[0];

    float[] z(int l, int n) {
      z = atLeast(z, l, n);
      return z[l];
    }

    float[] a(int l, int n) {
      a = atLeast(a, l, n);
      return a[l];
    }

    float[] scratch(int n) {
      if (scratch.length < n) {
        scratch = new float[n];
      }
      return scratch;
    }

    /** The table with a buffer of at least n floats at l (the table grown if needed). */
    private static float[][] atLeast(float[][] table, int l, int n) {
      float[][] t = l < table.length ? table : Arrays.copyOf(table, l + 1);
      if (t[l] == null || t[l].length < n) {
        t[l] = new float[n];
      }
      return t;
    }
  }

  public void zeroGradients() {
    requireTraining();
    for (int l = 0; l < layers; l++) {
      dense[l].zeroGradients();
      if (batchNorm[l] != null) {
        batchNorm[l].zeroGradients();
      }
    }
  }

  /** Live parameter arrays in the fixed order described above. */
  public float[][] parameters() {
    return parameters;
  }

  /** Live gradient arrays, aligned with {@link #parameters()}. */
  public float[][] gradients() {
    requireTraining();
    return gradients;
  }

  /** False for a network made by {@link #forInference}. */
  public boolean training() {
    return gradients != null;
  }

  private void requireTraining() {
    if (gradients == null) {
      throw new IllegalStateException("this network only predicts (Mlp.forInference)");
    }
  }

  /** Whether weight decay applies to each parameter: dense weights yes; biases, gamma, beta no. */
  public boolean[] decay() {
    return decay.clone();
  }

  /** Index in {@link #parameters()} of dense layer l's weight (its bias follows it). */
  public int weightIndex(int layer) {
    return weightIndex[layer];
  }

  /** Number of dense layers (hidden layers + the output layer). */
  public int layers() {
    return layers;
  }

  public Dense dense(int layer) {
    return dense[layer];
  }

  /** Batch normalization after hidden dense layer l, or null. */
  public BatchNorm batchNorm(int layer) {
    return batchNorm[layer];
  }

  public boolean hasBatchNorm() {
    return batchNorm[0] != null;
  }

  public boolean hasDropout() {
    return dropout[0] != null;
  }

  public int inputs() {
    return inputs;
  }

  public int outputWidth() {
    return outputs;
  }

  public int maxBatch() {
    return maxBatch;
  }
}
