package io.streamprop.learn;

import io.streamprop.nn.Mlp;

/**
 * Per dense layer, what a step reports about the weights ({@link StepResult.LayerStats}): the
 * weight norm after the update and the update ratio ‖ΔW‖ / ‖W before‖, in {@link UpdateSums}' float
 * lanes. The weights before an update are kept in {@link UpdateSums}' chunks between steps: each
 * measure leaves the updated weights in them, and ‖W‖² after one update is ‖W_before‖² of the next
 * (only the optimizer changes a learner's weights). Holds its buffers: one instance per learner.
 */
final class WeightUpdates {
  private final Mlp mlp;
  private final float[][][] weightsBefore; // per dense layer, valid while weightSquaresKnown
  private final double[] weightSquares; // per dense layer: ‖W‖² after the last update
  private final double[] sums = new double[3]; // Σ w², Σ w_before², Σ (w - w_before)²
  private final UpdateSums meter = new UpdateSums();
  private boolean weightSquaresKnown; // false until this learner's first update

  WeightUpdates(Mlp mlp) {
    this.mlp = mlp;
    this.weightsBefore = new float[mlp.layers()][][];
    for (int l = 0; l < mlp.layers(); l++) {
      weightsBefore[l] = UpdateSums.chunks(mlp.parameters()[mlp.weightIndex(l)].length);
    }
    this.weightSquares = new double[mlp.layers()];
  }

  /** Call right before the optimizer updates the weights. */
  void beforeUpdate() {
    if (!weightSquaresKnown) {
      // First update of this learner: otherwise the last measure left these weights in place.
      float[][] params = mlp.parameters();
      for (int l = 0; l < mlp.layers(); l++) {
        UpdateSums.copy(params[mlp.weightIndex(l)], weightsBefore[l]);
      }
    }
  }

  /** Call right after the update: the stats of every layer, with the step's gradient norms. */
  StepResult.LayerStats[] afterUpdate(double[] gradientNorms) {
    float[][] params = mlp.parameters();
    StepResult.LayerStats[] stats = new StepResult.LayerStats[mlp.layers()];
    for (int l = 0; l < stats.length; l++) {
      float[] w = params[mlp.weightIndex(l)];
      sums[1] = weightSquares[l];
      meter.measure(w, weightsBefore[l], sums, !weightSquaresKnown);
      weightSquares[l] = sums[0];
      double after = sums[0];
      double before = sums[1];
      double delta = sums[2];
      double ratio = before > 0 ? Math.sqrt(delta / before) : 0.0;
      stats[l] = new StepResult.LayerStats(gradientNorms[l], Math.sqrt(after), ratio);
    }
    weightSquaresKnown = true;
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
