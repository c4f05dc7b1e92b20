package io.streamprop.nn;

import static io.streamprop.nn.GoldenVectors.ABS;
import static io.streamprop.nn.GoldenVectors.REL;
import static io.streamprop.nn.GoldenVectors.assertClose;
import static io.streamprop.nn.GoldenVectors.floats;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The engine against PyTorch: forward outputs, loss and every gradient of the nets in {@code
 * golden/engine.json} (written by {@code shared/src/test/python/golden.py}), including batch-norm
 * running statistics and inference-mode outputs. Agreement is to float32 precision: |java - torch|
 * ≤ 2e-5 + 2e-5·|torch| (sums run in different orders, so bits may differ).
 */
class EngineGoldenTest {

  static Stream<JsonNode> cases() throws IOException {
    try (InputStream in = EngineGoldenTest.class.getResourceAsStream("/golden/engine.json")) {
      JsonNode root = new ObjectMapper().readTree(in);
      List<JsonNode> cases = new ArrayList<>();
      root.get("cases").forEach(cases::add);
      return cases.stream();
    }
  }

  @Test
  void goldenFile_coversEveryActivationLossAndBatchNorm() throws IOException {
    List<JsonNode> all = cases().toList();
    assertThat(all.stream().map(c -> c.get("spec").get("activation").asText()).distinct())
        .containsExactlyInAnyOrder(
            "identity", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "gelu");
    assertThat(all.stream().map(c -> c.get("spec").get("loss").asText()).distinct())
        .containsExactlyInAnyOrder("mse", "huber", "binary_cross_entropy", "softmax_cross_entropy");
    assertThat(all.stream().filter(c -> c.get("spec").get("batch_norm").asBoolean())).hasSize(3);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void forwardLossAndGradients_matchPyTorch(JsonNode golden) {
    String name = golden.get("name").asText();
    ModelSpec spec = SpecJson.parse(golden.get("spec").toString());
    int batch = golden.get("batch").asInt();
    Mlp mlp = new Mlp(spec, batch);
    float[][] params = mlp.parameters();
    String[] names = TestData.parameterNames(mlp);
    for (int p = 0; p < params.length; p++) {
      float[] values = floats(golden.get("params").get(names[p]));
      assertThat(values).as(name + " " + names[p] + " length").hasSize(params[p].length);
      System.arraycopy(values, 0, params[p], 0, values.length);
    }
    float[] input = floats(golden.get("input"));
    float[] labels = floats(golden.get("labels"));

    float[] logits = mlp.forward(input, batch, true, new SplitMix64(0));
    assertClose(name + " logits", logits, floats(golden.get("logits")));
    LossFunction loss = LossFunction.of(spec);
    float[] dLogits = new float[batch * mlp.outputWidth()];
    double value = loss.forward(logits, labels, batch, dLogits);
    double expectedLoss = golden.get("loss").asDouble();
    assertThat(Math.abs(value - expectedLoss))
        .as("%s loss: java %s vs torch %s", name, value, expectedLoss)
        .isLessThanOrEqualTo(ABS + REL * Math.abs(expectedLoss));

    mlp.backward(dLogits, batch);
    for (int p = 0; p < params.length; p++) {
      assertClose(
          name + " ∂loss/∂" + names[p],
          mlp.gradients()[p],
          floats(golden.get("grads").get(names[p])));
    }

    if (golden.has("running")) {
      mlp.commitRunningStatistics();
      for (int l = 0; l < mlp.layers() - 1; l++) {
        BatchNorm bn = mlp.batchNorm(l);
        JsonNode running = golden.get("running");
        assertClose(
            name + " bn." + l + ".running_mean",
            bn.runningMean(),
            floats(running.get("bn." + l + ".running_mean")));
        assertClose(
            name + " bn." + l + ".running_var",
            bn.runningVar(),
            floats(running.get("bn." + l + ".running_var")));
      }
      float[] inference = mlp.forward(input, batch, false, null);
      assertClose(name + " inference logits", inference, floats(golden.get("inference_logits")));
      assertClose(
          name + " predictLogits",
          mlp.predictLogits(input, batch),
          floats(golden.get("inference_logits")));
    }
  }
}
