package io.streamprop.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class TrainerMainTest {
  @TempDir Path dir;

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

  @Test
  void unknownProcessingGuarantee_isAConfigurationError_exitsTwoBeforeConnecting()
      throws Exception {
    // No broker at 127.0.0.1:1: a check after topic setup would exit 1 instead.
    Path file =
        Files.writeString(
            dir.resolve("trainer.properties"),
            "bootstrap.servers=127.0.0.1:1\nprocessing.guarantee=at_most_twice\n");
    assertThat(TrainerMain.run(new String[] {"--config", file.toString()})).isEqualTo(2);
  }

  @Test
  void metricsPortInUse_exitsOne_withOneLineNamingTheAddressAndTheKey() throws Exception {
    try (ServerSocket taken = new ServerSocket(0)) {
      int port = taken.getLocalPort();
      // No broker at 127.0.0.1:1: the trainer must stop at the metrics port, before connecting.
      Path file =
          Files.writeString(
              dir.resolve("trainer.properties"),
              "bootstrap.servers=127.0.0.1:1\nstreamprop.metrics.port=" + port + "\n");
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      PrintStream stderr = System.err;
      int status;
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      try {
        status = TrainerMain.run(new String[] {"--config", file.toString()});
      } finally {
        System.setErr(stderr);
      }

      assertThat(status).isEqualTo(1);
      assertThat(err.toString(StandardCharsets.UTF_8).lines())
          .contains(
              "streamprop trainer: metrics endpoint: cannot listen on 0.0.0.0:"
                  + port
                  + ": Address already in use; set streamprop.metrics.port (now "
                  + port
                  + ") to a free port, 0 for any free port, or -1 for no endpoint");
    }
  }
}
