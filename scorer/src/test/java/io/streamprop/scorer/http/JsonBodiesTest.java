package io.streamprop.scorer.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamprop.scorer.registry.ServedModel;
import io.streamprop.spec.ModelSpec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The predict response written straight into bytes ({@link JsonBodies#predictions}) against the
 * same response written by Jackson's generator ({@link JsonBodies#predictionsWithJackson}): the
 * very same bytes for every task, width, model name and float, and every float reads back to the
 * float the model computed.
 */
class JsonBodiesTest {
  /** A model whose inference is never called: these tests hand outputs to the writer. */
  private static ServedModel model(String name, long version, ModelSpec.Task task, int outputs) {
    return TestModels.model(
        name,
        version,
        TestModels.spec(task, 2, List.of(), outputs),
        (features, rows) -> {
          throw new AssertionError("not called");
        });
  }

  /** A float of one of the kinds a model returns, and the extremes of float32. */
  private static float value(SplittableRandom random) {
    return switch (random.nextInt(7)) {
      case 0 -> (float) random.nextDouble(); // a probability
      case 1 -> (float) Math.exp(-random.nextDouble() * 40); // a tiny probability: 1.0E-10 forms
      case 2 -> (float) ((random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(20) - 5));
      case 3 -> random.nextInt(100); // integral values: 3.0
      case 4 -> random.nextBoolean() ? 0f : -0f;
      case 5 -> random.nextBoolean() ? Float.MAX_VALUE : Float.MIN_VALUE;
      default -> {
        float bits = Float.intBitsToFloat(random.nextInt());
        yield Float.isFinite(bits) ? bits : 1f;
      }
    };
  }

  /** Ids of every kind the direct writer takes: plain ones, and ones it leaves to Jackson. */
  private static String[] ids(int rows) {
    String[] ids = new String[rows];
    for (int i = 0; i < rows; i++) {
      ids[i] = rows % 5 == 4 && i == rows - 1 ? "é\"" + i : "id-" + i;
    }
    return ids;
  }

  /** The body, then " | " and the bytes of each prediction by its byte range. */
  private static String withBounds(byte[] body, int[] bounds, int rows) {
    StringBuilder out = new StringBuilder(new String(body, StandardCharsets.UTF_8));
    for (int i = 0; i < rows; i++) {
      out.append(" | ")
          .append(
              new String(
                  body, bounds[2 * i], bounds[2 * i + 1] - bounds[2 * i], StandardCharsets.UTF_8));
    }
    return out.toString();
  }

  private static String direct(ServedModel model, float[] outputs, int rows) {
    return new String(
        JsonBodies.predictions(model, outputs, rows, ids(rows), null), StandardCharsets.UTF_8);
  }

  private static String jackson(ServedModel model, float[] outputs, int rows) {
    return new String(
        JsonBodies.predictionsWithJackson(model, outputs, rows, ids(rows), null),
        StandardCharsets.UTF_8);
  }

  /** Both writers' bodies and prediction ranges agree, and each range is that prediction. */
  private static void sameBoundsBothWays(ServedModel model, float[] outputs, int rows) {
    int[] bounds = new int[2 * rows];
    byte[] body = JsonBodies.predictions(model, outputs, rows, ids(rows), bounds);
    int[] jacksonBounds = new int[2 * rows];
    byte[] jacksonBody =
        JsonBodies.predictionsWithJackson(model, outputs, rows, ids(rows), jacksonBounds);
    assertThat(withBounds(body, bounds, rows))
        .isEqualTo(withBounds(jacksonBody, jacksonBounds, rows));
    try {
      var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
      var tree = mapper.readTree(body);
      for (int i = 0; i < rows; i++) {
        var slice = mapper.readTree(body, bounds[2 * i], bounds[2 * i + 1] - bounds[2 * i]);
        assertThat(slice).isEqualTo(tree.at("/predictions/" + i));
      }
      assertThat(tree.at("/ids/" + (rows - 1)).textValue()).isEqualTo(ids(rows)[rows - 1]);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  @Property(tries = 2000)
  void randomOutputs_direct_sameBytesAsJackson(@ForAll long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    ModelSpec.Task task =
        random.nextBoolean() ? ModelSpec.Task.CLASSIFICATION : ModelSpec.Task.REGRESSION;
    int width =
        task == ModelSpec.Task.CLASSIFICATION ? 2 + random.nextInt(9) : 1 + random.nextInt(3);
    int rows = 1 + random.nextInt(70);
    long version = random.nextInt(4) == 0 ? Long.MAX_VALUE : random.nextLong(1, 1L << 40);
    ServedModel model = model("m" + random.nextInt(1000), version, task, width);
    float[] outputs = new float[rows * width];
    for (int i = 0; i < outputs.length; i++) {
      outputs[i] = value(random);
    }
    assertThat(direct(model, outputs, rows)).isEqualTo(jackson(model, outputs, rows));
    sameBoundsBothWays(model, outputs, rows);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "iris",
        "with \"quotes\"",
        "back\\slash",
        "tab\tand\nnewline\u0001",
        "é-ü-中文",
        "🙂"
      })
  void namesNeedingEscapes_direct_sameBytesAsJackson(String name) {
    ServedModel model = model(name, 42, ModelSpec.Task.CLASSIFICATION, 3);
    float[] outputs = {0.97f, 0.02f, 0.01f, 1e-7f, 0.5f, 0.4999999f};
    assertThat(direct(model, outputs, 2)).isEqualTo(jackson(model, outputs, 2));
    sameBoundsBothWays(model, outputs, 2);
  }

  @Test
  void classification_direct_writesDocumentedShape() {
    ServedModel model = model("iris", 42, ModelSpec.Task.CLASSIFICATION, 3);
    float[] outputs = {0.97f, 0.02f, 0.01f, 0.01f, 0.12f, 0.87f};
    assertThat(direct(model, outputs, 2))
        .isEqualTo(
            "{\"predictions\":[{\"class\":0,\"probabilities\":[0.97,0.02,0.01]},"
                + "{\"class\":2,\"probabilities\":[0.01,0.12,0.87]}],"
                + "\"ids\":[\"id-0\",\"id-1\"],\"model\":\"iris\",\"model_version\":42}");
  }

  private static ServedModel named(List<String> classNames) {
    ModelSpec spec =
        io.streamprop.spec.SpecJson.parse(
            "{\"inputs\": 2, \"class_names\": "
                + com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
                    .arrayNode()
                    .addAll(
                        classNames.stream()
                            .map(com.fasterxml.jackson.databind.node.TextNode::valueOf)
                            .toList())
                + "}");
    return TestModels.model(
        "iris",
        42,
        spec,
        (features, rows) -> {
          throw new AssertionError("not called");
        });
  }

  @Test
  void classNames_direct_classIsTheName_probabilitiesInClassOrder() {
    ServedModel model = named(List.of("setosa", "versicolor", "virginica"));
    float[] outputs = {0.97f, 0.02f, 0.01f, 0.01f, 0.12f, 0.87f};
    assertThat(direct(model, outputs, 2))
        .isEqualTo(
            "{\"predictions\":[{\"class\":\"setosa\",\"probabilities\":[0.97,0.02,0.01]},"
                + "{\"class\":\"virginica\",\"probabilities\":[0.01,0.12,0.87]}],"
                + "\"ids\":[\"id-0\",\"id-1\"],\"model\":\"iris\",\"model_version\":42}")
        .isEqualTo(jackson(model, outputs, 2));
  }

  @ParameterizedTest
  @ValueSource(strings = {"with \"quotes\"", "back\\slash", "tab\tand\nnewline", "é-中文", "🙂"})
  void classNamesNeedingEscapes_direct_sameBytesAsJackson(String className) {
    ServedModel model = named(List.of("plain", className));
    float[] outputs = {0.1f, 0.9f, 0.8f, 0.2f};
    String body = direct(model, outputs, 2);
    assertThat(body).isEqualTo(jackson(model, outputs, 2));
    try { // and the body reads back to the name
      var tree = new com.fasterxml.jackson.databind.ObjectMapper().readTree(body);
      assertThat(tree.at("/predictions/0/class").textValue()).isEqualTo(className);
      assertThat(tree.at("/predictions/1/class").textValue()).isEqualTo("plain");
    } catch (java.io.IOException e) {
      throw new AssertionError(body, e);
    }
  }

  @Test
  void regression_direct_writesNumbersOrLists() {
    ServedModel one = model("house", 7, ModelSpec.Task.REGRESSION, 1);
    ServedModel two = model("two", 7, ModelSpec.Task.REGRESSION, 2);
    assertThat(direct(one, new float[] {3.25f, 1.5f}, 2))
        .isEqualTo(
            "{\"predictions\":[3.25,1.5],\"ids\":[\"id-0\",\"id-1\"],\"model\":\"house\",\"model_version\":7}");
    assertThat(direct(two, new float[] {3.25f, 0.5f}, 1))
        .isEqualTo(
            "{\"predictions\":[[3.25,0.5]],\"ids\":[\"id-0\"],\"model\":\"two\",\"model_version\":7}");
  }

  @Test
  void shortestForm_direct_readsBackToTheSameFloat() {
    ServedModel model = model("m", 1, ModelSpec.Task.REGRESSION, 1);
    SplittableRandom random = new SplittableRandom(7);
    float[] outputs = new float[5000];
    for (int i = 0; i < outputs.length; i++) {
      outputs[i] = value(random);
    }
    String body = direct(model, outputs, outputs.length);
    String[] numbers = body.substring(body.indexOf('[') + 1, body.indexOf(']')).split(",", -1);
    assertThat(numbers).hasSize(outputs.length);
    for (int i = 0; i < outputs.length; i++) {
      assertThat(Float.floatToRawIntBits(Float.parseFloat(numbers[i])))
          .as(numbers[i])
          .isEqualTo(Float.floatToRawIntBits(outputs[i]));
    }
  }

  @Test
  void nonFiniteOutput_direct_leftToJacksonWhichQuotesIt() {
    ServedModel model = model("m", 1, ModelSpec.Task.REGRESSION, 1);
    float[] outputs = {1f, Float.NaN, Float.POSITIVE_INFINITY};
    assertThat(direct(model, outputs, 3))
        .isEqualTo(jackson(model, outputs, 3))
        .contains("\"NaN\"", "\"Infinity\"");
  }
}
