package io.streamprop.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line of the stand-alone broker. */
class LocalKafkaMainTest {

  @Test
  void parse_allOptions_configureTheBroker(@TempDir Path dir) {
    LocalKafka.Builder builder =
        LocalKafkaMain.parse(
            new String[] {
              "--port", "0",
              "--log-dir", dir.toString(),
              "--max-message-bytes", "2000000",
              "--property", "log.cleaner.backoff.ms=500"
            });
    try (LocalKafka kafka = builder.build()) {
      assertThat(kafka.logDir()).isEqualTo(dir.toAbsolutePath());
      assertThat(kafka.maxMessageBytes()).isEqualTo(2_000_000);
      assertThat(kafka.brokerConfig()).containsEntry("log.cleaner.backoff.ms", "500");
    }
  }

  @Test
  void parse_unknownOption_namesIt() {
    assertThatThrownBy(() -> LocalKafkaMain.parse(new String[] {"--prot", "9092"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--prot");
  }

  @Test
  void parse_nonNumericPort_namesFlagAndValue() {
    assertThatThrownBy(() -> LocalKafkaMain.parse(new String[] {"--port", "ninety"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--port")
        .hasMessageContaining("ninety");
  }

  @Test
  void parse_propertyWithoutEquals_isRefused() {
    assertThatThrownBy(() -> LocalKafkaMain.parse(new String[] {"--property", "novalue"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("KEY=VALUE");
  }

  @Test
  void parse_flagWithoutValue_saysSo() {
    assertThatThrownBy(() -> LocalKafkaMain.parse(new String[] {"--log-dir"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--log-dir needs a value");
  }
}
