package io.streamprop.wire;

import io.streamprop.learn.ModelState;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecLimits;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Model states with every array the engine's naming convention defines, filled with seeded random
 * values, for codec tests that must not depend on the engine. A regression spec with {@code
 * standardize} gets target statistics too, as a new engine model has them.
 */
public final class SnapshotFixtures {
  private SnapshotFixtures() {}

  /** A complete, valid state for the spec, with {@code pendingRows} examples waiting. */
  public static ModelState state(ModelSpec spec, long seed, int pendingRows) {
    SplittableRandom random = new SplittableRandom(seed);
    Map<String, float[]> floats = new LinkedHashMap<>();
    List<float[]> params = new ArrayList<>();
    int layers = spec.hidden().size() + 1;
    for (int i = 0; i < layers; i++) {
      int in = i == 0 ? spec.inputs() : spec.hidden().get(i - 1);
      int out = i == layers - 1 ? spec.outputWidth() : spec.hidden().get(i);
      params.add(put(floats, "dense." + i + ".weight", random(random, in * out)));
      params.add(put(floats, "dense." + i + ".bias", random(random, out)));
      if (spec.batchNorm() && i < layers - 1) {
        params.add(put(floats, "bn." + i + ".gamma", random(random, out)));
        params.add(put(floats, "bn." + i + ".beta", random(random, out)));
        put(floats, "bn." + i + ".running_mean", random(random, out));
        put(floats, "bn." + i + ".running_var", random(random, out));
      }
    }
    for (int p = 0; p < params.size(); p++) {
      put(floats, "optim." + p + ".m", random(random, params.get(p).length));
      put(floats, "optim." + p + ".v", random(random, params.get(p).length));
    }
    put(floats, "pending.features", random(random, pendingRows * spec.inputs()));
    put(floats, "pending.labels", new float[pendingRows * SpecLimits.labelWidth(spec)]);

    Map<String, double[]> doubles = new LinkedHashMap<>();
    doubles.put("norm.count", new double[] {1234});
    double[] mean = new double[spec.inputs()];
    double[] m2 = new double[spec.inputs()];
    for (int i = 0; i < mean.length; i++) {
      mean[i] = random.nextGaussian();
      m2[i] = random.nextDouble() * 100;
    }
    doubles.put("norm.mean", mean);
    doubles.put("norm.m2", m2);
    if (spec.task() == ModelSpec.Task.REGRESSION && spec.standardize()) {
      // Target statistics, as the engine keeps them for such a model (written as format 2).
      double[] targetMean = new double[spec.outputs()];
      double[] targetM2 = new double[spec.outputs()];
      for (int t = 0; t < spec.outputs(); t++) {
        targetMean[t] = random.nextGaussian() * 100;
        targetM2[t] = random.nextDouble() * 1e4;
      }
      doubles.put("target.count", new double[] {1200});
      doubles.put("target.mean", targetMean);
      doubles.put("target.m2", targetM2);
    }

    Map<String, Long> longs = new LinkedHashMap<>();
    longs.put("rng", random.nextLong());
    longs.put("pending.count", (long) pendingRows);
    longs.put("optim.steps", 77L);
    return new ModelState(spec, 5, 1234, 77, 2, floats, doubles, longs);
  }

  private static float[] put(Map<String, float[]> floats, String name, float[] values) {
    floats.put(name, values);
    return values;
  }

  private static float[] random(SplittableRandom random, int n) {
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = (float) random.nextGaussian();
    }
    return values;
  }
}
