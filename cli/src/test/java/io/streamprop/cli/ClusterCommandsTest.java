package io.streamprop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The broker-facing commands' argument handling, without a broker. */
class ClusterCommandsTest {

  @Test
  void help_listsTheClusterCommands() {
    Cli.Run run = Cli.run("--help");
    assertThat(run.out()).contains("produce", "label", "model", "predict");
  }

  @Test
  void help_summaryOfProduce_aWholeSentence() {
    Cli.Run run = Cli.run("--help");
    assertThat(run.out().replaceAll("\\s+", " "))
        .contains(
            "produce Streams a data file to the examples topic as labeled examples of one model.");
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

  /** A client properties file that makes the commands give up on a broker after half a second. */
  private static String shortTimeout(Path dir) throws IOException {
    Path config = dir.resolve("client.properties");
    Files.writeString(config, "default.api.timeout.ms=500\n");
    return config.toString();
  }

  @Test
  void modelList_noBrokerAnswers_oneLineNamingTheAddress_exitsOne(@TempDir Path dir)
      throws IOException {
    Cli.Run run =
        Cli.run(
            "model",
            "list",
            "--bootstrap-server",
            "127.0.0.1:1",
            "--command-config",
            shortTimeout(dir));
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err())
        .isEqualTo(
            "streamprop model list: no Kafka broker answers at 127.0.0.1:1 within 500 ms"
                + " (is it running? see --bootstrap-server)\n");
  }

  @Test
  void produceAndLabel_noBrokerAnswers_notAnInternalError(@TempDir Path dir) throws IOException {
    String config = shortTimeout(dir);
    Cli.Run produce =
        Cli.run(
            "produce",
            "--bootstrap-server",
            "127.0.0.1:1",
            "--command-config",
            config,
            "--model",
            "letter",
            "--file",
            "x.csv");
    Cli.Run label =
        Cli.run(
            "label",
            "--bootstrap-server",
            "127.0.0.1:1",
            "--command-config",
            config,
            "--model",
            "m",
            "--id",
            "o-1",
            "--label",
            "1");
    for (Cli.Run run : new Cli.Run[] {produce, label}) {
      assertThat(run.status()).isEqualTo(1);
      assertThat(run.err()).contains("no Kafka broker answers at 127.0.0.1:1").hasLineCount(1);
    }
  }

  @Test
  void kafkaClientFailure_isAUserError_notABug() {
    assertThat(
            StreampropCli.ErrorHandler.userMessage(
                new TimeoutException("Timeout expired while fetching topic metadata")))
        .isEqualTo("Kafka: Timeout expired while fetching topic metadata");
  }

  @Test
  void loggingConfiguration_commandLineCommands_keepKafkaClientWarningsOff() throws IOException {
    assertThat(StreampropCli.loggingConfiguration(new String[] {"model", "list"}))
        .isEqualTo(StreampropCli.LOGGING);
    assertThat(StreampropCli.loggingConfiguration(new String[] {"trainer"})).isNull();
    assertThat(StreampropCli.loggingConfiguration(new String[] {"demo"})).isNull();
    try (var in = StreampropCli.class.getClassLoader().getResourceAsStream(StreampropCli.LOGGING)) {
      assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8))
          .contains("<logger name=\"org.apache.kafka\" level=\"ERROR\"/>");
    }
  }
}
