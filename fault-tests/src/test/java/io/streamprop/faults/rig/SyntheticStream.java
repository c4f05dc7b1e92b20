package io.streamprop.faults.rig;

import io.streamprop.learn.OnlineLearner;
import io.streamprop.spec.ModelSpec;
import io.streamprop.wire.ExampleJson;
import java.util.Random;

/**
 * A classification stream made from a seed: {@code inputs} Gaussian features and the label of the
 * largest of {@code classes} fixed random projections, so the model has something to learn. Row
 * {@code i} is a pure function of (seed, i) through one generator walked in order; the stream is
 * materialised once so the offline reference sees exactly the rows that were sent.
 */
public final class SyntheticStream {
  private final int inputs;
  private final float[][] features;
  private final float[][] labels;

  public SyntheticStream(long seed, int inputs, int classes, int rows) {
    this.inputs = inputs;
    Random random = new Random(seed);
    // projection is (inputs, classes) row-major
    float[] projection = new float[inputs * classes];
    for (int i = 0; i < projection.length; i++) {
      projection[i] = (float) random.nextGaussian();
    }
    features = new float[rows][];
    labels = new float[rows][];
    for (int r = 0; r < rows; r++) {
      float[] x = new float[inputs];
      for (int i = 0; i < inputs; i++) {
        x[i] = (float) (random.nextGaussian() * (1 + i)) + i;
      }
      int best = 0;
      double bestScore = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < classes; c++) {
        double score = 0;
        for (int i = 0; i < inputs; i++) {
          score += (x[i] - i) / (1 + i) * projection[i * classes + c];
        }
        if (score > bestScore) {
          bestScore = score;
          best = c;
        }
      }
      features[r] = x;
      labels[r] = new float[] {best};
    }
  }

  public int size() {
    return features.length;
  }

  public int inputs() {
    return inputs;
  }

  public float[] features(int row) {
    return features[row];
  }

  public float label(int row) {
    return labels[row][0];
  }

  /** Row {@code row} as the JSON value of an examples record. */
  public byte[] json(int row) {
    return ExampleJson.writeBytes(features[row], labels[row], ModelSpec.Task.CLASSIFICATION);
  }

  /** The offline reference: a new model fed rows {@code [0, rows)} in order. */
  public OnlineLearner train(ModelSpec spec, int rows) {
    OnlineLearner learner = OnlineLearner.create(spec);
    for (int r = 0; r < rows; r++) {
      learner.learn(features[r], labels[r]);
    }
    return learner;
  }
}
