package io.streamprop.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class ServiceOptionsTest {
  @Command(name = "service")
  static final class Service {
    @Mixin ServiceOptions options;
  }

  private static ServiceOptions parse(String... args) {
    Service service = new Service();
    new CommandLine(service).parseArgs(args);
    return service.options;
  }

  @Test
  void bootstrapServerAndConfig_becomeAFlagAndTheFile() {
    ConfigSources sources =
        parse("--bootstrap-server", "k:9092", "--config", "t.properties")
            .sources(Map.of("HOME", "/root"), Map.of("streamprop.http.port", "9000"));

    assertThat(sources.file()).isEqualTo(Path.of("t.properties"));
    assertThat(sources.fileOption()).isEqualTo("--config");
    assertThat(sources.environment()).containsOnlyKeys("HOME");
    assertThat(sources.flags())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("bootstrap.servers", "k:9092", "streamprop.http.port", "9000"));
  }

  @Test
  void pluralSpelling_isTheSameOption() {
    assertThat(parse("--bootstrap-servers", "k:9092").sources(Map.of(), Map.of()).flags())
        .containsEntry("bootstrap.servers", "k:9092");
  }

  @Test
  void noBootstrapServerFlag_leavesItToTheFileAndTheEnvironment() {
    ConfigSources sources = parse().sources(Map.of(), Map.of());

    assertThat(sources.file()).isNull();
    assertThat(sources.flags()).isEmpty();
  }
}
