package io.streamprop.learn;

import io.streamprop.nn.Mlp;

/**
 * Per dense layer, what a step reports about the weights ({@link StepResult.LayerStats}): the
 * weight norm after the update and the update ratio ‖ΔW‖ / ‖W before‖, in {@link UpdateSums}' float
 * lanes, measured on a sample of the steps: optimizer step t of a learner (t = 1, 2, ..., its step
 * count after the update, kept in the state) is measured when t is a multiple of {@value
 * #MEASURE_EVERY}. Right before a measured step's update the weights are copied into {@link
 * UpdateSums}' chunks; an unmeasured step reports both figures as NaN. Holds its buffers: one
 * instance per learner.
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

  private final Mlp mlp;
  private final float[][][] weightsBefore; // per dense layer, the weights before a measured update
  private final double[] sums = new double[3]; // Σ w², Σ w_before², Σ (w - w_before)²
  private final UpdateSums meter = new UpdateSums();

  WeightUpdates(Mlp mlp) {
    this.mlp = mlp;
    this.weightsBefore = new float[mlp.layers()][][];
    for (int l = 0; l < mlp.layers(); l++) {
      weightsBefore[l] = UpdateSums.chunks(mlp.parameters()[mlp.weightIndex(l)].length);
    }
  }

  /** Whether optimizer step t (1, 2, ...: the learner's step count after it) is measured. */
  static boolean measured(long t) {
    return t % MEASURE_EVERY == 0;
  }

  /** Call right before the optimizer's update of step t: keeps the weights if t is measured. */
  void beforeUpdate(long t) {
    if (measured(t)) {
      float[][] params = mlp.parameters();
      for (int l = 0; l < mlp.layers(); l++) {
        UpdateSums.copy(params[mlp.weightIndex(l)], weightsBefore[l]);
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
    float[][] params = mlp.parameters();
    for (int l = 0; l < stats.length; l++) {
      meter.measure(params[mlp.weightIndex(l)], weightsBefore[l], sums);
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
