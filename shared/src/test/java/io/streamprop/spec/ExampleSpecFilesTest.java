package io.streamprop.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The spec files shipped in {@code examples/specs/} (and quoted in docs/spec.md) stay valid. */
class ExampleSpecFilesTest {

  private static final Path SPECS = Path.of("..", "examples", "specs");

  private static ModelSpec load(String name) throws IOException {
    return SpecJson.parse(Files.readString(SPECS.resolve(name)));
  }

  @Test
  void everyExampleSpec_parses_andSurvivesARoundTrip() throws IOException {
    List<Path> files;
    try (Stream<Path> list = Files.list(SPECS)) {
      files = list.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    assertThat(files).hasSizeGreaterThanOrEqualTo(3);
    for (Path file : files) {
      ModelSpec spec = SpecJson.parse(Files.readString(file));
      assertThat(SpecJson.parse(SpecJson.writePretty(spec))).as(file.toString()).isEqualTo(spec);
    }
  }

  @Test
  void covertypeSpec_isTheModelM_54to64to32to7() throws IOException {
    ModelSpec spec = load("covertype.json");

    assertThat(spec.inputs()).isEqualTo(54);
    assertThat(spec.hidden()).containsExactly(64, 32);
    assertThat(spec.outputs()).isEqualTo(7);
  }

  @Test
  void irisAndDiabetesSpecs_nameTheColumnsOfTheirDataFiles() throws IOException {
    assertThat(load("iris.json").featureNames())
        .containsExactly("sepal_length", "sepal_width", "petal_length", "petal_width");
    assertThat(load("diabetes.json").task()).isEqualTo(ModelSpec.Task.REGRESSION);
    assertThat(load("diabetes.json").inputs()).isEqualTo(10);
  }
}
