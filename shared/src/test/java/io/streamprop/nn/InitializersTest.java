package io.streamprop.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Initialization scales: {@code auto} gives hidden layers He (ReLU family) or Xavier (otherwise)
 * and the linear output layer variance 1/(3·fanIn); explicit schemes apply to every layer. Layers
 * are wide enough (thousands of draws) that the sample variance is within a few percent of the
 * target.
 */
class InitializersTest {
  private static final long SEED = 42;

  private static Mlp initialized(String json) {
    Mlp mlp = new Mlp(SpecJson.parse(json.replace('\'', '"')), 1);
    mlp.initialize(new SplitMix64(SEED));
    return mlp;
  }

  private static double meanSquare(float[] w) {
    double sum = 0;
    for (float v : w) {
      sum += (double) v * v;
    }
    return sum / w.length;
  }

  private static double maxAbs(float[] w) {
    double max = 0;
    for (float v : w) {
      max = Math.max(max, Math.abs(v));
    }
    return max;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"relu", "gelu", "tanh", "sigmoid"})
  void auto_outputLayer_hasVarianceOneThirdOverFanIn(String activation) {
    Mlp mlp =
        initialized(
            "{'inputs': 300, 'classes': 40, 'hidden': [200], 'activation': '" + activation + "'}");

    double hidden = meanSquare(mlp.dense(0).weight());
    double output = meanSquare(mlp.dense(1).weight());

    boolean reluFamily = activation.equals("relu") || activation.equals("gelu");
    double hiddenVariance = reluFamily ? 2.0 / 300 : 2.0 / (300 + 200);
    assertThat(hidden / hiddenVariance).isCloseTo(1.0, within(0.05));
    assertThat(output / (1.0 / (3 * 200))).isCloseTo(1.0, within(0.05));
  }

  @Test
  void autoTanh_outputLayer_isPyTorchsUniformOnOneOverSqrtFanIn() {
    Mlp mlp =
        initialized("{'inputs': 8, 'task': 'regression', 'hidden': [400], 'activation': 'tanh'}");

    float[] output = mlp.dense(1).weight();

    assertThat(maxAbs(output)).isLessThanOrEqualTo(1 / Math.sqrt(400)).isGreaterThan(0.9 / 20);
  }

  /**
   * Explicit schemes are unchanged: He 2/fanIn, Xavier 2/(fanIn+fanOut) on the output layer too.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource({"he_normal, 0", "he_uniform, 0", "xavier_normal, 40", "xavier_uniform, 40"})
  void explicitScheme_outputLayer_keepsTheSchemesVariance(String init, int fanOutInDenominator) {
    Mlp mlp =
        initialized("{'inputs': 300, 'classes': 40, 'hidden': [200], 'init': '" + init + "'}");

    double output = meanSquare(mlp.dense(1).weight());

    assertThat(output / (2.0 / (200 + fanOutInDenominator))).isCloseTo(1.0, within(0.05));
  }

  /**
   * Auto scales the output layer without changing its distribution: the same generator draws as the
   * explicit scheme auto resolves to on hidden layers, so hidden weights and the generator state
   * after initialization are identical, and the output weights are the same draws scaled.
   */
  @ParameterizedTest(name = "{0} vs {1}")
  @CsvSource({"relu, he_normal, 6.0", "tanh, xavier_uniform, 0"})
  void auto_sameDrawsAsTheHiddenScheme_onlyTheOutputScaleDiffers(
      String activation, String scheme, double varianceRatio) {
    String base = "{'inputs': 5, 'classes': 3, 'hidden': [7, 6], 'activation': '" + activation;
    ModelSpec autoSpec = SpecJson.parse((base + "'}").replace('\'', '"'));
    ModelSpec explicitSpec =
        SpecJson.parse((base + "', 'init': '" + scheme + "'}").replace('\'', '"'));
    Mlp auto = new Mlp(autoSpec, 1);
    Mlp explicit = new Mlp(explicitSpec, 1);
    SplitMix64 autoRng = new SplitMix64(SEED);
    SplitMix64 explicitRng = new SplitMix64(SEED);

    auto.initialize(autoRng);
    explicit.initialize(explicitRng);

    assertThat(autoRng.state()).isEqualTo(explicitRng.state());
    assertThat(auto.dense(0).weight()).isEqualTo(explicit.dense(0).weight());
    assertThat(auto.dense(1).weight()).isEqualTo(explicit.dense(1).weight());
    float[] autoOut = auto.dense(2).weight();
    float[] explicitOut = explicit.dense(2).weight();
    // explicit variance over auto's: He 2/6 vs 1/18 (ratio 6); Xavier 2/(6+3) vs 1/18 (ratio 4).
    double ratio = varianceRatio > 0 ? varianceRatio : (2.0 / 9) / (1.0 / 18);
    for (int i = 0; i < autoOut.length; i++) {
      assertThat((double) autoOut[i])
          .isCloseTo(explicitOut[i] / Math.sqrt(ratio), within(1e-6 + 1e-6 * Math.abs(autoOut[i])));
    }
  }
}
