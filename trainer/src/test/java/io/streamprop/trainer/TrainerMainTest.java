package io.streamprop.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamprop.trainer.config.ConfigException;
import org.junit.jupiter.api.Test;

class TrainerMainTest {

  @Test
  void help_printsUsage_andExitsZero() {
    assertThat(TrainerMain.run(new String[] {"--help"})).isZero();
  }

  @Test
  void unknownArgument_exitsTwo() {
    assertThat(TrainerMain.run(new String[] {"--bogus"})).isEqualTo(2);
  }

  @Test
  void optionWithoutValue_isAUsageError() {
    assertThatThrownBy(() -> TrainerMain.parse(new String[] {"--bootstrap-server"}))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--bootstrap-server needs a value");
  }

  @Test
  void bootstrapServer_fromTheCommandLine_setsBootstrapServers() {
    assertThat(TrainerMain.parse(new String[] {"--bootstrap-server", "k:9092"}).bootstrapServers())
        .isEqualTo("k:9092");
  }
}
