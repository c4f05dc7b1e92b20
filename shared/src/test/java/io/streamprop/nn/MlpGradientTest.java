package io.streamprop.nn;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whole-network gradient checks: the loss of a training forward against every parameter's gradient
 * from the backward pass, and against the input gradient that embedding tables read, for several
 * depths, smooth activations, every loss, batch norm and dropout (the dropout generator is
 * re-seeded for each evaluation so the mask is fixed).
 */
class MlpGradientTest {
  private static final int B = 5;

  static Stream<String> specs() {
    return Stream.of(
        "{'inputs': 4, 'classes': 3, 'hidden': [], 'loss': 'softmax_cross_entropy'}",
        "{'inputs': 4, 'classes': 3, 'hidden': [5], 'activation': 'tanh'}",
        "{'inputs': 4, 'classes': 3, 'hidden': [6, 5, 4], 'activation': 'sigmoid'}",
        // a wide first layer (8 outputs or more) takes the other dense kernels
        "{'inputs': 4, 'classes': 3, 'hidden': [9, 4], 'activation': 'tanh'}",
        "{'inputs': 4, 'classes': 2, 'hidden': [5, 4], 'activation': 'gelu',"
            + " 'loss': 'binary_cross_entropy'}",
        "{'inputs': 4, 'task': 'regression', 'targets': 2, 'hidden': [5, 3], 'activation': 'elu'}",
        "{'inputs': 4, 'task': 'regression', 'targets': 2, 'hidden': [5], 'activation': 'tanh',"
            + " 'loss': 'huber', 'huber_delta': 0.5}",
        "{'inputs': 4, 'classes': 3, 'hidden': [6, 4], 'activation': 'tanh', 'batch_norm': true}",
        "{'inputs': 4, 'task': 'regression', 'hidden': [5, 4], 'activation': 'gelu',"
            + " 'batch_norm': true}",
        "{'inputs': 4, 'classes': 3, 'hidden': [6, 5], 'activation': 'elu', 'dropout': 0.3}",
        "{'inputs': 4, 'classes': 3, 'hidden': [6, 5], 'activation': 'tanh', 'dropout': 0.2,"
            + " 'batch_norm': true}");
  }

  @ParameterizedTest
  @MethodSource("specs")
  void everyParameterGradient_matchesCentralDifferences(String json) {
    ModelSpec spec = SpecJson.parse(json.replace('\'', '"'));
    Mlp mlp = new Mlp(spec, B);
    mlp.initialize(new SplitMix64(17));
    float[][] params = mlp.parameters();
    String[] names = TestData.parameterNames(mlp);
    // Biases, gamma and beta away from their initial 0 and 1, so nothing sits at a special point.
    for (int p = 0; p < params.length; p++) {
      if (!names[p].endsWith(".weight")) {
        float[] noise = TestData.uniform(params[p].length, -0.3, 0.3, 100 + p);
        for (int i = 0; i < noise.length; i++) {
          params[p][i] += noise[i];
        }
      }
    }
    float[] x = TestData.uniform(B * spec.inputs(), -2, 2, 31);
    float[] labels = labels(spec);
    LossFunction loss = LossFunction.of(spec);
    float[] dLogits = new float[B * mlp.outputWidth()];
    float[] logits = mlp.forward(x, B, true, new SplitMix64(99));
    loss.forward(logits, labels, B, dLogits);
    mlp.backward(dLogits, B);
    float[][] analytic = new float[params.length][];
    for (int p = 0; p < params.length; p++) {
      analytic[p] = mlp.gradients()[p].clone();
    }
    // ε = 1e-3: batch norm over 5 examples curves the loss enough that the truncation error (which
    // scales with ε²) dominates larger steps. Worst relative error on the gelu + batch-norm
    // regression net: 8.5% at ε = 1e-2, 0.72% at 3e-3, 0.08% at 1e-3; at 3e-4 float rounding takes
    // over (4.9%). (Before auto scaled the output layer down, the same net showed 2.1%, 0.19%,
    // 0.02%.)
    GradientChecker checker = new GradientChecker(1e-3, 5e-3, 1e-4);
    for (int p = 0; p < params.length; p++) {
      checker.check(
          names[p],
          params[p],
          analytic[p],
          () -> loss.forward(mlp.forward(x, B, true, new SplitMix64(99)), labels, B, null));
    }
  }

  /**
   * ∂loss/∂input from {@link Mlp#backward(float[], int, float[])} against central differences over
   * every input element, and the parameters' gradients the same bits as the plain backward's.
   */
  @ParameterizedTest
  @MethodSource("specs")
  void inputGradient_matchesCentralDifferences_parameterGradientsUnchanged(String json) {
    ModelSpec spec = SpecJson.parse(json.replace('\'', '"'));
    Mlp mlp = new Mlp(spec, B);
    mlp.initialize(new SplitMix64(17));
    float[] x = TestData.uniform(B * spec.inputs(), -2, 2, 31);
    float[] labels = labels(spec);
    LossFunction loss = LossFunction.of(spec);
    float[] dLogits = new float[B * mlp.outputWidth()];
    loss.forward(mlp.forward(x, B, true, new SplitMix64(99)), labels, B, dLogits);
    mlp.backward(dLogits, B);
    float[][] plain = new float[mlp.parameters().length][];
    for (int p = 0; p < plain.length; p++) {
      plain[p] = mlp.gradients()[p].clone();
    }
    loss.forward(mlp.forward(x, B, true, new SplitMix64(99)), labels, B, dLogits);
    float[] dInput = new float[B * spec.inputs()];
    java.util.Arrays.fill(dInput, Float.NaN); // overwritten, never accumulated into
    mlp.backward(dLogits, B, dInput);
    for (int p = 0; p < plain.length; p++) {
      assertThat(mlp.gradients()[p]).as("gradient %d", p).isEqualTo(plain[p]);
    }
    new GradientChecker(1e-3, 5e-3, 1e-4)
        .check(
            "input",
            x,
            dInput,
            () -> loss.forward(mlp.forward(x, B, true, new SplitMix64(99)), labels, B, null));
  }

  private static float[] labels(ModelSpec spec) {
    if (spec.task() == ModelSpec.Task.REGRESSION) {
      return TestData.uniform(B * spec.outputs(), -2, 2, 41);
    }
    float[] labels = new float[B];
    for (int b = 0; b < B; b++) {
      labels[b] = b % spec.outputs();
    }
    return labels;
  }
}
