package io.streamprop.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** A cluster's listener layout, read from its nodes' configuration before any node starts. */
class LocalKafkaClusterTest {

  @Test
  void defaultLayout_everyListenerOnLoopback_noExternalBootstrap() {
    try (LocalKafkaCluster cluster = LocalKafkaCluster.builder().build()) {
      for (int id = 1; id <= cluster.size(); id++) {
        Map<String, String> config = cluster.brokerConfig(id);
        assertThat(config.get("listeners"))
            .matches("PLAINTEXT://127\\.0\\.0\\.1:\\d+,CONTROLLER://127\\.0\\.0\\.1:\\d+");
        assertThat(config.get("advertised.listeners"))
            .isEqualTo("PLAINTEXT://127.0.0.1:" + cluster.port(id));
        assertThat(config.get("listener.security.protocol.map"))
            .isEqualTo("PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
      }
      assertThatThrownBy(cluster::externalBootstrapServers)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("externalAddress");
    }
  }

  @Test
  void externalAddress_addsAnAdvertisedPlaintextListenerThere_loopbackUnchanged() {
    // 127.0.0.2 is a local address other than the nodes' own 127.0.0.1 on Linux (all of 127/8).
    try (LocalKafkaCluster cluster =
        LocalKafkaCluster.builder().externalAddress("127.0.0.2").build()) {
      String[] external = cluster.externalBootstrapServers().split(",");
      assertThat(external).hasSize(3).allMatch(a -> a.matches("127\\.0\\.0\\.2:\\d+"));
      assertThat(cluster.bootstrapServers()).doesNotContain("127.0.0.2");
      for (int id = 1; id <= cluster.size(); id++) {
        Map<String, String> config = cluster.brokerConfig(id);
        String loopback = "PLAINTEXT://127.0.0.1:" + cluster.port(id);
        String outside = "EXTERNAL://" + external[id - 1];
        assertThat(config.get("advertised.listeners")).isEqualTo(loopback + "," + outside);
        assertThat(config.get("listeners"))
            .startsWith(loopback + "," + outside + ",CONTROLLER://127.0.0.1:");
        assertThat(config.get("listener.security.protocol.map"))
            .isEqualTo("PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,EXTERNAL:PLAINTEXT");
        assertThat(config.get("inter.broker.listener.name")).isEqualTo("PLAINTEXT");
        assertThat(config.get("controller.quorum.voters")).doesNotContain("127.0.0.2");
      }
    }
  }

  @Test
  void externalAddress_loopbackOrNotAnAddress_isRefusedWithTheValue() {
    assertThatThrownBy(() -> LocalKafkaCluster.builder().externalAddress("127.0.0.1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("externalAddress")
        .hasMessageContaining("127.0.0.1");
    assertThatThrownBy(() -> LocalKafkaCluster.builder().externalAddress("veth0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("veth0");
  }

  @Test
  void commandLine_externalAddress_isForAClusterOnly() {
    assertThat(
            LocalKafkaMain.parseCluster(
                    new String[] {"--brokers", "3", "--external-address", "10.231.0.1"})
                .hasExternalAddress())
        .isTrue();
    assertThatThrownBy(
            () -> LocalKafkaMain.parse(new String[] {"--external-address", "10.231.0.1"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--external-address is for a cluster");
  }
}
