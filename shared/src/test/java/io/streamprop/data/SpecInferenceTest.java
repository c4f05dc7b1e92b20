package io.streamprop.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.ModelSpec.Task;
import io.streamprop.spec.SpecDefaults;
import io.streamprop.spec.SpecJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpecInferenceTest {

  @TempDir Path dir;

  private Path write(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content);
  }

  @Test
  void iris_inferred_asThreeClassesWithHeaderNames() throws Exception {
    SpecInference.Inference inference = SpecInference.analyze(DataFileTest.resource("iris.csv"));
    ModelSpec spec = inference.spec();

    assertThat(inference.rows()).isEqualTo(150);
    assertThat(spec.task()).isEqualTo(Task.CLASSIFICATION);
    assertThat(spec.outputs()).isEqualTo(3);
    assertThat(spec.inputs()).isEqualTo(4);
    assertThat(spec.featureNames()).startsWith("sepal_length");
    assertThat(spec.hidden()).isEqualTo(SpecDefaults.HIDDEN);
    assertThat(inference.reason()).contains("classification with 3 classes");
    assertThat(SpecJson.parse(SpecJson.write(spec))).isEqualTo(spec);
  }

  @Test
  void diabetes_integerTargetsNotStartingAtZero_inferredAsRegression() throws Exception {
    SpecInference.Inference inference =
        SpecInference.analyze(DataFileTest.resource("diabetes.csv"));

    assertThat(inference.spec().task()).isEqualTo(Task.REGRESSION);
    assertThat(inference.spec().outputs()).isEqualTo(1);
    assertThat(inference.spec().inputs()).isEqualTo(10);
    assertThat(inference.reason()).contains("25..346");
  }

  @Test
  void fractionalLabels_inferredAsRegression() throws IOException {
    assertThat(SpecInference.infer(write("f.csv", "x,label\n1,0\n2,1.5\n3,1\n")).task())
        .isEqualTo(Task.REGRESSION);
  }

  @Test
  void sparseIntegerCodes_inferredAsRegression() throws IOException {
    // 0 and 90 only: two values spread over 91 codes are not class codes.
    assertThat(SpecInference.infer(write("s.csv", "x,label\n1,0\n2,90\n")).task())
        .isEqualTo(Task.REGRESSION);
  }

  @Test
  void binaryLabels_inferredAsTwoClasses() throws IOException {
    ModelSpec spec = SpecInference.infer(write("b.csv", "x,y,label\n1,2,1\n2,3,0\n4,4,1\n"));

    assertThat(spec.task()).isEqualTo(Task.CLASSIFICATION);
    assertThat(spec.outputs()).isEqualTo(2);
  }

  @Test
  void jsonLinesWithListLabels_inferredAsMultiTargetRegression() throws IOException {
    ModelSpec spec =
        SpecInference.infer(write("m.jsonl", "{\"features\": [1, 2, 3], \"label\": [0, 1]}\n"));

    assertThat(spec.task()).isEqualTo(Task.REGRESSION);
    assertThat(spec.outputs()).isEqualTo(2);
    assertThat(spec.inputs()).isEqualTo(3);
    assertThat(spec.featureNames()).isEmpty();
  }

  @Test
  void duplicateHeaderNames_dropped_inputsKept() throws IOException {
    ModelSpec spec = SpecInference.infer(write("d.csv", "x,x,label\n1,2,0\n1,2,1\n"));

    assertThat(spec.featureNames()).isEmpty();
    assertThat(spec.inputs()).isEqualTo(2);
  }
}
