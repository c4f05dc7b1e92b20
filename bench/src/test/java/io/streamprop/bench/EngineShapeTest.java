package io.streamprop.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamprop.spec.ModelSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class EngineShapeTest {

  @ParameterizedTest
  @EnumSource(EngineShape.class)
  void spec_everyShape_describesPytorchsStep(EngineShape shape) {
    ModelSpec spec = shape.spec(32);

    assertThat(spec.task()).isEqualTo(ModelSpec.Task.CLASSIFICATION);
    assertThat(spec.inputs()).isEqualTo(shape.inputs());
    assertThat(spec.hidden()).isEqualTo(shape.hidden());
    assertThat(spec.outputWidth()).isEqualTo(shape.classes());
    assertThat(spec.activation()).isEqualTo(ModelSpec.Activation.RELU);
    assertThat(spec.loss()).isEqualTo(ModelSpec.Loss.SOFTMAX_CROSS_ENTROPY);
    assertThat(spec.optimizer().name()).isEqualTo(ModelSpec.OptimizerName.ADAM);
    assertThat(spec.optimizer().learningRate()).isEqualTo(0.003);
    assertThat(spec.optimizer().weightDecay()).isZero();
    assertThat(spec.schedule().name()).isEqualTo(ModelSpec.ScheduleName.CONSTANT);
    assertThat(spec.clipNorm()).isZero();
    assertThat(spec.standardize()).isFalse();
    assertThat(spec.batchNorm()).isFalse();
    assertThat(spec.dropout()).isZero();
    assertThat(spec.batchSize()).isEqualTo(32);
  }

  @ParameterizedTest
  @EnumSource(EngineShape.class)
  void pytorchScript_everyShape_buildsTheSameNetwork(EngineShape shape) throws Exception {
    // The module's base directory is the working directory of its tests.
    String script = Files.readString(Path.of("engine_pytorch.py"), StandardCharsets.UTF_8);

    String line =
        "\"%s\": (%d, %s, %d),"
            .formatted(shape.name(), shape.inputs(), shape.hidden(), shape.classes());
    assertThat(script).contains(line);
  }

  @Test
  void chunks_ofRows_areRowMajorCopiesOfTheDataset() {
    RandomDataset data = new RandomDataset(EngineShape.M, 7);

    float[][] chunks = data.chunks(32);

    assertThat(chunks).hasNumberOfRows(RandomDataset.SIZE / 32);
    assertThat(chunks[2]).hasSize(32 * 54);
    // row 70 is row 6 of chunk 2
    float[] row = new float[54];
    System.arraycopy(chunks[2], 6 * 54, row, 0, 54);
    assertThat(row).containsExactly(data.features[70]);
  }

  @Test
  void dataset_sameSeed_isIdentical() {
    RandomDataset a = new RandomDataset(EngineShape.S, 7);
    RandomDataset b = new RandomDataset(EngineShape.S, 7);

    assertThat(a.features).isDeepEqualTo(b.features);
    assertThat(a.labels).isDeepEqualTo(b.labels);
    for (float[] label : a.labels) {
      assertThat(label[0]).isIn(0f, 1f);
    }
  }
}
