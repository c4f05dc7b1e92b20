package io.streamprop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamprop.config.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The cluster commands' Kafka options, read through the same loader as the services. */
class KafkaOptionsTest {
  @TempDir Path dir;

  @Command(name = "cluster")
  static final class ClusterCommand {
    @Mixin KafkaOptions kafka;
  }

  private static KafkaOptions parse(String... args) {
    ClusterCommand command = new ClusterCommand();
    new CommandLine(command).parseArgs(args);
    return command.kafka;
  }

  @Test
  void noPrefix_theContractsTopicNames() {
    assertThat(parse("--bootstrap-server", "k:1").topics())
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
  void topicPrefix_goesBeforeEveryTopic() {
    assertThat(parse("--bootstrap-server", "k:1", "--topic-prefix", "team.").topics())
        .isEqualTo(
            new Topics(
                "team.examples",
                "team.model-specs",
                "team.model-snapshots",
                "team.dead-letters",
                "team.predictions",
                "team.labels"));
  }

  @Test
  void commandConfig_clientPropertiesPassThrough_topicKeysNameTheTopics_flagsWin()
      throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("trainer.properties"),
            String.join(
                "\n",
                "bootstrap.servers=file:9092",
                "security.protocol=SSL",
                "streamprop.topic.prefix=file.",
                "streamprop.topic.specs=specs",
                "streamprop.model.id=iris",
                ""));

    KafkaOptions kafka =
        parse(
            "--bootstrap-server",
            "k:1",
            "--command-config",
            file.toString(),
            "--topic-prefix",
            "flag.");

    assertThat(kafka.topics().specs()).isEqualTo("flag.specs");
    assertThat(kafka.topics().examples()).isEqualTo("flag.examples");
    assertThat(kafka.clientProperties())
        .containsEntry("bootstrap.servers", "k:1")
        .containsEntry("security.protocol", "SSL")
        .doesNotContainKeys("streamprop.model.id", "streamprop.topic.prefix");
  }
}
