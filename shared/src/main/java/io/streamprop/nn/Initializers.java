package io.streamprop.nn;

import io.streamprop.spec.ModelSpec;

/**
 * Weight initialization from a seeded generator passed in. Xavier/Glorot (Glorot and Bengio 2010,
 * "Understanding the difficulty of training deep feedforward neural networks"): variance
 * 2/(fanIn+fanOut); He/Kaiming (He et al. 2015, "Delving Deep into Rectifiers"): variance 2/fanIn.
 * Uniform variants draw from [-a, a] with a = sqrt(3·variance). {@code AUTO} picks He for the ReLU
 * family (relu, leaky relu, elu, gelu) and Xavier otherwise. Biases start at zero.
 */
public final class Initializers {
  private Initializers() {}

  /** The concrete scheme {@code AUTO} resolves to for an activation. */
  public static ModelSpec.Init resolve(ModelSpec.Init init, ModelSpec.Activation activation) {
    if (init != ModelSpec.Init.AUTO) {
      return init;
    }
    return switch (activation) {
      case RELU, LEAKY_RELU, ELU, GELU -> ModelSpec.Init.HE_NORMAL;
      case IDENTITY, SIGMOID, TANH -> ModelSpec.Init.XAVIER_UNIFORM;
    };
  }

  /** Fills a (fanIn, fanOut) weight array in row-major order from {@code rng}. */
  public static void fill(
      float[] weight, int fanIn, int fanOut, ModelSpec.Init init, SplitMix64 rng) {
    if (init == ModelSpec.Init.AUTO) {
      throw new IllegalArgumentException("resolve AUTO before filling (see resolve)");
    }
    boolean he = init == ModelSpec.Init.HE_UNIFORM || init == ModelSpec.Init.HE_NORMAL;
    double variance = he ? 2.0 / fanIn : 2.0 / (fanIn + fanOut);
    boolean uniform = init == ModelSpec.Init.HE_UNIFORM || init == ModelSpec.Init.XAVIER_UNIFORM;
    if (uniform) {
      double a = Math.sqrt(3.0 * variance);
      for (int i = 0; i < weight.length; i++) {
        weight[i] = (float) ((2.0 * rng.nextDouble() - 1.0) * a);
      }
    } else {
      double std = Math.sqrt(variance);
      for (int i = 0; i < weight.length; i++) {
        weight[i] = (float) (rng.nextGaussian() * std);
      }
    }
  }
}
