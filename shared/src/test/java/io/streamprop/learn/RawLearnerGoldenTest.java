package io.streamprop.learn;

import static io.streamprop.nn.GoldenVectors.assertClose;
import static io.streamprop.nn.GoldenVectors.floats;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamprop.features.FeatureLayout;
import io.streamprop.learn.state.DenseState;
import io.streamprop.learn.state.EmbeddingState;
import io.streamprop.learn.state.LayerState;
import io.streamprop.learn.state.ModelState;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Three learner steps on raw features against PyTorch 1.13 ({@code raw_learner_golden.py}): a
 * numeric feature with missing values (missing-aware standardization), a categorical and a token
 * bag (mean embedding bags), Linear + ReLU + Linear, mean softmax cross-entropy, clipping by the
 * global norm over the network and the tables' touched rows (two of the three steps clip, one of
 * them only because the tables count in the norm), Adam on the network and lazy (SparseAdam) on the
 * tables. Through the learner's public entry points: a model state holding PyTorch's initial
 * weights, {@code learn(dense, ids, label, weight)}, and the state after each step.
 */
class RawLearnerGoldenTest {

  private static JsonNode golden() throws IOException {
    try (InputStream in =
        RawLearnerGoldenTest.class.getResourceAsStream("/golden/raw_learner.json")) {
      return new ObjectMapper().readTree(in);
    }
  }

  @Test
  void threeRawSteps_matchPyTorch() throws IOException {
    JsonNode g = golden();
    ModelSpec spec = SpecJson.parse(g.get("spec").toString());
    FeatureLayout layout = spec.features().layout();
    assertThat(spec.inputs()).isEqualTo(9);
    assertThat(layout.denseWidth()).isEqualTo(2);
    assertThat(layout.embeddings().get(0).column()).isEqualTo(2);
    assertThat(layout.embeddings().get(1).column()).isEqualTo(5);
    OnlineLearner learner = OnlineLearner.restore(withWeights(spec, g.get("initial")));

    JsonNode examples = g.get("examples");
    int step = 0;
    for (int i = 0; i < examples.size(); i++) {
      JsonNode e = examples.get(i);
      float[] dense = new float[2];
      dense[0] =
          e.get("dense").get(0).isNull() ? Float.NaN : (float) e.get("dense").get(0).asDouble();
      dense[1] = (float) e.get("dense").get(1).asDouble();
      int[][] ids = new int[2][];
      for (int k = 0; k < 2; k++) {
        JsonNode bag = e.get("ids").get(k);
        ids[k] = new int[bag.size()];
        for (int j = 0; j < bag.size(); j++) {
          ids[k][j] = bag.get(j).asInt();
        }
      }
      StepResult result = learner.learn(dense, ids, new float[] {e.get("label").asInt()}, 1f);
      if (result == null) {
        continue;
      }
      JsonNode expected = g.get("steps").get(step);
      assertThat(result.lossSum() / 4)
          .as("step %d loss", step)
          .isCloseTo(
              expected.get("loss").asDouble(),
              within(2e-5 + 2e-5 * expected.get("loss").asDouble()));
      assertParameters("step " + step, learner.state(), expected.get("after"));
      step++;
    }
    assertThat(step).isEqualTo(3);
    JsonNode stats = g.get("statistics");
    ModelState state = learner.state();
    assertThat(state.inputNormalizer().columnCounts()[0]).isEqualTo(stats.get("count").asDouble());
    assertThat(state.inputNormalizer().mean()[0]).isEqualTo(stats.get("mean").asDouble());
    assertThat(state.inputNormalizer().m2()[0]).isEqualTo(stats.get("m2").asDouble());
  }

  /** A new model's state of the spec with the golden's initial weights in place of its own. */
  private static ModelState withWeights(ModelSpec spec, JsonNode weights) {
    ModelState s = OnlineLearner.create(spec).state();
    List<LayerState> layers =
        List.of(
            new LayerState(
                new DenseState(
                    floats(weights.get("dense.0.weight")), floats(weights.get("dense.0.bias"))),
                null),
            new LayerState(
                new DenseState(
                    floats(weights.get("dense.1.weight")), floats(weights.get("dense.1.bias"))),
                null));
    List<EmbeddingState> tables =
        List.of(
            new EmbeddingState(floats(weights.get("embedding.0.weight"))),
            new EmbeddingState(floats(weights.get("embedding.1.weight"))));
    return new ModelState(
        spec,
        s.counters(),
        layers,
        s.inputNormalizer(),
        s.targetNormalizer(),
        s.training(),
        s.carried(),
        tables);
  }

  private static void assertParameters(String what, ModelState state, JsonNode expected) {
    for (int l = 0; l < 2; l++) {
      DenseState dense = state.layers().get(l).dense();
      assertClose(
          what + " dense." + l + ".weight",
          dense.weight(),
          floats(expected.get("dense." + l + ".weight")));
      assertClose(
          what + " dense." + l + ".bias",
          dense.bias(),
          floats(expected.get("dense." + l + ".bias")));
    }
    for (int k = 0; k < 2; k++) {
      assertClose(
          what + " embedding." + k + ".weight",
          state.embeddings().get(k).weight(),
          floats(expected.get("embedding." + k + ".weight")));
    }
  }
}
