package io.streamprop.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The self-signed TLS files and the TLS listener's configuration, without a broker. */
class TlsFilesTest {

  private static KeyStore load(Path file, String password) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      store.load(in, password.toCharArray());
    }
    return store;
  }

  @Test
  void selfSigned_keyStoreHoldsKey_trustStoreHoldsItsCertificate_forLoopback(@TempDir Path dir)
      throws Exception {
    TlsFiles tls = TlsFiles.selfSigned(dir);

    KeyStore keys = load(tls.keyStore(), tls.password());
    KeyStore trust = load(tls.trustStore(), tls.password());
    assertThat(keys.isKeyEntry("broker")).isTrue();
    assertThat(trust.isCertificateEntry("broker")).isTrue();
    X509Certificate certificate = (X509Certificate) keys.getCertificate("broker");
    assertThat(trust.getCertificate("broker")).isEqualTo(certificate);
    Collection<List<?>> names = certificate.getSubjectAlternativeNames();
    assertThat(names).contains(List.of(7, "127.0.0.1"), List.of(2, "localhost"));
  }

  @Test
  void tlsListener_config_addsSslListenerBesidePlaintext(@TempDir Path dir) {
    TlsFiles tls = new TlsFiles(dir.resolve("k.p12"), dir.resolve("t.p12"), "pw");
    try (LocalKafka kafka = LocalKafka.builder().tls(tls).build()) {
      String ssl = kafka.tlsBootstrapServers();

      assertThat(ssl).startsWith("127.0.0.1:").isNotEqualTo(kafka.bootstrapServers());
      assertThat(kafka.brokerConfig().get("listeners")).contains("SSL://" + ssl);
      assertThat(kafka.brokerConfig().get("advertised.listeners"))
          .isEqualTo("PLAINTEXT://" + kafka.bootstrapServers() + ",SSL://" + ssl);
      assertThat(kafka.brokerConfig().get("listener.security.protocol.map")).endsWith(",SSL:SSL");
      assertThat(kafka.brokerConfig())
          .containsEntry("ssl.keystore.location", tls.keyStore().toString());
      assertThat(kafka.tlsClientProperties())
          .containsEntry("bootstrap.servers", ssl)
          .containsEntry("security.protocol", "SSL")
          .containsEntry("ssl.truststore.location", tls.trustStore().toString());
    }
  }

  @Test
  void tlsOnly_config_noPlaintextListenerForClients_interBrokerOverTls(@TempDir Path dir) {
    TlsFiles tls = new TlsFiles(dir.resolve("k.p12"), dir.resolve("t.p12"), "pw");
    try (LocalKafka kafka = LocalKafka.builder().tlsOnly(tls).build()) {
      String ssl = kafka.tlsBootstrapServers();

      assertThat(kafka.hasPlaintextListener()).isFalse();
      assertThat(kafka.bootstrapServers()).isEqualTo(ssl);
      assertThat(kafka.brokerConfig().get("advertised.listeners")).isEqualTo("SSL://" + ssl);
      assertThat(kafka.brokerConfig().get("listeners"))
          .startsWith("SSL://" + ssl + ",CONTROLLER://")
          .doesNotContain("PLAINTEXT://");
      assertThat(kafka.brokerConfig().get("listener.security.protocol.map"))
          .isEqualTo("CONTROLLER:PLAINTEXT,SSL:SSL");
      assertThat(kafka.brokerConfig())
          .containsEntry("inter.broker.listener.name", "SSL")
          .containsEntry("ssl.truststore.location", tls.trustStore().toString());
    }
  }

  @Test
  void noTls_tlsBootstrapServers_refusedClearly() {
    try (LocalKafka kafka = LocalKafka.builder().build()) {
      assertThatThrownBy(kafka::tlsBootstrapServers).hasMessageContaining("no TLS listener");
    }
  }
}
