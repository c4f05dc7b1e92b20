package io.streamprop.scorer.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamprop.config.ConfigException;
import io.streamprop.config.ConfigSources;
import io.streamprop.config.ScorerKeys;
import io.streamprop.scorer.ScorerCommand;
import io.streamprop.wire.SigningKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ScorerConfigTest {

  /** The scorer's configuration as {@code streamprop scorer ARGS} reads it. */
  private static ScorerConfig load(String[] args, Map<String, String> env) {
    ScorerCommand command = new ScorerCommand();
    new CommandLine(command).parseArgs(args);
    return command.config(env);
  }

  private static ScorerConfig of(Properties properties) {
    Map<String, String> values = new HashMap<>();
    properties.stringPropertyNames().forEach(key -> values.put(key, properties.getProperty(key)));
    return ScorerConfig.load(ConfigSources.of(values));
  }

  @Test
  void onlyBootstrapServer_defaultsEverywhere() {
    ScorerConfig config = load(new String[] {"--bootstrap-server", "k:9092"}, Map.of());

    assertThat(config.port()).isEqualTo(8080);
    assertThat(config.topics().snapshots()).isEqualTo("model-snapshots");
    assertThat(config.topics().examples()).isEqualTo("examples");
    assertThat(config.servingLossEnabled()).isTrue();
    assertThat(config.httpSelectors()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(config.kafka()).containsEntry("bootstrap.servers", "k:9092");
  }

  @Test
  void httpSelectors_fromEnv_validated() {
    String[] args = {"--bootstrap-server", "k:1"};
    assertThat(load(args, Map.of("STREAMPROP_HTTP_SELECTORS", "2")).httpSelectors()).isEqualTo(2);
    assertThatThrownBy(() -> load(args, Map.of("STREAMPROP_HTTP_SELECTORS", "0")))
        .hasMessageContaining("streamprop.http.selectors must be in [1, 256], got 0");
  }

  @Test
  void layers_fileThenEnvThenArguments_laterWins(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("scorer.properties");
    Files.writeString(
        file,
        String.join(
            "\n",
            "bootstrap.servers=file:9092",
            "security.protocol=SSL",
            "streamprop.http.port=9000",
            "streamprop.topic.prefix=team-",
            "streamprop.trainer.metrics.max.models=5",
            "streamprop.http.max.body.bytes=100000"));
    Map<String, String> env =
        Map.of(
            "STREAMPROP_HTTP_PORT", "9001",
            "KAFKA_CLIENT_RACK", "eu-1",
            "STREAMPROP_TOPIC_SNAPSHOTS", "snaps");

    ScorerConfig config =
        load(
            new String[] {"--config", file.toString(), "--port=9002", "--bootstrap-server", "a:1"},
            env);

    assertThat(config.port()).isEqualTo(9002);
    assertThat(config.maxBodyBytes()).isEqualTo(100_000);
    assertThat(config.topics().snapshots()).isEqualTo("team-snaps");
    assertThat(config.topics().examples()).isEqualTo("team-examples");
    assertThat(config.kafka())
        .containsEntry("bootstrap.servers", "a:1")
        .containsEntry("security.protocol", "SSL")
        .containsEntry("client.rack", "eu-1")
        .doesNotContainKey("streamprop.trainer.metrics.max.models");
  }

  @Test
  void envPort_overridesFile_whenNoArgument(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("scorer.properties");
    Files.writeString(file, "bootstrap.servers=k:1\nstreamprop.http.port=9000\n");

    ScorerConfig config =
        load(new String[] {"--config", file.toString()}, Map.of("STREAMPROP_HTTP_PORT", "9001"));

    assertThat(config.port()).isEqualTo(9001);
  }

  @Test
  void mistakes_failNamingTheKeyOrArgument(@TempDir Path dir) {
    assertThatThrownBy(() -> load(new String[] {}, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--bootstrap-server");
    assertThatThrownBy(() -> load(new String[] {"--bootstrap", "k:1"}, Map.of()))
        .hasMessageContaining("Unknown options: '--bootstrap'");
    assertThatThrownBy(() -> load(new String[] {"--bootstrap-server"}, Map.of()))
        .hasMessageContaining("Missing required parameter for option '--bootstrap-server'");
    assertThatThrownBy(
            () -> load(new String[] {"--bootstrap-server", "k:1", "--port", "x"}, Map.of()))
        .hasMessageContaining("streamprop.http.port must be an integer, got 'x'");
    assertThatThrownBy(
            () ->
                load(
                    new String[] {"--bootstrap-server", "k:1"},
                    Map.of("STREAMPROP_HTTP_PORT", "70000")))
        .hasMessageContaining("streamprop.http.port must be in [0, 65535], got 70000");
    assertThatThrownBy(
            () -> load(new String[] {"--config", dir.resolve("missing").toString()}, Map.of()))
        .hasMessageContaining("cannot read config file");
  }

  @Test
  void typoInScorerNamespace_fails(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("scorer.properties");
    Files.writeString(file, "bootstrap.servers=k:1\nstreamprop.http.prot=9000\n");

    assertThatThrownBy(() -> load(new String[] {"--config", file.toString()}, Map.of()))
        .hasMessageContaining("unknown scorer key 'streamprop.http.prot'");
  }

  @Test
  void env_doubleUnderscore_isLiteralUnderscore() {
    assertThat(
            load(
                    new String[] {"--bootstrap-server", "k:1"},
                    Map.of("KAFKA_SASL_MECHANISM", "PLAIN", "KAFKA_A__B", "x", "HOME", "/root"))
                .kafka())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("bootstrap.servers", "k:1", "sasl.mechanism", "PLAIN", "a_b", "x"));
  }

  @Test
  void secrets_hiddenWhenPrinted() {
    ScorerConfig config =
        load(
            new String[] {"--bootstrap-server", "k:1"},
            Map.of("KAFKA_SSL_KEY_PASSWORD", "hunter2"));

    assertThat(config.toString()).doesNotContain("hunter2").contains("ssl.key.password=[hidden]");
  }

  @Test
  void clientRateLimit_fromEnvironment_parsedWithDefaults() {
    ScorerConfig config =
        load(
            new String[] {"--bootstrap-server", "k:1"},
            Map.of(
                "STREAMPROP_SCORER_RATE_LIMIT_CLIENT_PER_SECOND", "2.5",
                "STREAMPROP_SCORER_RATE_LIMIT_CLIENT_MAX_CLIENTS", "500"));

    assertThat(config.clientRateLimitPerSecond()).isEqualTo(2.5);
    assertThat(config.clientRateLimitBurst()).as("one second's worth, rounded up").isEqualTo(3);
    assertThat(config.clientRateLimitMaxClients()).isEqualTo(500);
    assertThat(config.rateLimitPerSecond()).as("the global limit stays off").isZero();
  }

  @Test
  void clientRateLimit_badValues_refusedNamingTheKey() {
    for (String[] bad :
        new String[][] {
          {ScorerKeys.CLIENT_RATE_LIMIT, "-1"},
          {ScorerKeys.CLIENT_RATE_LIMIT, "fast"},
          {ScorerKeys.CLIENT_RATE_LIMIT_BURST, "-3"},
          {ScorerKeys.CLIENT_RATE_LIMIT_MAX_CLIENTS, "0"}
        }) {
      java.util.Properties properties = new java.util.Properties();
      properties.setProperty("bootstrap.servers", "k:1");
      properties.setProperty(bad[0], bad[1]);
      assertThatThrownBy(() -> of(properties))
          .as(bad[0] + "=" + bad[1])
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining(bad[0]);
    }
  }

  @Test
  void securityKeys_parsedAndHiddenFromToString() {
    String key = java.util.Base64.getEncoder().encodeToString(new byte[32]);
    java.util.Properties properties = new java.util.Properties();
    properties.setProperty("bootstrap.servers", "k:1");
    properties.setProperty(SigningKey.CONFIG_KEY, key);
    properties.setProperty(ScorerKeys.AUTH_TOKENS, "aaaaaaaaaaaaaaaa, bbbbbbbbbbbbbbbb");
    properties.setProperty(ScorerKeys.AUTH_ADMIN_TOKENS, "cccccccccccccccc");
    properties.setProperty(ScorerKeys.RATE_LIMIT, "50");

    ScorerConfig config = of(properties);

    assertThat(config.signingKey()).isNotNull();
    assertThat(config.predictTokens()).containsExactly("aaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbb");
    assertThat(config.adminTokens()).containsExactly("cccccccccccccccc");
    assertThat(config.rateLimitPerSecond()).isEqualTo(50.0);
    assertThat(config.rateLimitBurst()).isEqualTo(50);
    assertThat(config.toString())
        .doesNotContain(key)
        .doesNotContain("aaaaaaaaaaaaaaaa")
        .doesNotContain("cccccccccccccccc");
  }

  @Test
  void badSecuritySettings_failNamingTheProblem() {
    java.util.Properties shortKey = new java.util.Properties();
    shortKey.setProperty("bootstrap.servers", "k:1");
    shortKey.setProperty(
        SigningKey.CONFIG_KEY, java.util.Base64.getEncoder().encodeToString(new byte[8]));
    java.util.Properties shortToken = new java.util.Properties();
    shortToken.setProperty("bootstrap.servers", "k:1");
    shortToken.setProperty(ScorerKeys.AUTH_TOKENS, "abc");
    java.util.Properties protectWithoutAdmin = new java.util.Properties();
    protectWithoutAdmin.setProperty("bootstrap.servers", "k:1");
    protectWithoutAdmin.setProperty(ScorerKeys.AUTH_PROTECT_METRICS, "true");

    assertThatThrownBy(() -> of(shortKey))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("8 bytes; it needs at least 32");
    assertThatThrownBy(() -> of(shortToken))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(ScorerKeys.AUTH_TOKENS)
        .hasMessageContaining("at least 16");
    assertThatThrownBy(() -> of(protectWithoutAdmin))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(ScorerKeys.AUTH_ADMIN_TOKENS);
  }
}
