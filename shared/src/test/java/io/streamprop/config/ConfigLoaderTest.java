package io.streamprop.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one loader: its four layers, the checks of keys and values, and the topic names. */
class ConfigLoaderTest {
  @TempDir Path dir;

  private Path file(String... lines) throws IOException {
    return Files.writeString(dir.resolve("app.properties"), String.join("\n", lines) + "\n");
  }

  private static Settings load(
      Program program, Path file, Map<String, String> env, Map<String, String> flags) {
    return ConfigLoader.load(program, new ConfigSources(file, "--config", env, flags));
  }

  private static Settings scorer(Map<String, String> flags) {
    return ConfigLoader.load(Program.SCORER, ConfigSources.of(flags));
  }

  @Test
  void eachLayer_overridesTheOneBefore_defaultsFileEnvironmentFlags() throws IOException {
    Path file =
        file(
            "bootstrap.servers=file:1",
            "streamprop.http.port=9001",
            "streamprop.http.threads=41",
            "streamprop.http.host=file-host");
    Map<String, String> env =
        Map.of("STREAMPROP_HTTP_PORT", "9002", "STREAMPROP_HTTP_THREADS", "42");
    Map<String, String> flags = Map.of("streamprop.http.port", "9003");

    Settings settings = load(Program.SCORER, file, env, flags);

    assertThat(settings.string(ScorerKeys.HTTP_MAX_BODY_BYTES)).as("default").isEqualTo("4194304");
    assertThat(settings.string(ScorerKeys.HTTP_HOST))
        .as("file over default")
        .isEqualTo("file-host");
    assertThat(settings.string(ScorerKeys.HTTP_THREADS))
        .as("environment over file")
        .isEqualTo("42");
    assertThat(settings.string(ScorerKeys.HTTP_PORT)).as("flag over environment").isEqualTo("9003");
  }

  @Test
  void kafkaProperties_takeTheSameLayers_andPassThrough() throws IOException {
    Path file = file("bootstrap.servers=file:1", "security.protocol=SSL", "client.id=file");
    Map<String, String> env =
        Map.of("KAFKA_BOOTSTRAP_SERVERS", "env:2", "KAFKA_CLIENT_ID", "env", "PATH", "/bin");
    Map<String, String> flags = Map.of("bootstrap.servers", "flag:3");

    Settings settings = load(Program.TRAINER, file, env, flags);

    assertThat(settings.kafka())
        .containsEntry("bootstrap.servers", "flag:3")
        .containsEntry("client.id", "env")
        .containsEntry("security.protocol", "SSL")
        .containsEntry("application.id", "streamprop-trainer")
        .doesNotContainKeys("path", "streamprop.topic.prefix");
  }

  @Test
  void keysAndValues_areTrimmed() throws IOException {
    Settings settings =
        load(
            Program.TRAINER,
            file("bootstrap.servers = k:9092  ", "streamprop.topic.prefix=a.   "),
            Map.of("STREAMPROP_METRICS_PORT", " 9 "),
            Map.of());

    assertThat(settings.kafka()).containsEntry("bootstrap.servers", "k:9092");
    assertThat(settings.string(Topics.PREFIX)).isEqualTo("a.");
    assertThat(settings.integer(TrainerKeys.METRICS_PORT, -1, 65535)).isEqualTo(9);
  }

