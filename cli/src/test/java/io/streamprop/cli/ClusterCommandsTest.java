package io.streamprop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The broker-facing commands' argument handling, without a broker. */
class ClusterCommandsTest {

  @Test
  void help_listsTheClusterCommands() {
    Cli.Run run = Cli.run("--help");
    assertThat(run.out()).contains("produce", "label", "model", "predict");
  }

  @Test
  void produce_withoutBootstrapServer_usageError() {
    Cli.Run run = Cli.run("produce", "--file", "x.csv", "--model", "m");
    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("--bootstrap-server");
  }

  @Test
  void produce_zeroRate_usageError() {
    Cli.Run run =
        Cli.run(
            "produce",
            "--bootstrap-server",
            "127.0.0.1:1",
            "--file",
            "x.csv",
            "--model",
            "m",
            "--rate",
            "0");
    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("--rate must be a positive number");
  }

  @Test
  void produce_fileAndLabels_usageError() {
    Cli.Run run =
        Cli.run(
            "produce",
            "--bootstrap-server",
            "127.0.0.1:1",
            "--file",
            "x.csv",
            "--labels",
            "y.jsonl");
    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("--file", "--labels", "mutually exclusive");
  }

  @Test
  void produce_fileWithoutModel_usageError() {
    Cli.Run run = Cli.run("produce", "--bootstrap-server", "127.0.0.1:1", "--file", "x.csv");
    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("--model");
  }

  @Test
  void label_withoutId_usageError() {
    Cli.Run run =
        Cli.run("label", "--bootstrap-server", "127.0.0.1:1", "--model", "m", "--label", "1");
    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("--id");
  }

  @Test
  void model_missingCommandConfigFile_namesTheFile() {
    Cli.Run run =
        Cli.run(
            "model",
            "list",
            "--bootstrap-server",
            "127.0.0.1:1",
            "--command-config",
            "/nonexistent/client.properties");
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err())
        .contains("--command-config: no such file: /nonexistent/client.properties");
  }

  @Test
  void model_withoutSubcommand_usageError() {
    Cli.Run run = Cli.run("model");
    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("create, list, show or retire");
  }

  @Test
  void predict_bothFeaturesAndData_usageError() {
    Cli.Run run = Cli.run("predict", "--model", "m", "--features", "1,2", "--data", "x.csv");
    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("mutually exclusive");
  }

  @Test
  void predict_neitherFeaturesNorData_usageError() {
    Cli.Run run = Cli.run("predict", "--model", "m");
    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("--features").contains("--data");
  }

  @Test
  void bar_halfway_halfFilled() {
    assertThat(ProduceCommand.bar(1000, 2000, 0.5))
        .isEqualTo("[###############               ]  50% 1,000/2,000 (2,000/s)");
    assertThat(ProduceCommand.bar(0, 0, 1)).startsWith("[" + "#".repeat(30) + "] 100%");
  }
}
