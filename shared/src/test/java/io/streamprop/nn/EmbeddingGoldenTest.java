package io.streamprop.nn;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamprop.nn.EmbeddingBag.Columns;
import io.streamprop.nn.EmbeddingBag.Mode;
import io.streamprop.nn.optim.GradientClipping;
import io.streamprop.nn.optim.Optimizer;
import io.streamprop.nn.optim.OptimizerState;
import io.streamprop.nn.optim.Optimizers;
import io.streamprop.nn.optim.TouchedRows;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Two embedding tables (a MEAN and a SUM bag) beside numeric inputs, a small head and softmax
 * cross-entropy, four steps against PyTorch 1.13: each step's loss, every raw gradient (the tables'
 * as dense arrays, and the rows they touched), the global norm, and every parameter after the lazy
 * table update (SparseAdam, sparse SGD, sparse Adagrad) and the head's dense update; then the
 * tables' optimizer state. Rows no step touches keep their initial bits. Vectors from {@code
 * shared/src/test/python/embedding_golden.py}.
 */
class EmbeddingGoldenTest {

  static JsonNode golden() {
    try (InputStream in = EmbeddingGoldenTest.class.getResourceAsStream("/golden/embedding.json")) {
      if (in == null) {
        throw new IllegalStateException("golden/embedding.json missing from test resources");
      }
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Stream<Arguments> cases() {
    JsonNode golden = golden();
    List<Arguments> out = new ArrayList<>();
    for (JsonNode c : golden.get("cases")) {
      out.add(Arguments.of(Named.of(c.get("name").asText(), c), golden));
    }
    return out.stream();
  }

  @ParameterizedTest
  @MethodSource("cases")
  void fourSteps_matchTorchLossGradientsAndParameters_untouchedRowsKeepTheirBits(
      JsonNode c, JsonNode golden) {
    ModelSpec spec = SpecJson.parse(c.get("spec").toString());
    int batch = spec.batchSize();
    int width = spec.inputs();
    int numeric = golden.get("numeric_columns").asInt();
    Mlp mlp = new Mlp(spec, batch);
    LossFunction loss = LossFunction.of(spec);
    String[] denseNames = TestData.parameterNames(mlp);
    JsonNode fieldsNode = golden.get("fields");
    int fields = fieldsNode.size();
    String[] fieldNames = new String[fields];
    EmbeddingBag[] tables = new EmbeddingBag[fields];
    Columns[] columns = new Columns[fields];
    for (int f = 0; f < fields; f++) {
      JsonNode field = fieldsNode.get(f);
      fieldNames[f] = field.get("name").asText();
      tables[f] =
          new EmbeddingBag(
              field.get("buckets").asInt(),
              field.get("dim").asInt(),
              Mode.valueOf(field.get("mode").asText().toUpperCase(Locale.ROOT)));
      columns[f] = new Columns(field.get("column").asInt(), width);
    }

    // One parameter list: the network's tensors, then the tables, as the learner would step them.
    int dense = mlp.parameters().length;
    float[][] params = new float[dense + fields][];
    float[][] grads = new float[dense + fields][];
    boolean[] decay = new boolean[dense + fields];
    TouchedRows[] rows = new TouchedRows[dense + fields];
    System.arraycopy(mlp.parameters(), 0, params, 0, dense);
    System.arraycopy(mlp.gradients(), 0, grads, 0, dense);
    System.arraycopy(mlp.decay(), 0, decay, 0, dense);
    for (int f = 0; f < fields; f++) {
      params[dense + f] = tables[f].weight();
      grads[dense + f] = tables[f].dWeight();
      rows[dense + f] = tables[f].touchedRows();
    }
    String[] names = new String[dense + fields];
    System.arraycopy(denseNames, 0, names, 0, dense);
    System.arraycopy(fieldNames, 0, names, dense, fields);
    JsonNode initial = c.get("initial");
    for (int p = 0; p < names.length; p++) {
      float[] values = GoldenVectors.floats(initial.get(names[p]));
      assertThat(values).as(names[p]).hasSize(params[p].length);
      System.arraycopy(values, 0, params[p], 0, values.length);
    }
    int[] sizes = new int[params.length];
    for (int p = 0; p < sizes.length; p++) {
      sizes[p] = params[p].length;
    }
    Optimizer optimizer = Optimizers.create(spec.optimizer(), sizes);
    boolean[][] everTouched = new boolean[fields][];
    for (int f = 0; f < fields; f++) {
      everTouched[f] = new boolean[tables[f].buckets()];
    }

    float[] input = new float[batch * width];
    float[] dLogits = new float[batch * mlp.outputWidth()];
    float[] dInput = new float[batch * width];
    JsonNode steps = c.get("steps");
    for (int s = 0; s < steps.size(); s++) {
      JsonNode step = steps.get(s);
      JsonNode data = golden.get("batches").get(s);
      String at = c.get("name").asText() + " step " + (s + 1) + " ";
      float[] x = GoldenVectors.floats(data.get("numeric"));
      for (int b = 0; b < batch; b++) {
        System.arraycopy(x, b * numeric, input, b * width, numeric);
      }
      int[][] ids = new int[fields][];
      int[][] offsets = new int[fields][];
      for (int f = 0; f < fields; f++) {
        JsonNode bags = data.get("fields").get(fieldNames[f]);
        ids[f] = ints(bags.get("ids"));
        offsets[f] = ints(bags.get("offsets"));
        tables[f].zeroGradients();
        tables[f].forward(ids[f], offsets[f], batch, input, columns[f]);
      }
      float[] labels = GoldenVectors.floats(data.get("labels"));
      double stepLoss = loss.forward(mlp.forward(input, batch, true, null), labels, batch, dLogits);
      assertThat(stepLoss)
          .as(at + "loss")
          .isCloseTo(step.get("loss").asDouble(), org.assertj.core.data.Offset.offset(1e-5));
      mlp.backward(dLogits, batch, dInput);
      for (int f = 0; f < fields; f++) {
        tables[f].backward(ids[f], offsets[f], batch, dInput, columns[f]);
        TouchedRows touched = tables[f].touchedRows();
        int[] listed = new int[touched.count()];
        for (int k = 0; k < listed.length; k++) {
          listed[k] = touched.row(k);
          everTouched[f][listed[k]] = true;
        }
        assertThat(listed)
            .as(at + fieldNames[f] + " touched rows")
            .containsExactly(ints(step.get("touched").get(fieldNames[f])));
      }
      for (int p = 0; p < names.length; p++) {
        GoldenVectors.assertClose(
            at + "d" + names[p], grads[p], GoldenVectors.floats(step.get("grads").get(names[p])));
      }
      double norm =
          spec.clipNorm() > 0
              ? GradientClipping.clipByGlobalNorm(grads, rows, spec.clipNorm())
              : GradientClipping.globalNorm(grads, rows);
      assertThat(norm)
          .as(at + "global norm")
          .isCloseTo(step.get("norm").asDouble(), org.assertj.core.data.Offset.offset(1e-5));
      assertThat(spec.clipNorm() > 0 && norm > spec.clipNorm())
          .as(at + "clipped")
          .isEqualTo(step.get("clipped").asBoolean());

      float[][] before = new float[fields][];
      for (int f = 0; f < fields; f++) {
        before[f] = tables[f].weight().clone();
      }
      optimizer.step(params, grads, decay, rows, (float) step.get("learning_rate").asDouble());
      for (int p = 0; p < names.length; p++) {
        GoldenVectors.assertClose(
            at + names[p] + " after the step",
            params[p],
            GoldenVectors.floats(step.get("after").get(names[p])));
      }
      for (int f = 0; f < fields; f++) {
        assertUntouchedRowsKeptTheirBits(
            at + fieldNames[f], tables[f], before[f], tables[f].touchedRows());
      }
    }

    // The tables' state after the last step; rows never touched still hold their initial zeros.
    OptimizerState state = optimizer.state();
    JsonNode torchState = c.get("final_state");
    List<String> expectedKeys = new ArrayList<>();
    torchState.fieldNames().forEachRemaining(expectedKeys::add);
    List<String> keys = new ArrayList<>();
    for (int f = 0; f < fields; f++) {
      for (String slot : state.slots()) {
        String key = fieldNames[f] + "." + slot;
        keys.add(key);
        float[] moment = state.moment(dense + f, slot);
        GoldenVectors.assertClose(
            "state " + key, moment, GoldenVectors.floats(torchState.get(key)));
        int dim = tables[f].dim();
        for (int r = 0; r < tables[f].buckets(); r++) {
          if (!everTouched[f][r]) {
            for (int d = 0; d < dim; d++) {
              assertThat(moment[r * dim + d]).as("state %s row %d never touched", key, r).isZero();
            }
          }
        }
      }
    }
    assertThat(keys).containsExactlyElementsOf(expectedKeys);
    for (int f = 0; f < fields; f++) {
      float[] start = GoldenVectors.floats(initial.get(fieldNames[f]));
      int dim = tables[f].dim();
      int untouched = 0;
      for (int r = 0; r < tables[f].buckets(); r++) {
        if (!everTouched[f][r]) {
          untouched++;
          for (int d = 0; d < dim; d++) {
            assertThat(tables[f].weight()[r * dim + d])
                .as("%s row %d never touched", fieldNames[f], r)
                .isEqualTo(start[r * dim + d]);
          }
        }
      }
      assertThat(untouched).as(fieldNames[f] + " rows no step touches").isPositive();
    }
  }

  private static void assertUntouchedRowsKeptTheirBits(
      String what, EmbeddingBag table, float[] before, TouchedRows touched) {
    int dim = table.dim();
    for (int r = 0; r < table.buckets(); r++) {
      if (!touched.contains(r)) {
        for (int d = 0; d < dim; d++) {
          assertThat(Float.floatToRawIntBits(table.weight()[r * dim + d]))
              .as("%s row %d, untouched this step", what, r)
              .isEqualTo(Float.floatToRawIntBits(before[r * dim + d]));
        }
      }
    }
  }

  private static int[] ints(JsonNode array) {
    int[] values = new int[array.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = array.get(i).asInt();
    }
    return values;
  }
}
