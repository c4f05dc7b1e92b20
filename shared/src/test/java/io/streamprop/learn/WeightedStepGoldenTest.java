package io.streamprop.learn;

import static io.streamprop.nn.GoldenVectors.assertClose;
import static io.streamprop.nn.GoldenVectors.floats;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Weighted learner steps against PyTorch 1.13 ({@code golden/weighted.json}, written by {@code
 * src/test/python/weighted_golden.py}): softmax cross-entropy with explicit class weights given by
 * class name and with balanced class weights, binary cross-entropy with explicit class weights, MSE
 * and Huber, every case with example weights of 0, fractions and more than 1. PyTorch computes Σᵢ
 * ωᵢ·lossᵢ / B with {@code reduction='none'}; the generator checks that the unweighted loss and the
 * Σ ωᵢ divisor both miss the golden weights by far, so this test pins the weighting and the
 * divisor. The optimizer is SGD, which moves each weight by its gradient (Adam would hide a wrong
 * scale).
 */
class WeightedStepGoldenTest {

  static JsonNode golden() {
    try (InputStream in =
        WeightedStepGoldenTest.class.getResourceAsStream("/golden/weighted.json")) {
      if (in == null) {
        throw new IllegalStateException("golden/weighted.json missing from test resources");
      }
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Stream<String> cases() {
    List<String> names = new ArrayList<>();
    golden().get("cases").forEach(c -> names.add(c.get("name").asText()));
    return names.stream();
  }

  private static JsonNode goldenCase(String name) {
    for (JsonNode c : golden().get("cases")) {
      if (c.get("name").asText().equals(name)) {
        return c;
      }
    }
    throw new IllegalArgumentException(name);
  }

  @ParameterizedTest
  @MethodSource("cases")
  void weightedMiniBatches_matchPyTorch(String name) {
    JsonNode golden = goldenCase(name);
    ModelSpec spec = SpecJson.parse(golden.get("spec").toString());
    int inputs = spec.inputs();
    int labelWidth = spec.task() == ModelSpec.Task.REGRESSION ? spec.outputs() : 1;
    int batch = spec.batchSize();
    float[] features = floats(golden.get("features"));
    float[] labels = floats(golden.get("labels"));
    float[] weights = floats(golden.get("weights"));
    OnlineLearner learner = OnlineLearner.create(spec);

    Map<String, float[]> initial = LearnerStepGoldenTest.weights(learner);
    initial.forEach(
        (n, values) ->
            assertThat(values).as(n).containsExactly(floats(golden.get("initial").get(n))));

    JsonNode steps = golden.get("steps");
    for (int step = 0; step < steps.size(); step++) {
      JsonNode expected = steps.get(step);
      String at = name + " step " + (step + 1);
      StepResult result = null;
      for (int row = step * batch; row < (step + 1) * batch; row++) {
        float[] x = new float[inputs];
        System.arraycopy(features, row * inputs, x, 0, inputs);
        float[] y = new float[labelWidth];
        System.arraycopy(labels, row * labelWidth, y, 0, labelWidth);
        result = learner.learn(x, y, weights[row]);
      }
      assertThat(result).as(at + " ran").isNotNull();
      assertThat(result.skipped()).as(at + " skipped").isFalse();
      // The prequential loss is unweighted: how well the model did on every example.
      assertClose(
          at + " unweighted loss before the update",
          new float[] {(float) (result.lossSum() / result.examples())},
          new float[] {(float) expected.get("loss").asDouble()});
      JsonNode params = expected.get("params");
      LearnerStepGoldenTest.weights(learner)
          .forEach((n, values) -> assertClose(at + " " + n, values, floats(params.get(n))));
    }
  }

  @ParameterizedTest
  @MethodSource("cases")
  void lossWeights_exampleTimesClassWeight_bitForBitAsTheGenerator(String name) {
    JsonNode golden = goldenCase(name);
    ModelSpec spec = SpecJson.parse(golden.get("spec").toString());
    int labelWidth = spec.task() == ModelSpec.Task.REGRESSION ? spec.outputs() : 1;
    int batch = spec.batchSize();
    float[] labels = floats(golden.get("labels"));
    float[] weights = floats(golden.get("weights"));
    LossWeights lossWeights = new LossWeights(spec);
    JsonNode steps = golden.get("steps");
    for (int step = 0; step < steps.size(); step++) {
      float[] batchLabels = new float[batch * labelWidth];
      System.arraycopy(labels, step * batch * labelWidth, batchLabels, 0, batchLabels.length);
      for (int i = 0; i < batch; i++) {
        lossWeights.observe(new float[] {batchLabels[i * labelWidth]});
      }
      float[] batchWeights = new float[batch];
      System.arraycopy(weights, step * batch, batchWeights, 0, batch);
      float[] omega = lossWeights.forBatch(batchLabels, batchWeights, batch);
      assertThat(omega)
          .as(name + " step " + (step + 1) + " loss weights")
          .containsExactly(floats(steps.get(step).get("loss_weights")));
    }
  }
}
