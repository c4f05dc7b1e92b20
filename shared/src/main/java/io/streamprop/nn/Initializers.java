package io.streamprop.nn;

import io.streamprop.spec.ModelSpec;

/**
 * Weight initialization from a seeded generator passed in. Xavier/Glorot (Glorot and Bengio 2010,
 * "Understanding the difficulty of training deep feedforward neural networks"): variance
 * 2/(fanIn+fanOut); He/Kaiming (He et al. 2015, "Delving Deep into Rectifiers"): variance 2/fanIn.
 * Uniform variants draw from [-a, a] with a = sqrt(3·variance). Biases start at zero.
 *
 * <p>An explicit scheme applies to every dense layer. {@code AUTO} picks per layer: hidden layers
 * get He normal under the ReLU family (relu, leaky relu, elu, gelu) and Xavier uniform otherwise
 * ({@link #resolve}); the output layer, which is linear (no activation after it, its values are
 * logits or standardized regression targets), gets the smaller variance 1/(3·fanIn) ({@link
 * #AUTO_OUTPUT_GAIN}), that of PyTorch's {@code nn.Linear} default (uniform ±1/√fanIn, i.e. Kaiming
 * uniform with a = √5). He's 2/fanIn there starts a regression model's predictions about one target
 * standard deviation away from the mean, and a single pass does not fully recover from it; measured
 * in {@code docs/learning-quality.md} ("Initialization of the output layer"). The output layer
 * keeps the hidden scheme's distribution (normal under He, uniform under Xavier), so every layer
 * takes the same number of generator draws whatever its scheme: only a scale changes.
 */
public final class Initializers {
  /**
   * Variance of {@code AUTO}'s output layer in units of 1/fanIn: 1/3, PyTorch's {@code nn.Linear}
   * default (a uniform on ±1/√fanIn has variance 1/(3·fanIn)).
   */
  public static final double AUTO_OUTPUT_GAIN = 1.0 / 3.0;

  private Initializers() {}

  /** The concrete scheme {@code AUTO} resolves to for a hidden layer with this activation. */
  public static ModelSpec.Init resolve(ModelSpec.Init init, ModelSpec.Activation activation) {
    if (init != ModelSpec.Init.AUTO) {
      return init;
    }
    return switch (activation) {
      case RELU, LEAKY_RELU, ELU, GELU -> ModelSpec.Init.HE_NORMAL;
      case IDENTITY, SIGMOID, TANH -> ModelSpec.Init.XAVIER_UNIFORM;
    };
  }

  /**
   * Fills one dense layer's (fanIn, fanOut) weights in row-major order from {@code rng} under the
   * spec's {@code init} ({@code AUTO} allowed): the resolved scheme on hidden layers, and under
   * {@code AUTO} variance {@link #AUTO_OUTPUT_GAIN}/fanIn on the output layer.
   */
  public static void fillLayer(
      float[] weight,
      int fanIn,
      int fanOut,
      ModelSpec.Init init,
      ModelSpec.Activation activation,
      boolean outputLayer,
      SplitMix64 rng) {
    ModelSpec.Init scheme = resolve(init, activation);
    if (init == ModelSpec.Init.AUTO && outputLayer) {
      fill(weight, AUTO_OUTPUT_GAIN / fanIn, isUniform(scheme), rng);
    } else {
      fill(weight, fanIn, fanOut, scheme, rng);
    }
  }

  /** Fills a (fanIn, fanOut) weight array in row-major order from {@code rng}. */
  public static void fill(
      float[] weight, int fanIn, int fanOut, ModelSpec.Init init, SplitMix64 rng) {
    if (init == ModelSpec.Init.AUTO) {
      throw new IllegalArgumentException("resolve AUTO before filling (see resolve)");
    }
    boolean he = init == ModelSpec.Init.HE_UNIFORM || init == ModelSpec.Init.HE_NORMAL;
    fill(weight, he ? 2.0 / fanIn : 2.0 / (fanIn + fanOut), isUniform(init), rng);
  }

  private static boolean isUniform(ModelSpec.Init init) {
    return init == ModelSpec.Init.HE_UNIFORM || init == ModelSpec.Init.XAVIER_UNIFORM;
  }

  /**
   * Zero-mean draws of the given variance: uniform on [-a, a] with a = sqrt(3·variance), one draw
   * each, or normal with standard deviation sqrt(variance), two draws each (Box–Muller).
   */
  private static void fill(float[] weight, double variance, boolean uniform, SplitMix64 rng) {
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
