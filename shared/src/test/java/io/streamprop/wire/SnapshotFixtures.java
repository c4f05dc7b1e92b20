package io.streamprop.wire;

import io.streamprop.learn.state.BatchNormState;
import io.streamprop.learn.state.Counters;
import io.streamprop.learn.state.DenseState;
import io.streamprop.learn.state.LayerState;
import io.streamprop.learn.state.ModelState;
import io.streamprop.learn.state.NamedArrays;
import io.streamprop.learn.state.NormalizerState;
import io.streamprop.learn.state.PendingBatch;
import io.streamprop.learn.state.TrainingState;
import io.streamprop.nn.optim.OptimizerState;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Model states with every part a model has, filled with seeded random values, for codec tests that
 * must not depend on the engine: Adam's two slots per parameter tensor, and for a regression spec
 * with {@code standardize} target statistics too, as a new engine model has them. The values are
 * drawn in the order the snapshot holds them, so {@code state(spec, 1, 3)} of the spec in {@code
 * format1-synthetic.sprp} encodes to that file's bytes.
 */
public final class SnapshotFixtures {
  private SnapshotFixtures() {}

  /** A complete, valid state for the spec, with {@code pendingRows} examples waiting. */
  public static ModelState state(ModelSpec spec, long seed, int pendingRows) {
    SplittableRandom random = new SplittableRandom(seed);
    List<LayerState> layers = new ArrayList<>();
    List<Integer> tensorLengths = new ArrayList<>();
    int denseLayers = spec.hidden().size() + 1;
    for (int i = 0; i < denseLayers; i++) {
      int in = i == 0 ? spec.inputs() : spec.hidden().get(i - 1);
      int out = i == denseLayers - 1 ? spec.outputWidth() : spec.hidden().get(i);
      DenseState dense = new DenseState(random(random, in * out), random(random, out));
      tensorLengths.add(in * out);
      tensorLengths.add(out);
      BatchNormState batchNorm = null;
      if (spec.batchNorm() && i < denseLayers - 1) {
        batchNorm =
            new BatchNormState(
                random(random, out), random(random, out), random(random, out), random(random, out));
        tensorLengths.add(out);
        tensorLengths.add(out);
      }
      layers.add(new LayerState(dense, batchNorm));
    }
    float[][][] moments = new float[tensorLengths.size()][][];
    for (int p = 0; p < moments.length; p++) {
      moments[p] =
          new float[][] {
            random(random, tensorLengths.get(p)), random(random, tensorLengths.get(p))
          };
    }
    PendingBatch pending =
        new PendingBatch(
            pendingRows,
            random(random, pendingRows * spec.inputs()),
            new float[pendingRows * SpecLimits.labelWidth(spec)]);

    double[] mean = new double[spec.inputs()];
    double[] m2 = new double[spec.inputs()];
    for (int i = 0; i < mean.length; i++) {
      mean[i] = random.nextGaussian();
      m2[i] = random.nextDouble() * 100;
    }
    NormalizerState targets = null;
    if (spec.task() == ModelSpec.Task.REGRESSION && spec.standardize()) {
      // Target statistics, as the engine keeps them for such a model (written as format 2).
      double[] targetMean = new double[spec.outputs()];
      double[] targetM2 = new double[spec.outputs()];
      for (int t = 0; t < spec.outputs(); t++) {
        targetMean[t] = random.nextGaussian() * 100;
        targetM2[t] = random.nextDouble() * 1e4;
      }
      targets = new NormalizerState(1200, targetMean, targetM2);
    }

    OptimizerState optimizer = new OptimizerState(77, List.of("m", "v"), moments);
    // no prequential loss: the fixture predates it (and the array is optional)
    TrainingState training = new TrainingState(optimizer, pending, random.nextLong(), Double.NaN);
    return new ModelState(
        spec,
        new Counters(5, 1234, 77, 2),
        layers,
        new NormalizerState(1234, mean, m2),
        targets,
        training,
        NamedArrays.NONE);
  }

  /** The same state without target statistics, as models written before they existed. */
  public static ModelState withoutTargets(ModelState state) {
    return new ModelState(
        state.spec(),
        state.counters(),
        state.layers(),
        state.inputNormalizer(),
        null,
        state.training(),
        state.carried());
  }

  /** The same state without its prequential loss, as states written before the learner kept it. */
  public static ModelState withoutPrequentialLoss(ModelState state) {
    TrainingState t = state.training();
    return new ModelState(
        state.spec(),
        state.counters(),
        state.layers(),
        state.inputNormalizer(),
        state.targetNormalizer(),
        new TrainingState(t.optimizer(), t.pending(), t.rngState(), Double.NaN),
        state.carried());
  }

  private static float[] random(SplittableRandom random, int n) {
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = (float) random.nextGaussian();
    }
    return values;
  }
}
