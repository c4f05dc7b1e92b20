package io.streamprop.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line of the stand-alone broker. */
class LocalKafkaMainTest {

  @Test
  void help_printsTheOptions_andExitsZero() throws Exception {
    for (String flag : List.of("--help", "-h")) {
      Finished run = runMain(flag);
      assertThat(run.exitCode()).as(flag).isZero();
      assertThat(run.stdout())
          .as(flag)
          .startsWith("usage: LocalKafkaMain")
          .contains("--port PORT", "--log-dir DIR", "-h, --help");
      assertThat(run.stderr()).as(flag).doesNotContain("error");
    }
  }

  @Test
  void help_afterOtherOptions_stillPrintsTheOptions() {
    assertThat(LocalKafkaMain.wantsHelp(new String[] {"--port", "9092", "--help"})).isTrue();
    assertThat(LocalKafkaMain.wantsHelp(new String[] {"--port", "9092"})).isFalse();
  }

  @Test
  void parse_allOptions_configureTheBroker(@TempDir Path dir) {
    LocalKafka.Builder builder =
        LocalKafkaMain.parse(
            new String[] {
              "--port", "0",
              "--log-dir", dir.toString(),
              "--max-message-bytes", "2000000",
              "--property", "log.cleaner.backoff.ms=500"
            });
    try (LocalKafka kafka = builder.build()) {
      assertThat(kafka.logDir()).isEqualTo(dir.toAbsolutePath());
      assertThat(kafka.maxMessageBytes()).isEqualTo(2_000_000);
      assertThat(kafka.brokerConfig()).containsEntry("log.cleaner.backoff.ms", "500");
    }
  }

  @Test
  void parse_unknownOption_namesIt() {
    assertThatThrownBy(() -> LocalKafkaMain.parse(new String[] {"--prot", "9092"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--prot");
  }

  @Test
  void parse_nonNumericPort_namesFlagAndValue() {
    assertThatThrownBy(() -> LocalKafkaMain.parse(new String[] {"--port", "ninety"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--port")
        .hasMessageContaining("ninety");
  }

  @Test
  void parse_propertyWithoutEquals_isRefused() {
    assertThatThrownBy(() -> LocalKafkaMain.parse(new String[] {"--property", "novalue"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("KEY=VALUE");
  }

  @Test
  void parse_flagWithoutValue_saysSo() {
    assertThatThrownBy(() -> LocalKafkaMain.parse(new String[] {"--log-dir"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--log-dir needs a value");
  }

  private record Finished(int exitCode, String stdout, String stderr) {}

  /** Runs {@code LocalKafkaMain} in a JVM of its own on this class path, to see its exit code. */
  private static Finished runMain(String... args) throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                LocalKafkaMain.class.getName()));
    command.addAll(List.of(args));
    Path err = Files.createTempFile("local-kafka-main", ".err");
    try {
      Process process = new ProcessBuilder(command).redirectError(err.toFile()).start();
      process.getOutputStream().close();
      String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int exitCode = process.waitFor();
      return new Finished(exitCode, stdout, Files.readString(err));
    } finally {
      Files.deleteIfExists(err);
    }
  }
}
