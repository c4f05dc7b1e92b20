package io.streamprop.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The builder and the broker configuration, without starting a broker. */
class LocalKafkaTest {

  @Test
  void defaults_singleNode_internalTopicsUseReplicationFactorOne() {
    try (LocalKafka kafka = LocalKafka.builder().build()) {
      assertThat(kafka.brokerConfig())
          .containsEntry("offsets.topic.replication.factor", "1")
          .containsEntry("transaction.state.log.replication.factor", "1")
          .containsEntry("transaction.state.log.min.isr", "1")
          .containsEntry("group.initial.rebalance.delay.ms", "0")
          .containsEntry("log.cleaner.dedupe.buffer.size", "4194304")
          .containsEntry("message.max.bytes", Integer.toString(64 * 1024 * 1024))
          .containsEntry("process.roles", "broker,controller");
      assertThat(kafka.isRunning()).isFalse();
      assertThat(kafka.mode()).isEqualTo(LocalKafka.Mode.IN_PROCESS);
    }
  }

  @Test
  void saslPlain_onTls_listenerIsSaslSslAndClientsGetTheLogin(@TempDir Path dir) {
    TlsFiles tls = TlsFiles.selfSigned(dir);
    try (LocalKafka kafka =
        LocalKafka.builder().tlsOnly(tls).saslPlain("alice", "s3cret").build()) {
      assertThat(kafka.brokerConfig().get("listener.security.protocol.map"))
          .contains("SSL:SASL_SSL");
      assertThat(kafka.brokerConfig())
          .containsEntry("sasl.enabled.mechanisms", "PLAIN")
          .containsEntry("sasl.mechanism.inter.broker.protocol", "PLAIN");
      assertThat(kafka.brokerConfig().get("listener.name.ssl.plain.sasl.jaas.config"))
          .contains("username=\"alice\"", "password=\"s3cret\"", "user_alice=\"s3cret\"");
      assertThat(kafka.tlsClientProperties())
          .containsEntry("security.protocol", "SASL_SSL")
          .containsEntry("sasl.mechanism", "PLAIN")
          .containsEntry("sasl.jaas.config", LocalKafka.plainJaasConfig("alice", "s3cret"));
    }
  }

  @Test
  void saslPlain_withoutTls_orWithAQuote_isRefused() {
    assertThatThrownBy(() -> LocalKafka.builder().saslPlain("alice", "s3cret").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("needs a TLS listener");
    assertThatThrownBy(() -> LocalKafka.builder().saslPlain("alice", "a\"b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SASL user and password");
  }

  @Test
  void portZero_build_picksAFreePortAndAdvertisesIt() {
    try (LocalKafka kafka = LocalKafka.builder().port(0).build()) {
      assertThat(kafka.port()).isPositive();
      assertThat(kafka.bootstrapServers()).isEqualTo("127.0.0.1:" + kafka.port());
      assertThat(kafka.brokerConfig().get("advertised.listeners"))
          .isEqualTo("PLAINTEXT://" + kafka.bootstrapServers());
    }
  }

  @Test
  void portZero_onLinux_picksPortsBelowTheEphemeralRange() throws Exception {
    Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    assumeTrue(Files.isReadable(range), "needs Linux's ephemeral port range");
    int ephemeralLow;
    try (BufferedReader reader = Files.newBufferedReader(range)) {
      ephemeralLow = Integer.parseInt(reader.readLine().trim().split("\\s+")[0]);
    }
    try (LocalKafka kafka = LocalKafka.builder().build()) {
      String controllerPort = kafka.brokerConfig().get("controller.quorum.voters").split(":")[1];
      assertThat(kafka.port()).isBetween(10000, ephemeralLow - 1);
      assertThat(Integer.parseInt(controllerPort)).isBetween(10000, ephemeralLow - 1);
    }
  }

  @Test
  void maxMessageBytes_aboveSocketLimit_raisesSocketRequestLimitToo() {
    int max = 200 * 1024 * 1024;
    try (LocalKafka kafka = LocalKafka.builder().maxMessageBytes(max).build()) {
      assertThat(kafka.maxMessageBytes()).isEqualTo(max);
      assertThat(kafka.brokerConfig()).containsEntry("message.max.bytes", Integer.toString(max));
      assertThat(Long.parseLong(kafka.brokerConfig().get("socket.request.max.bytes")))
          .isGreaterThan(max);
    }
  }

  @Test
  void brokerProperty_overridesADefault_lastValueWins() {
    try (LocalKafka kafka =
        LocalKafka.builder()
            .brokerProperty("offsets.topic.num.partitions", "3")
            .brokerProperty("log.cleaner.backoff.ms", "500")
            .build()) {
      assertThat(kafka.brokerConfig())
          .containsEntry("offsets.topic.num.partitions", "3")
          .containsEntry("log.cleaner.backoff.ms", "500");
    }
  }

  @Test
  void brokerProperty_reservedListenerKey_isRefusedByName() {
    assertThatThrownBy(() -> LocalKafka.builder().brokerProperty("listeners", "PLAINTEXT://:9092"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("listeners")
        .hasMessageContaining("set by LocalKafka");
  }

  @Test
  void brokerProperty_messageMaxBytes_pointsToTheBuilderOption() {
    assertThatThrownBy(() -> LocalKafka.builder().brokerProperty("message.max.bytes", "10"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxMessageBytes(int)");
  }

  @Test
  void port_outOfRange_isRefusedWithTheValue() {
    assertThatThrownBy(() -> LocalKafka.builder().port(70000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("70000");
  }

  @Test
  void close_temporaryLogDir_isDeleted() {
    LocalKafka kafka = LocalKafka.builder().build();
    Path dir = kafka.logDir();
    assertThat(dir).isDirectory();
    kafka.close();
    assertThat(Files.exists(dir)).isFalse();
  }

  @Test
  void close_givenLogDir_isKept(@TempDir Path dir) throws Exception {
    Path marker = Files.writeString(dir.resolve("marker"), "kept");
    LocalKafka kafka = LocalKafka.builder().logDir(dir).build();
    kafka.close();
    assertThat(kafka.logDir()).isEqualTo(dir.toAbsolutePath());
    assertThat(marker).as("a caller's directory is never deleted").hasContent("kept");
  }

  @Test
  void start_afterClose_isRefused() {
    LocalKafka kafka = LocalKafka.builder().build();
    kafka.close();
    assertThatThrownBy(kafka::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void kill_inProcess_isUnsupportedAndSaysWhy() {
    try (LocalKafka kafka = LocalKafka.builder().build()) {
      assertThatThrownBy(kafka::kill)
          .isInstanceOf(UnsupportedOperationException.class)
          .hasMessageContaining("CHILD_PROCESS");
    }
  }
}
