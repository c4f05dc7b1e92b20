package io.streamprop.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DemoMainTest {

  /** The options {@code streamprop demo ARGS} runs with. */
  private static DemoOptions parse(String... args) {
    DemoCommand command = new DemoCommand();
    new CommandLine(command).parseArgs(args);
    return command.options();
  }

  @Test
  void parse_noArguments_bundledDataAndDefaults() {
    DemoOptions options = parse();
    assertThat(options).isEqualTo(new DemoOptions(null, null, "letter", 2000, null, 8080, 8081));
    assertThat(options.port()).isEqualTo(8080);
    assertThat(options.metricsPort()).isEqualTo(8081);
    assertThat(options.duration()).isNull();
  }

  @Test
  void parse_everyOption_taken() {
    DemoOptions options =
        parse(
            new String[] {
              "--data",
              "a.csv",
              "--spec",
              "s.json",
              "--model",
              "m",
              "--rate",
              "500",
              "--duration",
              "2m",
              "--port",
              "9090",
              "--metrics-port",
              "9091"
            });
    assertThat(options)
        .isEqualTo(
            new DemoOptions(
                Path.of("a.csv"), Path.of("s.json"), "m", 500, Duration.ofMinutes(2), 9090, 9091));
  }

  @Test
  void parse_labelDelay_runsTheLoop_withoutIt_none() {
    assertThat(parse("--label-delay", "30s").labelDelay()).isEqualTo(Duration.ofSeconds(30));
    assertThat(parse("--label-delay", "1500ms").labelDelay()).isEqualTo(Duration.ofMillis(1500));
    assertThat(parse().labelDelay()).isNull();
    assertThatThrownBy(() -> parse("--label-delay", "later")).hasMessageContaining("--label-delay");
    assertThatThrownBy(() -> parse("--label-delay", "0s")).hasMessageContaining("--label-delay");
  }

  @Test
  void seedLimit_oneMiniBatch_orEveryExamplesWhenSnapshotsAreByCountOnly() {
    assertThat(
            DemoClient.seedLimit(
                io.streamprop.spec.SpecJson.parse(
                    "{\"inputs\": 2, \"classes\": 2, \"batch_size\": 8,"
                        + " \"snapshot\": {\"every_examples\": 200, \"every_seconds\": 0.5}}")))
        .isEqualTo(8);
    assertThat(
            DemoClient.seedLimit(
                io.streamprop.spec.SpecJson.parse(
                    "{\"inputs\": 2, \"classes\": 2, \"batch_size\": 8,"
                        + " \"snapshot\": {\"every_examples\": 200, \"every_seconds\": 0}}")))
        .isEqualTo(200);
  }

  @Test
  void seconds_asTheUserWritesThem() {
    assertThat(StatusLine.seconds(Duration.ofSeconds(30))).isEqualTo("30s");
    assertThat(StatusLine.seconds(Duration.ofMillis(1500))).isEqualTo("1.5s");
    assertThat(StatusLine.seconds(Duration.ofMillis(250))).isEqualTo("250ms");
  }

  @Test
  void parse_help_requestsUsage() {
    CommandLine cli = new CommandLine(new DemoCommand());
    cli.parseArgs("--help");
    assertThat(cli.isUsageHelpRequested()).isTrue();
  }

  @Test
  void parse_badValues_errorNamesTheOption() {
    assertThatThrownBy(() -> parse(new String[] {"--rate", "fast"})).hasMessageContaining("--rate");
    assertThatThrownBy(() -> parse(new String[] {"--rate", "0"})).hasMessageContaining("--rate");
    assertThatThrownBy(() -> parse(new String[] {"--duration", "5x"}))
        .hasMessage(
            "Invalid value for option '--duration': cannot read '5x'; write e.g. 90s, 5m, 1h,"
                + " 500ms or PT1M");
    assertThatThrownBy(() -> parse(new String[] {"--port"}))
        .hasMessageContaining("Missing required parameter for option '--port'");
    assertThatThrownBy(() -> parse(new String[] {"--port", "8081"}))
        .hasMessageContaining("both 8081");
    assertThatThrownBy(() -> parse(new String[] {"--colour"}))
        .hasMessageContaining("Unknown option: '--colour'");
  }

  @Test
  void parse_invalidModelId_usageErrorAsTheTrainerWouldRejectIt() {
    assertThatThrownBy(() -> parse("--model", "bad id!"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessage(
            "--model: model id \"bad id!\" has character U+0020 at position 3; use only letters,"
                + " digits, '.', '_' and '-'");
    assertThatThrownBy(() -> parse("--model", "")).hasMessageContaining("--model");
  }

  @Test
  void run_invalidModelId_exitsTwoBeforeStarting() {
    var out = new java.io.ByteArrayOutputStream();
    var err = new java.io.ByteArrayOutputStream();
    int status =
        DemoMain.run(
            new String[] {"--model", "bad id!", "--duration", "1s"},
            new java.io.PrintStream(out, true),
            new java.io.PrintStream(err, true));
    assertThat(status).isEqualTo(2);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString()).startsWith("--model: model id \"bad id!\" has character U+0020");
  }

  @Test
  void stoppingLine_namesThePartsThatRun() {
    assertThat(DemoMain.stoppingLine(parse()))
        .isEqualTo("streamprop demo: stopping (producer, trainer, scorer, broker) ...");
    assertThat(DemoMain.stoppingLine(parse("--label-delay", "30s")))
        .isEqualTo("streamprop demo: stopping (simulated client, trainer, scorer, broker) ...");
  }

  @Test
  void duration_unitsAndIso_parsed() {
    assertThat(DemoCommand.duration("90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(DemoCommand.duration("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(DemoCommand.duration("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(DemoCommand.duration("30")).isEqualTo(Duration.ofSeconds(30));
    assertThat(DemoCommand.duration("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(DemoCommand.duration("PT1M")).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void samples_exposition_onlyThisModelsLabeledSamples() {
    String exposition =
        String.join(
            "\n",
            "# HELP streamprop_serving_loss Served model's loss",
            "# TYPE streamprop_serving_loss gauge",
            "streamprop_serving_loss{model=\"letter\"} 1.25",
            "streamprop_serving_loss{model=\"letter2\"} 9.0",
            "streamprop_snapshot_age_seconds{model=\"letter\"} 0.5",
            "jvm_threads_live_threads 40.0");
    assertThat(StatusLine.samples(exposition, "letter"))
        .isEqualTo(Map.of("streamprop_serving_loss", 1.25, "streamprop_snapshot_age_seconds", 0.5));
  }
}
