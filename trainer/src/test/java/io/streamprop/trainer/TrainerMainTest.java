package io.streamprop.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class TrainerMainTest {

  private static TrainerCommand parse(String... args) {
    TrainerCommand command = new TrainerCommand();
    new CommandLine(command).parseArgs(args);
    return command;
  }

  @Test
  void help_printsUsage_andExitsZero() {
    assertThat(TrainerMain.run(new String[] {"--help"})).isZero();
  }

  @Test
  void unknownArgument_exitsTwo() {
    assertThat(TrainerMain.run(new String[] {"--bogus"})).isEqualTo(2);
  }

  @Test
  void optionWithoutValue_isAUsageError() {
    assertThatThrownBy(() -> parse("--bootstrap-server"))
        .isInstanceOf(CommandLine.MissingParameterException.class)
        .hasMessageContaining("--bootstrap-server");
    assertThat(TrainerMain.run(new String[] {"--bootstrap-server"})).isEqualTo(2);
  }

  @Test
  void bootstrapServer_fromTheCommandLine_setsBootstrapServers() {
    assertThat(parse("--bootstrap-server", "k:9092").config(Map.of()).bootstrapServers())
        .isEqualTo("k:9092");
  }

  @Test
  void configurationError_isAUsageError_exitsTwo() {
    assertThat(
            TrainerMain.run(
                new String[] {
                  "--bootstrap-server", "k:9092", "--config", "/nonexistent.properties"
                }))
        .isEqualTo(2);
  }
}
