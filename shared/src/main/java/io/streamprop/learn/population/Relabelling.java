package io.streamprop.learn.population;

import io.streamprop.features.FeatureRow;
import io.streamprop.learn.OnlineLearner;
import io.streamprop.learn.Predictor;
import io.streamprop.learn.state.DenseState;
import io.streamprop.learn.state.LayerState;
import io.streamprop.learn.state.ModelState;
import io.streamprop.learn.state.TrainingState;
import io.streamprop.spec.ModelSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Relabelling from the leader's confusion, after a drift alarm ({@link DriftPlan#relabels()}).
 *
 * <p>When the labels of a stream change meaning (class k is now called j), the leader's features
 * and read-out still separate the classes; only the names of its answers are wrong, and a network
 * that learns on unlearns them slowly, confident answer by confident answer. So at the alarm a
 * frozen copy of the leader is kept and, for the next {@code relabelPerClass} × classes examples,
 * predicts each example before the population learns it; the pairs (label, copy's answer) are
 * counted. Then the copy's output layer is re-ordered: output unit j (its column of weights and its
 * bias) is taken from the unit the copy answered most often for label j, or kept where label j was
 * not seen. If the re-ordered answers undo the change (their error rate on the counted examples is
 * within the detector's tolerance of the error rate before the alarm), the re-ordered copy replaces
 * the worst member but the leader ({@link DriftResponse#joinRelabelled}), with fresh optimizer
 * moments at a tenth of the copy's learning rate (at the copy's rate it unlearns its features at
 * mini-batch 1), and races as any member: it is served only if its recent loss leads. After a
 * change of the inputs no re-ordering answers well, and nothing is replaced.
 *
 * <p>For binary cross-entropy (one output unit) the re-ordering is a swap or nothing: the unit's
 * weights and bias are negated when label 0 met answer 1 most often and label 1 answer 0.
 *
 * <p>Not thread-safe; it belongs to one population's {@link DriftResponse}. The counts and the copy
 * are its state ({@link RelabelState}); the predictor is rebuilt from the copy on restore.
 */
final class Relabelling {
  /** The relabelled member's learning rate, as a multiple of the copy's. */
  static final double RATE_FACTOR = 0.1;

  private final RelabelState state;
  private final int classes;
  private final long needed;
  private Predictor predictor; // built on first use from the frozen copy

  Relabelling(RelabelState state, int perClass) {
    this.state = state;
    this.classes = state.copy().spec().outputs();
    this.needed = (long) perClass * classes;
  }

  /**
   * A new relabelling of the leader's current state, nothing counted; null for more than {@link
   * RelabelState#MAX_CLASSES} classes.
   */
  static Relabelling start(OnlineLearner leader, double errorBefore, int perClass) {
    int classes = leader.spec().outputs();
    if (classes > RelabelState.MAX_CLASSES) {
      return null;
    }
    ModelState copy = leader.state();
    return new Relabelling(
        new RelabelState(copy, new long[classes * classes], errorBefore), perClass);
  }

  RelabelState state() {
    return state;
  }

  /**
   * Counts one example the population accepted: its label against the copy's answer (the first
   * class of the highest probability). No-op once enough are counted.
   *
   * @param ids the example's bucket ids for a spec with raw features, else null
   */
  void count(float[] features, int[][] ids, float[] label) {
    if (complete()) {
      return;
    }
    if (predictor == null) {
      predictor = Predictor.of(state.copy());
    }
    float[] p =
        ids == null
            ? predictor.predict(features, 1)
            : predictor.predict(new FeatureRow[] {new FeatureRow(features, ids)});
    int answer = 0;
    for (int c = 1; c < classes; c++) {
      if (p[c] > p[answer]) {
        answer = c;
      }
    }
    state.counts()[(int) label[0] * classes + answer]++;
  }

  /** True once {@code relabelPerClass} × classes examples are counted. */
  boolean complete() {
    return state.counted() >= needed;
  }

  /**
   * The copy with its output units re-ordered ({@link RelabelState#sources}), a single learner of
   * the population's (current) {@code spec} at the copy's widths, {@link #RATE_FACTOR} × the copy's
   * learning rate (kept within {@code [min, max]}) and mini-batch {@code batch}, with the optimizer
   * moments, empty pending batch and generator of {@code fresh} (a new learner of that shape).
   */
  ModelState relabelled(
      ModelSpec spec, double minRate, double maxRate, int batch, ModelState fresh) {
    ModelState copy = state.copy();
    ModelSpec s = copy.spec();
    double rate = Math.min(Math.max(s.optimizer().learningRate() * RATE_FACTOR, minRate), maxRate);
    List<LayerState> layers = new ArrayList<>(copy.layers());
    int out = layers.size() - 1;
    layers.set(out, new LayerState(reorder(layers.get(out).dense(), state.sources(), s), null));
    TrainingState t = fresh.training();
    return new ModelState(
        PopulationPlan.variant(spec, s.hidden(), rate, batch, s.inputTransform()),
        copy.counters(),
        layers,
        copy.inputNormalizer(),
        copy.targetNormalizer(),
        new TrainingState(
            t.optimizer(), t.pending(), t.rngState(), Double.NaN, copy.training().classCounts()),
        copy.carried(),
        copy.embeddings());
  }

  /** The output layer with unit j taken from unit {@code source[j]} (weights (in, out)). */
  static DenseState reorder(DenseState dense, int[] source, ModelSpec spec) {
    float[] w = dense.weight();
    float[] b = dense.bias();
    int width = b.length;
    if (width != spec.outputWidth()) {
      throw new IllegalStateException("output layer of " + width + " units, spec says otherwise");
    }
    if (width == 1) { // binary cross-entropy: swap the two classes, or keep them
      boolean swap = source.length == 2 && source[0] == 1 && source[1] == 0;
      float[] nw = w.clone();
      float[] nb = b.clone();
      if (swap) {
        for (int i = 0; i < nw.length; i++) {
          nw[i] = -nw[i];
        }
        nb[0] = -nb[0];
      }
      return new DenseState(nw, nb);
    }
    float[] nw = new float[w.length];
    float[] nb = new float[width];
    int in = w.length / width;
    for (int j = 0; j < width; j++) {
      int from = source[j];
      nb[j] = b[from];
      for (int r = 0; r < in; r++) {
        nw[r * width + j] = w[r * width + from];
      }
    }
    return new DenseState(nw, nb);
  }
}
