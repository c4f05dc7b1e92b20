package io.streamprop.nn;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamprop.nn.EmbeddingBag.Columns;
import io.streamprop.nn.EmbeddingBag.Mode;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Central-difference gradient checks of the embedding bag's backward pass, alone and feeding a
 * network through its input gradient ({@link Mlp#backward(float[], int, float[])}), in both modes,
 * with repeated ids in a bag, empty bags, and rows no bag uses (whose gradient must be exactly 0).
 */
class EmbeddingBagGradientTest {
  private static final int B = 4;
  // bags: [2, 5, 2], [], [0, 0, 0, 1], [5]; rows 3, 4 and 6 unused
  private static final int[] IDS = {2, 5, 2, 0, 0, 0, 1, 5};
  private static final int[] OFFSETS = {0, 3, 3, 7, 8};

  /**
   * objective = Σ_b Σ_d c[b, d] · out[b, d] + ½ · Σ out², so ∂objective/∂out = c + out: a smooth
   * function of every output, read from columns [2, 5) of rows of width 6.
   */
  @ParameterizedTest
  @EnumSource(Mode.class)
  void weightGradient_matchesCentralDifferences(Mode mode) {
    EmbeddingBag bag = new EmbeddingBag(7, 3, mode);
    bag.initialize(new SplitMix64(3));
    Columns columns = new Columns(2, 6);
    float[] c = TestData.uniform(B * 6, -1, 1, 11);
    float[] out = new float[B * 6];
    bag.forward(IDS, OFFSETS, B, out, columns);
    float[] dOut = new float[B * 6];
    for (int i = 0; i < dOut.length; i++) {
      dOut[i] = c[i] + out[i];
    }
    bag.zeroGradients();
    bag.backward(IDS, OFFSETS, B, dOut, columns);
    float[] analytic = bag.dWeight().clone();
    for (int row : new int[] {3, 4, 6}) {
      for (int d = 0; d < 3; d++) {
        assertThat(analytic[row * 3 + d]).as("unused row %d", row).isZero();
      }
    }
    GradientChecker.standard()
        .check(
            "embedding." + mode + ".weight",
            bag.weight(),
            analytic,
            () -> {
              float[] y = new float[B * 6];
              bag.forward(IDS, OFFSETS, B, y, columns);
              double sum = 0;
              for (int b = 0; b < B; b++) {
                for (int d = 2; d < 5; d++) {
                  double v = y[b * 6 + d];
                  sum += c[b * 6 + d] * v + 0.5 * v * v;
                }
              }
              return sum;
            });
  }

  /**
   * Two tables (tokens MEAN, category SUM) beside two numeric inputs, a tanh network, softmax
   * cross-entropy: the tables' gradients through the network's dInput, and dInput itself, against
   * central differences of the loss.
   */
  @ParameterizedTest
  @EnumSource(Mode.class)
  void tablesBehindANetwork_matchCentralDifferencesOfTheLoss(Mode tokensMode) {
    ModelSpec spec =
        SpecJson.parse(
            "{\"inputs\": 7, \"classes\": 3, \"hidden\": [5], \"activation\": \"tanh\","
                + " \"loss\": \"softmax_cross_entropy\"}");
    Mlp mlp = new Mlp(spec, B);
    mlp.initialize(new SplitMix64(17));
    LossFunction loss = LossFunction.of(spec);
    EmbeddingBag tokens = new EmbeddingBag(7, 3, tokensMode);
    tokens.initialize(new SplitMix64(4));
    EmbeddingBag category = new EmbeddingBag(4, 2, Mode.SUM);
    category.initialize(new SplitMix64(5));
    Columns tokenColumns = new Columns(2, 7);
    Columns categoryColumns = new Columns(5, 7);
    int[] categoryIds = {3, 1, 3};
    int[] categoryOffsets = {0, 1, 1, 2, 3}; // example 1 has no category
    float[] numeric = TestData.uniform(B * 2, -2, 2, 31);
    float[] labels = {0, 2, 1, 2};
    float[] input = new float[B * 7];

    Runnable assemble =
        () -> {
          for (int b = 0; b < B; b++) {
            input[b * 7] = numeric[b * 2];
            input[b * 7 + 1] = numeric[b * 2 + 1];
          }
          tokens.forward(IDS, OFFSETS, B, input, tokenColumns);
          category.forward(categoryIds, categoryOffsets, B, input, categoryColumns);
        };
    assemble.run();
    float[] dLogits = new float[B * 3];
    loss.forward(mlp.forward(input, B, true, null), labels, B, dLogits);
    float[] dInput = new float[B * 7];
    mlp.backward(dLogits, B, dInput);
    tokens.zeroGradients();
    category.zeroGradients();
    tokens.backward(IDS, OFFSETS, B, dInput, tokenColumns);
    category.backward(categoryIds, categoryOffsets, B, dInput, categoryColumns);

    GradientChecker checker = GradientChecker.standard();
    checker.check(
        "input",
        input,
        dInput.clone(),
        () -> loss.forward(mlp.forward(input, B, true, null), labels, B, null));
    java.util.function.DoubleSupplier objective =
        () -> {
          assemble.run();
          return loss.forward(mlp.forward(input, B, true, null), labels, B, null);
        };
    checker.check("tokens.weight", tokens.weight(), tokens.dWeight().clone(), objective);
    checker.check("category.weight", category.weight(), category.dWeight().clone(), objective);
  }
}
