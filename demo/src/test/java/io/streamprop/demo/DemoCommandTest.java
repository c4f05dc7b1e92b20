package io.streamprop.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DemoCommandTest {

  @Test
  void withoutData_theBundledLetterModel() {
    assertThat(DemoCommand.defaultModelId(null)).isEqualTo("letter");
  }

  @Test
  void withData_theFileNameUpToItsFirstDot() {
    assertThat(DemoCommand.defaultModelId(Path.of("examples/data/raw/titanic.csv.gz")))
        .isEqualTo("titanic");
    assertThat(DemoCommand.defaultModelId(Path.of("house_votes_84.jsonl")))
        .isEqualTo("house_votes_84");
  }

  @Test
  void parse_dataWithoutModel_theModelIsNamedAfterTheFile() {
    DemoCommand command = new DemoCommand();
    new CommandLine(command).parseArgs("--data", "examples/data/raw/chile.csv");

    assertThat(command.options().modelId()).isEqualTo("chile");
  }

  @Test
  void withData_charactersAModelIdMayNotHold_replaced() {
    assertThat(DemoCommand.defaultModelId(Path.of("/tmp/my events (v2).csv")))
        .isEqualTo("my_events__v2_");
  }
}
