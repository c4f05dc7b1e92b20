package io.streamprop.cli;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamprop.spec.ModelSpec;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DataReaderTest {
  private static final Path FILE = Path.of("data.csv");
  private final ModelSpec spec = ProgressTest.irisSpec();

  @Test
  void validRow_passes() {
    assertThatCode(() -> DataReader.check(FILE, 2, new float[] {1, 2, 3, 4}, new float[] {2}, spec))
        .doesNotThrowAnyException();
  }

  @Test
  void wrongWidth_namesFileLineAndBothWidths() {
    assertThatThrownBy(
            () -> DataReader.check(FILE, 7, new float[] {1, 2, 3}, new float[] {0}, spec))
        .hasMessage("data.csv:7: expected 4 features (the spec's inputs), got 3");
  }

  @Test
  void nanFeature_namesTheFeature() {
    assertThatThrownBy(
            () ->
                DataReader.check(FILE, 9, new float[] {1, Float.NaN, 3, 4}, new float[] {0}, spec))
        .hasMessage("data.csv:9: feature 1 is NaN, not a finite number");
  }

  @Test
  void classOutOfRange_namesTheRange() {
    assertThatThrownBy(
            () -> DataReader.check(FILE, 3, new float[] {1, 2, 3, 4}, new float[] {3}, spec))
        .hasMessage("data.csv:3: label 3.0 is not a class index in 0..2 (the spec has 3 classes)");
  }

  @Test
  void fractionalClass_isRejected() {
    assertThatThrownBy(
            () -> DataReader.check(FILE, 3, new float[] {1, 2, 3, 4}, new float[] {0.5f}, spec))
        .hasMessageContaining("label 0.5 is not a class index");
  }
}
