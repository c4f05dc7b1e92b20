package io.streamprop.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamprop.spec.SpecJson;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;

class CommandLineTest {

  @Command(name = "fake")
  static final class FakeService extends ServiceCommand {
    @Override
    String mainClass() {
      return FakeServiceMain.class.getName();
    }
  }

  @Test
  void noCommand_printsUsage_exitsTwo() {
    Cli.Run run = Cli.run();

    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("Missing a command").contains("evaluate").contains("train");
  }

  @Test
  void unknownOption_printsUsage_exitsTwo() {
    Cli.Run run = Cli.run("evaluate", "--data", "x.csv", "--bogus");

    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("--bogus").contains("Usage: streamprop evaluate");
  }

  @Test
  void evaluateWithoutData_isUsageError_exitsTwo() {
    Cli.Run run = Cli.run("evaluate");

    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("Missing required option: '--data=FILE'");
  }

  @Test
  void trainWithZeroEpochs_isUsageError_exitsTwo(@TempDir Path dir) {
    Cli.Run run =
        Cli.run(
            "train", "--data", "x.csv", "--epochs", "0", "--out", dir.resolve("m.snap").toString());

    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("--epochs must be at least 1, got 0");
  }

  @Test
  void help_listsEveryCommand_exitsZero() {
    Cli.Run run = Cli.run("--help");

    assertThat(run.status()).isZero();
    assertThat(run.out())
        .contains("train", "evaluate", "spec", "snapshot", "trainer", "scorer", "demo");
  }

  @Test
  void snapshotShowOfMissingFile_namesTheFile_exitsOne(@TempDir Path dir) {
    Path missing = dir.resolve("nothing.snap");

    Cli.Run run = Cli.run("snapshot", "show", missing.toString());

    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err()).contains(missing + ": no such file").doesNotContain("Exception");
  }

  @Test
  void specFromMissingFile_namesTheFile_exitsOne(@TempDir Path dir) {
    Path missing = dir.resolve("spec.json");

    Cli.Run run = Cli.run("spec", "--spec", missing.toString());

    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err()).contains(missing + ": no such file").doesNotContain("Exception");
  }

  @Test
  void snapshotShowOfGarbage_isAnErrorWithoutStackTrace_exitsOne(@TempDir Path dir)
      throws Exception {
    Path garbage = Files.write(dir.resolve("garbage.snap"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});

    Cli.Run run = Cli.run("snapshot", "show", garbage.toString());

    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err())
        .startsWith("streamprop snapshot show: " + garbage + ": ")
        .doesNotContain("\tat ");
  }

  @Test
  void specFileWithABadField_namesFileAndField_exitsOne(@TempDir Path dir) throws Exception {
    Path spec = Files.writeString(dir.resolve("bad.json"), "{\"inputs\": 4, \"classes\": 1}");

    Cli.Run run = Cli.run("spec", "--spec", spec.toString());

    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err())
        .startsWith("streamprop spec: " + spec + ": classes")
        .doesNotContain("\tat ");
  }

  @Test
  void specFile_isPrintedComplete_andReadsBackEqual(@TempDir Path dir) throws Exception {
    Path spec = Files.writeString(dir.resolve("iris.json"), "{\"inputs\": 4, \"classes\": 3}");

    Cli.Run run = Cli.run("spec", "--spec", spec.toString());

    assertThat(run.status()).isZero();
    assertThat(run.out()).contains("\"optimizer\"").contains("\"batch_size\"");
    assertThat(SpecJson.parse(run.out()))
        .isEqualTo(SpecJson.parse("{\"inputs\": 4, \"classes\": 3}"));
  }

  @Test
  void service_passesEveryArgumentUntouched_exitsZero() {
    CommandLine cli = StreampropCli.commandLine().addSubcommand(new FakeService());

    Cli.Run run =
        Cli.run(cli, "fake", "--bootstrap-server", "localhost:9092", "--config", "a b", "--help");

    assertThat(run.status()).isZero();
    assertThat(FakeServiceMain.lastArgs)
        .containsExactly("--bootstrap-server", "localhost:9092", "--config", "a b", "--help");
  }

  @Test
  void serviceThatThrows_isReportedAsItsOwnError_exitsOne() {
    CommandLine cli = StreampropCli.commandLine().addSubcommand(new FakeService());

    Cli.Run run = Cli.run(cli, "fake", "--fail");

    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err())
        .contains("IllegalStateException: the service failed to start")
        .doesNotContain("InvocationTargetException");
  }

  @Test
  void missingServiceClass_saysNotAvailableInThisBuild() {
    assertThatThrownBy(() -> ServiceCommand.findMain("io.streamprop.nowhere.Main"))
        .isInstanceOf(UserException.class)
        .hasMessage(
            "not available in this build: io.streamprop.nowhere.Main is not on the class path");
  }
}
