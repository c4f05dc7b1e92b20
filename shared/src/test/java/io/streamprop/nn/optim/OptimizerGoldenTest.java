package io.streamprop.nn.optim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.ModelSpec.OptimizerName;
import io.streamprop.spec.SpecJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every optimizer against PyTorch 1.13: the same initial weights, gradients and per-step learning
 * rates, then the parameters after each of five steps, and the optimizer state after the last, must
 * agree to float32 precision. The vectors come from {@code src/test/python/optim_golden.py}.
 */
class OptimizerGoldenTest {

  /** Parsed golden file; shared by the schedule and clipping tests. */
  static JsonNode golden() {
    try (InputStream in = OptimizerGoldenTest.class.getResourceAsStream("/golden/optim.json")) {
      if (in == null) {
        throw new IllegalStateException("golden/optim.json missing from test resources");
      }
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static float[] floats(JsonNode array) {
    float[] out = new float[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) array.get(i).asDouble();
    }
    return out;
  }

  static float[][] tensors(JsonNode arrays) {
    float[][] out = new float[arrays.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = floats(arrays.get(i));
    }
    return out;
  }

  /**
   * Float32 agreement: within 4 units in the last place of the larger of |expected| and 1 (the
   * parameters are of order 1, so an update that cancels most of a parameter still carries the
   * rounding of numbers of order 1). PyTorch's vectorized kernels may fuse a multiply-add where
   * Java rounds twice; a wrong formula misses by many orders of magnitude more.
   */
  static void assertFloat32Close(float[] actual, float[] expected, String what) {
    assertThat(actual).as(what + " length").hasSameSizeAs(expected);
    for (int i = 0; i < expected.length; i++) {
      float tolerance = 4 * Math.ulp(Math.max(Math.abs(expected[i]), 1f));
      assertThat(Math.abs(actual[i] - expected[i]))
          .as("%s[%d]: java %s, torch %s", what, i, actual[i], expected[i])
          .isLessThanOrEqualTo(tolerance);
    }
  }

  static Stream<Arguments> cases() {
    JsonNode optimizers = golden().get("optimizers");
    List<Arguments> out = new ArrayList<>();
    for (JsonNode c : optimizers.get("cases")) {
      JsonNode s = c.get("spec");
      String label =
          s.get("name").asText()
              + " lr="
              + s.get("learning_rate").asDouble()
              + " wd="
              + s.get("weight_decay").asDouble()
              + " rho="
              + s.get("rho").asDouble()
              + " eps="
              + s.get("epsilon").asDouble();
      out.add(Arguments.of(Named.of(label, c), optimizers));
    }
    return out.stream();
  }

  /**
   * The cases cover every optimizer a spec can name, each with and without weight decay: a new
   * {@link OptimizerName} fails here until optim_golden.py gives it golden vectors.
   */
  @Test
  void goldenCases_coverEveryOptimizerTheSpecAccepts_withAndWithoutWeightDecay() {
    Map<OptimizerName, Set<Boolean>> covered = new EnumMap<>(OptimizerName.class);
    for (JsonNode c : golden().get("optimizers").get("cases")) {
      JsonNode s = c.get("spec");
      // Read through the spec parser: the case's name must be one a spec accepts.
      ModelSpec spec =
          SpecJson.parse(
              "{\"inputs\": 2, \"classes\": 2, \"optimizer\": \"" + s.get("name").asText() + "\"}");
      covered
          .computeIfAbsent(spec.optimizer().name(), name -> new TreeSet<>())
          .add(s.get("weight_decay").asDouble() > 0);
    }
    Map<OptimizerName, Set<Boolean>> expected = new EnumMap<>(OptimizerName.class);
    for (OptimizerName name : OptimizerName.values()) {
      expected.put(name, Set.of(false, true));
    }
    assertThat(covered).isEqualTo(expected);
  }

  @ParameterizedTest
  @MethodSource("cases")
  void optimizer_fiveStepsOfTorchGradients_matchesTorchParamsAfterEveryStep(
      JsonNode c, JsonNode optimizers) {
    JsonNode s = c.get("spec");
    var spec =
        TestSpecs.optimizer(OptimizerName.valueOf(s.get("name").asText().toUpperCase(Locale.ROOT)))
            .learningRate(s.get("learning_rate").asDouble())
            .momentum(s.get("momentum").asDouble())
            .beta1(s.get("beta1").asDouble())
            .beta2(s.get("beta2").asDouble())
            .rho(s.get("rho").asDouble())
            .epsilon(s.get("epsilon").asDouble())
            .weightDecay(s.get("weight_decay").asDouble())
            .build();
    float[][] params = tensors(optimizers.get("initial"));
    boolean[] decay = new boolean[params.length];
    for (int i = 0; i < decay.length; i++) {
      decay[i] = optimizers.get("decay").get(i).asBoolean();
    }
    Optimizer optimizer = Optimizers.create(spec, new int[] {params[0].length, params[1].length});

    JsonNode lrs = c.get("learning_rates");
    JsonNode after = c.get("params_after_step");
    for (int step = 0; step < after.size(); step++) {
      float[][] grads = tensors(optimizers.get("grads").get(step));
      optimizer.step(params, grads, decay, (float) lrs.get(step).asDouble());
      float[][] expected = tensors(after.get(step));
      assertFloat32Close(params[0], expected[0], "weight after step " + (step + 1));
      assertFloat32Close(params[1], expected[1], "bias after step " + (step + 1));
    }
    assertThat(optimizer.steps()).isEqualTo(after.size());

    // The state under PyTorch's names mapped to ours (exp_avg → m, momentum_buffer → velocity …).
    JsonNode torchState = c.get("final_state");
    OptimizerState state = optimizer.state();
    Map<String, float[]> named =
        new LinkedHashMap<>(); // "<tensor>.<slot>", as golden.py names them
    for (int p = 0; p < state.tensors(); p++) {
      for (String slot : state.slots()) {
        named.put(p + "." + slot, state.moment(p, slot));
      }
    }
    List<String> torchNames = new ArrayList<>();
    torchState.fieldNames().forEachRemaining(torchNames::add);
    assertThat(named.keySet()).containsExactlyElementsOf(torchNames);
    named.forEach((name, values) -> assertStateClose(values, floats(torchState.get(name)), name));
  }

  /**
   * State agreement: 4 float32 ulps of each value, plus a millionth of the array's largest
   * magnitude for entries where a sign change cancelled most of a moving average.
   */
  static void assertStateClose(float[] actual, float[] expected, String what) {
    assertThat(actual).as(what + " length").hasSameSizeAs(expected);
    float largest = 0;
    for (float e : expected) {
      largest = Math.max(largest, Math.abs(e));
    }
    for (int i = 0; i < expected.length; i++) {
      float tolerance = 4 * Math.ulp(expected[i]) + 1e-6f * largest;
      assertThat(Math.abs(actual[i] - expected[i]))
          .as("state %s[%d]: java %s, torch %s", what, i, actual[i], expected[i])
          .isLessThanOrEqualTo(tolerance);
    }
  }
}
