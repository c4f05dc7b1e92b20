package io.streamprop.bench;

import java.util.SplittableRandom;

/**
 * A pre-generated labelled dataset of standard-normal features and uniform class labels, so that
 * the timed loops do nothing but call the engine. Random data is what PyTorch's side uses too;
 * speed does not depend on what the data mean, only on the shapes.
 */
final class RandomDataset {
  /**
   * Examples per benchmark invocation: a multiple of every mini-batch size measured (1, 32, 256).
   */
  static final int EXAMPLES_PER_INVOCATION = 256;

  /** Distinct examples cycled through; several invocations' worth, so batches differ. */
  static final int SIZE = 16 * EXAMPLES_PER_INVOCATION;

  /** (SIZE) rows of (inputs) features each. */
  final float[][] features;

  /** (SIZE) labels: the class index as a float in a one-element array, as the engine takes it. */
  final float[][] labels;

  RandomDataset(EngineShape shape, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    features = new float[SIZE][shape.inputs()];
    labels = new float[SIZE][1];
    for (int row = 0; row < SIZE; row++) {
      for (int j = 0; j < shape.inputs(); j++) {
        features[row][j] = (float) gaussian(random);
      }
      labels[row][0] = random.nextInt(shape.classes());
    }
  }

  /**
   * The dataset cut into consecutive row-major chunks of {@code rows} examples each, shape (rows,
   * inputs), for {@code Predictor.predict}.
   */
  float[][] chunks(int rows) {
    int inputs = features[0].length;
    float[][] chunks = new float[SIZE / rows][rows * inputs];
    for (int row = 0; row < SIZE; row++) {
      System.arraycopy(features[row], 0, chunks[row / rows], (row % rows) * inputs, inputs);
    }
    return chunks;
  }

  /** Box–Muller; SplittableRandom has no nextGaussian on Java 17. */
  private static double gaussian(SplittableRandom random) {
    double u = 1.0 - random.nextDouble(); // in (0, 1], so the log is finite
    double v = random.nextDouble();
    return Math.sqrt(-2.0 * Math.log(u)) * Math.cos(2.0 * Math.PI * v);
  }
}
