package io.streamprop.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.ModelSpec.Task;
import io.streamprop.spec.SpecJson;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ExampleJsonTest {

  @Test
  void classificationExample_written_asCompactJsonWithIntegerLabel() {
    assertThat(
            ExampleJson.write(
                new float[] {5.1f, 3.5f, 1e-7f}, new float[] {2}, Task.CLASSIFICATION))
        .isEqualTo("{\"features\":[5.1,3.5,1.0E-7],\"label\":2}");
  }

  @Test
  void regressionExample_written_asNumberOrList() {
    assertThat(ExampleJson.write(new float[] {1}, new float[] {2.5f}, Task.REGRESSION))
        .isEqualTo("{\"features\":[1.0],\"label\":2.5}");
    assertThat(ExampleJson.write(new float[] {1}, new float[] {2.5f, -1}, Task.REGRESSION))
        .isEqualTo("{\"features\":[1.0],\"label\":[2.5,-1.0]}");
  }

  @Test
  void randomFloats_writtenThenParsed_bitIdentical() {
    ModelSpec spec = SpecJson.parse("{\"inputs\": 50, \"task\": \"regression\", \"targets\": 2}");
    ExampleParser parser = new ExampleParser(spec);
    SplittableRandom random = new SplittableRandom(7);
    for (int round = 0; round < 2000; round++) {
      float[] features = new float[50];
      for (int i = 0; i < features.length; i++) {
        float f;
        do {
          f = Float.intBitsToFloat(random.nextInt()); // every exponent, subnormals included
        } while (!Float.isFinite(f));
        features[i] = f;
      }
      float[] label = {(float) random.nextGaussian(), -0.0f};

      Example back = parser.parse(ExampleJson.writeBytes(features, label, Task.REGRESSION));

      for (int i = 0; i < features.length; i++) {
        assertThat(Float.floatToRawIntBits(back.features()[i]))
            .as("features[%d] = %s", i, features[i])
            .isEqualTo(Float.floatToRawIntBits(features[i]));
      }
      assertThat(back.label()).containsExactly(label);
    }
  }

  @Test
  void nonFiniteValue_refused_namingIt() {
    assertThatThrownBy(
            () ->
                ExampleJson.write(new float[] {1, Float.NaN}, new float[] {0}, Task.CLASSIFICATION))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("features[1] must be finite, got NaN");
    assertThatThrownBy(
            () -> ExampleJson.write(new float[] {1}, new float[] {1.5f}, Task.CLASSIFICATION))
        .hasMessageContaining("class index");
  }
}
