package io.streamprop.trainer.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamprop.config.ConfigException;
import io.streamprop.config.ConfigSources;
import io.streamprop.config.EnvironmentVariables;
import io.streamprop.config.TrainerKeys;
import io.streamprop.trainer.state.BlobFilesRocksDb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerConfigTest {
  @TempDir Path dir;

  private static TrainerConfig load(Map<String, String> properties) {
    return TrainerConfig.load(ConfigSources.of(properties));
  }

  @Test
  void environmentVariables_mapToPropertyKeys_kafkaPrefixRemoved_doubleUnderscoreKept() {
    TrainerConfig config =
        TrainerConfig.load(
            new ConfigSources(
                null,
                "--config",
                Map.of(
                    "STREAMPROP_TOPIC_PREFIX", "prod.",
                    "KAFKA_BOOTSTRAP_SERVERS", "k:9092",
                    "KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                    "KAFKA_PRODUCER_COMPRESSION_TYPE", "lz4",
                    "PATH", "/usr/bin"),
                Map.of()));
    assertThat(config.topics().examples()).isEqualTo("prod.examples");
    assertThat(config.streamsProperties())
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("producer.compression.type", "lz4")
        .doesNotContainKey("path");
    assertThat(EnvironmentVariables.keyFor("STREAMPROP_MODEL_SPEC__FILE"))
        .isEqualTo("streamprop.model.spec_file");
  }

  @Test
  void laterSources_win_fileThenEnvironmentThenCommandLine() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("t.properties"),
            "bootstrap.servers=file:1\nstreamprop.topic.prefix=file.\n");
    TrainerConfig config =
        TrainerConfig.load(
            new ConfigSources(
                file,
                "--config",
                Map.of("KAFKA_BOOTSTRAP_SERVERS", "env:2"),
                Map.of("bootstrap.servers", "cli:3")));
    assertThat(config.bootstrapServers()).isEqualTo("cli:3");
    assertThat(config.topics().examples()).isEqualTo("file.examples");
    assertThat(config.topics().snapshots()).isEqualTo("file.model-snapshots");
  }

  @Test
  void streamsProperties_defaultToExactlyOnceV2_andPassEveryKafkaKeyThrough() {
    TrainerConfig config =
        load(
            Map.of(
                "bootstrap.servers", "k:9092",
                "security.protocol", "SSL",
                "num.stream.threads", "4",
                "streamprop.metrics.port", "9999"));
    Properties streams = config.streamsProperties();
    assertThat(streams.getProperty("processing.guarantee")).isEqualTo("exactly_once_v2");
    assertThat(streams.getProperty("security.protocol")).isEqualTo("SSL");
    assertThat(streams.getProperty("num.stream.threads")).isEqualTo("4");
    assertThat(streams.getProperty("application.id")).isEqualTo("streamprop-trainer");
    assertThat(streams).doesNotContainKey("streamprop.metrics.port");
    assertThat(config.adminProperties().getProperty("security.protocol")).isEqualTo("SSL");
    assertThat(config.adminProperties()).doesNotContainKey("num.stream.threads");
  }

  @Test
  void producerBatch_defaultsTo256KiB_forKilobyteSnapshots_andAConfiguredOneWins() {
    assertThat(load(Map.of("bootstrap.servers", "k:1")).streamsProperties())
        .containsEntry("producer.batch.size", "262144");
    assertThat(
            load(Map.of("bootstrap.servers", "k:1", "producer.batch.size", "16384"))
                .streamsProperties())
        .containsEntry("producer.batch.size", "16384");
  }

  @Test
  void rocksDb_keepsLargeValuesInBlobFiles_andAConfiguredSetterWins() {
    assertThat(load(Map.of("bootstrap.servers", "k:1")).streamsProperties())
        .containsEntry("rocksdb.config.setter", BlobFilesRocksDb.class.getName());
    assertThat(
            load(Map.of("bootstrap.servers", "k:1", "rocksdb.config.setter", "com.example.Mine"))
                .streamsProperties())
        .containsEntry("rocksdb.config.setter", "com.example.Mine");
    try (org.rocksdb.Options options = new org.rocksdb.Options()) {
      new BlobFilesRocksDb().setConfig("model-state", options, Map.of());
      assertThat(options.enableBlobFiles()).isTrue();
      assertThat(options.minBlobSize()).isEqualTo(1024);
      assertThat(options.enableBlobGarbageCollection()).isTrue();
    }
  }

  @Test
  void missingBootstrapServers_isAnErrorThatSaysHowToSetIt() {
    assertThatThrownBy(() -> load(Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--bootstrap-server");
  }

  @Test
  void badNumber_namesTheKeyAndTheValue() {
    assertThatThrownBy(
            () -> load(Map.of("bootstrap.servers", "k:1", "streamprop.topic.partitions", "three")))
        .hasMessageContaining("streamprop.topic.partitions")
        .hasMessageContaining("three");
  }

  @Test
  void learningLaneMinWeights_defaultsTo4096_minusOneIsNone_belowThatAnError() {
    assertThat(load(Map.of("bootstrap.servers", "k:1")).learningLaneMinWeights()).isEqualTo(4096);
    assertThat(
            load(Map.of("bootstrap.servers", "k:1", TrainerKeys.LEARNING_LANE_MIN_WEIGHTS, "-1"))
                .learningLaneMinWeights())
        .isEqualTo(-1);
    assertThatThrownBy(
            () ->
                load(Map.of(
                        "bootstrap.servers", "k:1", TrainerKeys.LEARNING_LANE_MIN_WEIGHTS, "-2"))
                    .learningLaneMinWeights())
        .hasMessageContaining(TrainerKeys.LEARNING_LANE_MIN_WEIGHTS)
        .hasMessageContaining("-2");
  }

  @Test
  void processingGuarantee_unknown_failsAtLoadNamingKeyValueAndFile() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("t.properties"),
            "bootstrap.servers=k:1\nprocessing.guarantee=at_most_twice\n");
    assertThatThrownBy(
            () -> TrainerConfig.load(new ConfigSources(file, "--config", Map.of(), Map.of())))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "processing.guarantee must be exactly_once_v2 (the default, which the trainer's"
                + " exactly-once training relies on) or at_least_once, got 'at_most_twice' (from "
                + file
                + ")");
  }

  @Test
  void processingGuarantee_acceptsTheValuesKafkaStreamsTakes() {
    var validator = StreamsConfig.configDef().configKeys().get("processing.guarantee").validator;
    for (String value : new String[] {"exactly_once_v2", "at_least_once"}) {
      TrainerConfig config =
          load(Map.of("bootstrap.servers", "k:1", "processing.guarantee", value));
      assertThat(config.processingGuarantee()).isEqualTo(value);
      validator.ensureValid("processing.guarantee", value);
    }
    assertThat(load(Map.of("bootstrap.servers", "k:1")).processingGuarantee())
        .isEqualTo("exactly_once_v2");
  }

  @Test
  void commitInterval_notANumber_namesKeyValueAndLayer() {
    assertThatThrownBy(
            () ->
                TrainerConfig.load(
                    new ConfigSources(
                        null,
                        "--config",
                        Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:1", "KAFKA_COMMIT_INTERVAL_MS", "abc"),
                        Map.of())))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "commit.interval.ms must be a whole number of ms, got 'abc'"
                + " (from environment variable KAFKA_COMMIT_INTERVAL_MS)");
  }

  @Test
  void configuredSpecFile_isRead_andNeedsAModelId() throws Exception {
    Path spec = dir.resolve("iris.json");
    Files.writeString(spec, "{\"inputs\": 4, \"classes\": 3}");
    TrainerConfig config =
        load(
            Map.of(
                "bootstrap.servers", "k:1",
                "streamprop.model.id", "iris",
                "streamprop.model.spec.file", spec.toString()));
    assertThat(config.configuredModel().orElseThrow().specJson())
        .isEqualTo("{\"inputs\": 4, \"classes\": 3}");
    assertThatThrownBy(
            () -> load(Map.of("bootstrap.servers", "k:1", "streamprop.model.spec", "{}")))
        .hasMessageContaining("streamprop.model.id");
  }

  @Test
  void propertiesFile_valuesAreTrimmed() throws Exception {
    Path file = dir.resolve("t.properties");
    Files.writeString(file, "bootstrap.servers = k:9092  \nstreamprop.topic.prefix=a.\n");
    TrainerConfig config =
        TrainerConfig.load(new ConfigSources(file, "--config", Map.of(), Map.of()));
    assertThat(config.bootstrapServers()).isEqualTo("k:9092");
    assertThat(config.topics().deadLetters()).isEqualTo("a.dead-letters");
  }

  @Test
  void signingKey_tooShort_failsAtStartNamingTheLength() {
    String shortKey = java.util.Base64.getEncoder().encodeToString(new byte[8]);

    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                load(
                    Map.of(
                        "bootstrap.servers",
                        "k:9092",
                        io.streamprop.wire.SigningKey.CONFIG_KEY,
                        shortKey)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("8 bytes; it needs at least 32");
  }
}
