package io.streamprop.learn;

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

  private Predictor(
      ModelSpec spec, long version, Mlp mlp, Normalizer normalizer, Normalizer targets) {
    this.spec = spec;
    this.version = version;
    this.mlp = mlp;
    this.normalizer = normalizer;
    this.targets = targets;
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
    if (spec.standardize()) {
      normalizer = new Normalizer(state.inputNormalizer(), spec.inputs());
      normalizer.refresh(); // from here on apply() only reads
    }
    // Standardized targets: present exactly when the state has target statistics (absent in
    // models written before targets were standardized, which keep predicting as they did).
    Normalizer targets = Standardization.targetNormalizer(spec, state.targetNormalizer());
    if (targets != null) {
      targets.refresh(); // from here on invert() only reads
    }
    mlp.syncWeights(); // from here on predictLogits only reads
    return new Predictor(spec, state.version(), mlp, normalizer, targets);
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
    }
    float[] logits = mlp.predictLogits(x, rows);
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