  @Test
  void environmentRule_streampropAndKafkaPrefixes_doubleUnderscoreIsLiteral() {
    Settings settings =
        load(
            Program.TRAINER,
            null,
            Map.of(
                "STREAMPROP_TOPIC_PREFIX", "prod.",
                "KAFKA_BOOTSTRAP_SERVERS", "k:1",
                "KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "KAFKA_PRODUCER_COMPRESSION_TYPE", "lz4",
                "KAFKA_A__B", "x",
                "KAFKA_", "nothing after the prefix",
                "HOME", "/root"),
            Map.of());

    assertThat(settings.string(Topics.PREFIX)).isEqualTo("prod.");
    assertThat(settings.kafka())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "bootstrap.servers", "k:1",
                "security.protocol", "SASL_SSL",
                "producer.compression.type", "lz4",
                "a_b", "x",
                "application.id", "streamprop-trainer"));
  }

  @Test
  void environmentRule_variableFor_isTheInverseOfKeyFor() {
    for (String key :
        new String[] {
          "streamprop.http.port", "bootstrap.servers", "sasl.jaas.config", "a_b", "x.y_z.w"
        }) {
      String variable = EnvironmentVariables.variableFor(key);
      assertThat(EnvironmentVariables.keyFor(variable)).as(variable).isEqualTo(key);
    }
    assertThat(EnvironmentVariables.variableFor("streamprop.model.spec.file"))
        .isEqualTo("STREAMPROP_MODEL_SPEC_FILE");
    assertThat(EnvironmentVariables.variableFor("bootstrap.servers"))
        .isEqualTo("KAFKA_BOOTSTRAP_SERVERS");
  }

  @Test
  void unknownKey_underAKnownNamespace_failsNamingKeyAndSource() throws IOException {
    Path file = file("bootstrap.servers=k:1", "streamprop.http.prot=9000");

    assertThatThrownBy(() -> load(Program.SCORER, file, Map.of(), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown scorer key 'streamprop.http.prot'")
        .hasMessageContaining("(from " + file + ")")
        .hasMessageContaining("streamprop.http.port");
    assertThatThrownBy(
            () ->
                load(
                    Program.TRAINER,
                    null,
                    Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:1", "STREAMPROP_TOPIC_PREFX", "p."),
                    Map.of()))
        .hasMessageContaining("unknown trainer key 'streamprop.topic.prefx'")
        .hasMessageContaining("environment variable STREAMPROP_TOPIC_PREFX");
  }

  @Test
  void anotherProgramsKey_isIgnored_soOneFileServesAll() throws IOException {
    Path file =
        file(
            "bootstrap.servers=k:1",
            "streamprop.http.port=9000",
            "streamprop.model.id=iris",
            "streamprop.topic.partitions=6");

    Settings scorer = load(Program.SCORER, file, Map.of(), Map.of());
    Settings trainer = load(Program.TRAINER, file, Map.of(), Map.of());
    Settings cli = load(Program.COMMAND_LINE, file, Map.of(), Map.of());

    assertThat(scorer.string(TrainerKeys.MODEL_ID)).isEmpty();
    assertThat(trainer.string(ScorerKeys.HTTP_PORT)).isEmpty();
    assertThat(trainer.string(TrainerKeys.TOPIC_PARTITIONS)).isEqualTo("6");
    assertThat(cli.kafka()).containsOnlyKeys("bootstrap.servers");
  }

  @Test
  void variablesOutsideEveryNamespace_areIgnored_asTheLaunchersOwn() {
    Settings settings =
        load(
            Program.SCORER,
            null,
            Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "k:1",
                "STREAMPROP_JAVA_OPTS", "-Xmx1g",
                "STREAMPROP_NO_BUILD", "1"),
            Map.of());

    assertThat(settings.toString()).doesNotContain("java.opts").doesNotContain("no.build");
    assertThat(settings.kafka()).containsOnlyKeys("bootstrap.servers");
  }

  @Test
  void badValues_failNamingKeyValueAndSource() {
    Settings settings =
        load(
            Program.SCORER,
            null,
            Map.of("STREAMPROP_HTTP_PORT", "eighty"),
            Map.of(
                "bootstrap.servers",
                "k:1",
                ScorerKeys.HTTP_THREADS,
                "2",
                ScorerKeys.SERVING_LOSS_ENABLED,
                "yes",
                ScorerKeys.SERVING_LOSS_HALF_LIFE,
                "0.5",
                ScorerKeys.RATE_LIMIT,
                "fast"));

    assertThatThrownBy(() -> settings.integer(ScorerKeys.HTTP_PORT, 0, 65535))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "streamprop.http.port must be an integer, got 'eighty'"
                + " (from environment variable STREAMPROP_HTTP_PORT)");
    assertThatThrownBy(() -> settings.integer(ScorerKeys.HTTP_THREADS, 4, 10_000))
        .hasMessage("streamprop.http.threads must be in [4, 10000], got 2 (from the command line)");
    assertThatThrownBy(() -> settings.integer(ScorerKeys.HTTP_THREADS, 4, Integer.MAX_VALUE))
        .hasMessageContaining("must be at least 4, got 2");
    assertThatThrownBy(() -> settings.bool(ScorerKeys.SERVING_LOSS_ENABLED))
        .hasMessageContaining("streamprop.serving.loss.enabled must be true or false, got 'yes'");
    assertThatThrownBy(() -> settings.number(ScorerKeys.SERVING_LOSS_HALF_LIFE, 1, 1e9))
        .hasMessageContaining(
            "streamprop.serving.loss.half.life must be in [1, 1000000000], got 0.5");
    assertThatThrownBy(() -> settings.number(ScorerKeys.RATE_LIMIT, 0, 1e9))
        .hasMessageContaining(
            "streamprop.scorer.rate.limit.per.second must be a number, got 'fast'");
  }

  @Test
  void missingBootstrapServers_saysEveryWayToSetIt() {
    assertThatThrownBy(() -> load(Program.TRAINER, null, Map.of(), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "bootstrap.servers is not set: pass --bootstrap-server HOST:PORT, set"
                + " bootstrap.servers in the --config file, or set KAFKA_BOOTSTRAP_SERVERS");
  }

  @Test
  void missingFile_namesTheOptionAndTheFile() {
    Path missing = dir.resolve("missing.properties");

    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Program.COMMAND_LINE,
                    new ConfigSources(
                        missing, "--command-config", Map.of(), Map.of("bootstrap.servers", "k"))))
        .isInstanceOf(ConfigException.class)
        .hasMessage("cannot read config file: --command-config: no such file: " + missing);
  }

  @Test
  void topicPrefix_goesBeforeEveryTopic_inEveryProgram() {
    for (Program program : Program.values()) {
      Settings settings =
          ConfigLoader.load(
              program,
              ConfigSources.of(
                  Map.of(
                      "bootstrap.servers",
                      "k:1",
                      Topics.PREFIX,
                      "team.",
                      Topics.SNAPSHOTS,
                      "snaps")));

      assertThat(Topics.from(settings))
          .as(program.label())
          .isEqualTo(
              new Topics(
                  "team.examples",
                  "team.model-specs",
                  "team.snaps",
                  "team.dead-letters",
                  "team.predictions",
                  "team.labels"));
    }
  }

  @Test
  void topicNames_withoutPrefix_areTheContractsNames() {
    assertThat(Topics.from(scorer(Map.of("bootstrap.servers", "k:1"))))
        .isEqualTo(
            new Topics(
                "examples",
                "model-specs",
                "model-snapshots",
                "dead-letters",
                "predictions",
                "labels"));
  }

  @Test
  void topicName_thatKafkaRefuses_failsNamingTheKeys() {
    Settings settings = scorer(Map.of("bootstrap.servers", "k:1", Topics.PREFIX, "team/"));

    assertThatThrownBy(() -> Topics.from(settings))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "streamprop.topic.prefix + streamprop.topic.examples = 'team/examples'")
        .hasMessageContaining("(from the command line)");
  }

  @Test
  void toString_hidesSecrets() {
    String key = Base64.getEncoder().encodeToString(new byte[32]);
    Settings settings =
        scorer(
            Map.of(
                "bootstrap.servers",
                "k:1",
                "ssl.key.password",
                "hunter2",
                "sasl.jaas.config",
                "user=\"a\" password=\"b\"",
                ScorerKeys.AUTH_TOKENS,
                "aaaaaaaaaaaaaaaa",
                io.streamprop.wire.SigningKey.CONFIG_KEY,
                key));

    assertThat(settings.toString())
        .doesNotContain("hunter2", "password=\"b\"", "aaaaaaaaaaaaaaaa", key)
        .contains("ssl.key.password=[hidden]", "streamprop.http.port=8080");
  }
}
