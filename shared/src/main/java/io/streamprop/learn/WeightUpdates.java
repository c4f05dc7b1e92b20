package io.streamprop.learn;

import io.streamprop.nn.Mlp;
import java.util.Arrays;

/**
 * Per dense layer, what a step reports about the weights ({@link StepResult.LayerStats}): the
 * weight norm after the update and the update ratio ‖ΔW‖ / ‖W before‖, in {@link UpdateSums}' float
 * lanes, measured on a sample of the steps: optimizer step t of a learner (t = 1, 2, ..., its step
 * count after the update, kept in the state) is measured when t is a multiple of {@value
 * #MEASURE_EVERY}. Right before a measured step's update the weights are copied into {@link
 * UpdateSums}' chunks; an unmeasured step reports both figures as NaN.
 *
 * <p>The copy and the sums' lanes are work arrays of one step, so they live in a per-thread {@link
 * Scratch} that every learner stepping on the thread shares (a step runs on one thread, from {@link
 * #beforeUpdate} to {@link #afterUpdate}), not in the learner: a live learner keeps only its state.
 * The scratch knows nothing of any learner, so a thread keeps none alive.
 */
final class WeightUpdates {
  /**
   * Optimizer steps per measured step. The figures only feed gauges, which are scraped every few
   * seconds and move slowly, while measuring costs a copy of every dense weight before the update
   * and three sums over them after it (about 5% of a small model's step, see docs/engine.md). Every
   * 16th step is a sixteenth of that cost and still a fresh figure every 128 examples at mini-batch
   * 8 (several per second at the rates the trainer reaches).
   */
  static final int MEASURE_EVERY = 16;

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  private final Mlp mlp;

  WeightUpdates(Mlp mlp) {
    this.mlp = mlp;
  }

  /**
   * One thread's work arrays of a measured step: per dense layer the weights before the update, in
   * {@link UpdateSums#chunks} (grown to the largest layer seen at that index), the sums' lanes and
   * the three sums.
   */
  private static final class Scratch {
    private float[][][] weightsBefore = new float[0][][];
    private final double[] sums = new double[3]; // Σ w², Σ w_before², Σ (w - w_before)²
    private final UpdateSums meter = new UpdateSums();

    /** Chunks for layer l's weights of n elements; their first n floats are what copy wrote. */
    float[][] weightsBefore(int l, int n) {
      if (l >= weightsBefore.length) {
        weightsBefore = Arrays.copyOf(weightsBefore, l + 1);
      }
      float[][] chunks = weightsBefore[l];
      if (chunks == null || chunks.length < UpdateSums.chunkCount(n)) {
        chunks = UpdateSums.chunks(n);
        weightsBefore[l] = chunks;
      }
      return chunks;
    }
  }

  /** Whether optimizer step t (1, 2, ...: the learner's step count after it) is measured. */
  static boolean measured(long t) {
    return t % MEASURE_EVERY == 0;
  }

  /** Call right before the optimizer's update of step t: keeps the weights if t is measured. */
  void beforeUpdate(long t) {
    if (measured(t)) {
      Scratch scratch = SCRATCH.get();
      float[][] params = mlp.parameters();
      for (int l = 0; l < mlp.layers(); l++) {
        float[] w = params[mlp.weightIndex(l)];
        UpdateSums.copy(w, scratch.weightsBefore(l, w.length));
      }
    }
  }

  /**
   * Call right after the update of step t: the stats of every layer, with the step's gradient
   * norms; weight norm and update ratio NaN unless t is measured.
   */
  StepResult.LayerStats[] afterUpdate(long t, double[] gradientNorms) {
    StepResult.LayerStats[] stats = new StepResult.LayerStats[mlp.layers()];
    if (!measured(t)) {
      for (int l = 0; l < stats.length; l++) {
        stats[l] = new StepResult.LayerStats(gradientNorms[l], Double.NaN, Double.NaN);
      }
      return stats;
    }
    // The same thread as beforeUpdate: its scratch holds this step's weights before the update.
    Scratch scratch = SCRATCH.get();
    double[] sums = scratch.sums;
    float[][] params = mlp.parameters();
    for (int l = 0; l < stats.length; l++) {
      float[] w = params[mlp.weightIndex(l)];
      scratch.meter.measure(w, scratch.weightsBefore(l, w.length), sums);
      double after = sums[0];
      double before = sums[1];
      double delta = sums[2];
      double ratio = before > 0 ? Math.sqrt(delta / before) : 0.0;
      stats[l] = new StepResult.LayerStats(gradientNorms[l], Math.sqrt(after), ratio);
    }
    return stats;
  }

  /** The stats of a skipped step: weights unchanged (exact norms), update ratio 0. */
  StepResult.LayerStats[] withoutUpdate(double[] gradientNorms) {
    float[][] params = mlp.parameters();
    StepResult.LayerStats[] stats = new StepResult.LayerStats[mlp.layers()];
    for (int l = 0; l < stats.length; l++) {
      double norm = Math.sqrt(GradientNorms.sumOfSquares(params[mlp.weightIndex(l)]));
      stats[l] = new StepResult.LayerStats(gradientNorms[l], norm, 0.0);
    }
    return stats;
  }
}
