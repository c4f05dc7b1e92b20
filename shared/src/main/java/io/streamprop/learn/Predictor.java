package io.streamprop.learn;

import static io.streamprop.learn.Standardization.symlog;

import io.streamprop.features.FeatureRow;
import io.streamprop.learn.state.ModelState;
import io.streamprop.nn.Activation;
import io.streamprop.nn.Mlp;
import io.streamprop.nn.Softmax;
import io.streamprop.spec.ModelSpec;

/**
 * An immutable, thread-safe model in inference mode: standardization with the running statistics,
 * batch normalization with running statistics, no dropout, and (regression with standardized
 * targets) outputs mapped back to the user's units. Predicting never changes any state.
 *
 * <p>A spec with raw features predicts featurized rows ({@link #predict(FeatureRow[])}) on the
 * learner's path in inference mode: the dense part standardized with the running statistics
 * (missing numbers imputed with the running mean), each embedding table's bag means in its columns,
 * then the network.
 *
 * <p>Thread safety: the weights are private copies that nothing writes after construction, and
 * every call works in its own thread's scratch buffers (shared with the thread's other models, one
 * call at a time) and returns a fresh array, so any number of threads may predict at once.
 */
public final class Predictor {
  private final ModelSpec spec;
  private final long version;
  private final Mlp mlp;
  private final Normalizer normalizer; // null without standardization
  private final Normalizer targets; // null: the network's outputs are in the user's units
  private final MissingAwareNormalizer rawNormalizer; // raw features; null otherwise
  private final RawInputs tables; // raw features; null otherwise

  private Predictor(
      ModelSpec spec,
      long version,
      Mlp mlp,
      Normalizer normalizer,
      Normalizer targets,
      MissingAwareNormalizer rawNormalizer,
      RawInputs tables) {
    this.spec = spec;
    this.version = version;
    this.mlp = mlp;
    this.normalizer = normalizer;
    this.targets = targets;
    this.rawNormalizer = rawNormalizer;
    this.tables = tables;
  }

  /**
   * Builds a predictor from a model state's network and normalizers (arrays are copied).
   *
   * @throws IllegalArgumentException if the state does not fit its spec's model
   */
  public static Predictor of(ModelState state) {
    ModelSpec spec = state.spec();
    Mlp mlp = Mlp.forInference(spec);
    NetworkStates.load(state.layers(), mlp);
    Normalizer normalizer = null;
    MissingAwareNormalizer rawNormalizer = null;
    RawInputs tables = null;
    if (spec.hasFeatures()) {
      rawNormalizer = Standardization.rawNormalizer(spec, state.inputNormalizer());
      rawNormalizer.refresh(); // from here on apply() only reads
      tables = new RawInputs(spec);
      tables.load(state.embeddings());
    } else if (!state.embeddings().isEmpty()) {
      throw new IllegalArgumentException(
          "model state has embedding tables, but its spec has no raw features");
    } else if (spec.standardize()) {
      normalizer = new Normalizer(state.inputNormalizer(), spec.inputs(), symlog(spec));
      normalizer.refresh(); // from here on apply() only reads
    }
    // Standardized targets: present exactly when the state has target statistics (absent in
    // models written before targets were standardized, which keep predicting as they did).
    Normalizer targets = Standardization.targetNormalizer(spec, state.targetNormalizer());
    if (targets != null) {
      targets.refresh(); // from here on invert() only reads
    }
    mlp.syncWeights(); // from here on predictLogits only reads
    return new Predictor(spec, state.version(), mlp, normalizer, targets, rawNormalizer, tables);
  }

  public ModelSpec spec() {
    return spec;
  }

  public long version() {
    return version;
  }

  /**
   * Predicts {@code rows} examples.
   *
   * @param features (rows, inputs) raw features, row-major
   * @return (rows, outputs): class probabilities (classification; for binary cross-entropy the two
   *     probabilities [1-p, p]) or predicted values (regression)
   */
  public float[] predict(float[] features, int rows) {
    if (spec.hasFeatures()) {
      throw new IllegalArgumentException(
          "this spec has raw features: predict(FeatureRow[]) takes its featurized rows");
    }
    int inputs = spec.inputs();
    if (rows < 1 || features == null || (long) rows * inputs != features.length) {
      throw new IllegalArgumentException(
          "features: expected rows x inputs = "
              + rows
              + " x "
              + inputs
              + " values, got "
              + (features == null ? "null" : features.length));
    }
    float[] x = features;
    if (normalizer != null) {
      x = new float[features.length];
      normalizer.apply(features, x, rows);
    } else if (symlog(spec)) {
      x = new float[features.length];
      Symlog.apply(features, 0, x, 0, features.length);
    }
    return outputs(mlp.predictLogits(x, rows), rows);
  }

  /**
   * Predicts featurized rows of a spec with raw features (a {@link FeatureRow} per instance, as the
   * {@code Featurizer} makes them).
   *
   * @return (rows.length, outputs), as {@link #predict(float[], int)}
   * @throws IllegalArgumentException for a spec of numbers, no rows, or a row that does not fit the
   *     spec's layout (dense width, a bag per embedded field, ids within the buckets)
   */
  public float[] predict(FeatureRow[] rows) {
    if (tables == null) {
      throw new IllegalArgumentException(
          "this spec has no raw features: predict(float[], int) takes its rows");
    }
    if (rows == null || rows.length < 1) {
      throw new IllegalArgumentException("rows: expected at least one row");
    }
    int n = rows.length;
    int denseWidth = tables.denseWidth();
    float[] dense = new float[Math.multiplyExact(n, denseWidth)]; // (n, denseWidth)
    for (int r = 0; r < n; r++) {
      float[] d = rows[r] == null ? null : rows[r].dense();
      if (d == null || d.length != denseWidth) {
        throw new IllegalArgumentException(
            "rows["
                + r
                + "].dense: expected "
                + denseWidth
                + " values, got "
                + (d == null ? "null" : d.length));
      }
      System.arraycopy(d, 0, dense, r * denseWidth, denseWidth);
    }
    float[] x = new float[Math.multiplyExact(n, spec.inputs())]; // (n, inputs)
    tables.embed(rows, x); // checks every bag first, then writes the tables' columns
    rawNormalizer.apply(dense, x, n); // the dense columns
    return outputs(mlp.predictLogits(x, n), n);
  }

  /** Logits (rows, outputWidth) to probabilities or the user's units, in place where it can. */
  private float[] outputs(float[] logits, int rows) {
    return switch (spec.loss()) {
      case SOFTMAX_CROSS_ENTROPY -> {
        Softmax.forward(logits, logits, rows, spec.outputs());
        yield logits;
      }
      case BINARY_CROSS_ENTROPY -> {
        float[] probs = new float[rows * 2];
        for (int r = 0; r < rows; r++) {
          float p = (float) Activation.sigmoid(logits[r]);
          probs[2 * r] = 1f - p;
          probs[2 * r + 1] = p;
        }
        yield probs;
      }
      case MSE, HUBER -> {
        if (targets != null) {
          targets.invert(logits, logits, rows); // y = z · std + mean, the user's units
        }
        yield logits;
      }
    };
  }
}
