package io.streamprop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamprop.demo.DemoCommand;
import io.streamprop.scorer.ScorerCommand;
import io.streamprop.spec.SpecJson;
import io.streamprop.trainer.TrainerCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CommandLineTest {

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
  void services_areTheirMainsOwnCommands_sameOptionsSameHelp() {
    CommandLine cli = StreampropCli.commandLine();

    assertThat(cli.getSubcommands().get("trainer").getUsageMessage())
        .isEqualTo(
            new CommandLine(new TrainerCommand())
                .setCommandName("streamprop trainer")
                .getUsageMessage());
    assertThat(cli.getSubcommands().get("scorer").getUsageMessage())
        .isEqualTo(
            new CommandLine(new ScorerCommand())
                .setCommandName("streamprop scorer")
                .getUsageMessage());
    assertThat(cli.getSubcommands().get("demo").getUsageMessage())
        .isEqualTo(
            new CommandLine(new DemoCommand()).setCommandName("streamprop demo").getUsageMessage());
  }

  @Test
  void serviceHelp_listsItsOptionsAndTheEnvironmentRule_exitsZero() {
    Cli.Run trainer = Cli.run("trainer", "--help");
    Cli.Run scorer = Cli.run("scorer", "--help");

    assertThat(trainer.status()).isZero();
    assertThat(trainer.out())
        .contains("Usage: streamprop trainer", "--bootstrap-server", "--config", "STREAMPROP_X_Y");
    assertThat(scorer.status()).isZero();
    assertThat(scorer.out()).contains("Usage: streamprop scorer", "--port");
  }

  @Test
  void serviceWithUnknownOption_isAUsageError_exitsTwo() {
    Cli.Run run = Cli.run("trainer", "--bogus");

    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("Unknown option: '--bogus'");
  }

  @Test
  void serviceWithABadValue_namesKeyValueAndSource_exitsTwo() {
    Cli.Run run = Cli.run("scorer", "--bootstrap-server", "127.0.0.1:1", "--port", "x");

    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err())
        .contains("streamprop.http.port must be an integer, got 'x' (from the command line)")
        .contains("Usage: streamprop scorer");
  }

  @Test
  void aDirectoryWhereAFileBelongs_oneLineNamingThePath_exitsOne(@TempDir Path dir) {
    Cli.Run evaluate = Cli.run("evaluate", "--data", dir.toString());
    Cli.Run show = Cli.run("snapshot", "show", dir.toString());

    assertThat(evaluate.status()).isEqualTo(1);
    assertThat(evaluate.err()).isEqualTo("streamprop evaluate: " + dir + ": is a directory\n");
    assertThat(show.status()).isEqualTo(1);
    assertThat(show.err()).isEqualTo("streamprop snapshot show: " + dir + ": is a directory\n");
  }

  @Test
  void trainOutUnderAFileNotADirectory_namesThePathAndTheReason(@TempDir Path dir)
      throws Exception {
    Path file = java.nio.file.Files.writeString(dir.resolve("f"), "x");
    Path out = file.resolve("sub").resolve("c.snap");

    Cli.Run run =
        Cli.run("train", "--data", "src/test/resources/data/iris.csv", "--out", out.toString());

    assertThat(run.status()).isEqualTo(1);
    String last = run.err().strip().lines().reduce((a, b) -> b).orElseThrow();
    assertThat(last)
        .isEqualTo(
            "streamprop train: "
                + out
                + ": cannot create the directory "
                + out.getParent()
                + ": Not a directory");
  }
}
