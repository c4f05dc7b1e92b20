package io.streamprop.observability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamprop.config.ConfigSources;
import io.streamprop.trainer.admin.TopicAdmin;
import io.streamprop.trainer.config.TrainerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The Prometheus configuration and {@code docker-compose.yml} as files: both validate with their
 * own tools ({@code promtool check config}, {@code docker-compose config -q}, Debian packages
 * {@code prometheus} and {@code docker-compose}), and the stack keeps the promises of the guide.
 */
class ConfigFilesTest {
  static final Path DOCKER_COMPOSE = Path.of("/usr/bin/docker-compose");

  @Test
  void prometheusConfig_passesPromtoolCheckConfig() throws Exception {
    Tools.require(PrometheusServer.PROMTOOL, "prometheus");
    Tools.Result result =
        Tools.run(
            Repo.root(),
            null,
            List.of(
                PrometheusServer.PROMTOOL.toString(),
                "check",
                "config",
                Repo.prometheusConfig().toString()));
    assertThat(result.exitCode()).as(result.output()).isZero();
  }

  @Test
  void prometheusConfig_scrapesTrainerAndScorerAsTheJobsTheDashboardsName() throws Exception {
    JsonNode config = DashboardJsonTest.YAML.readTree(Repo.prometheusConfig().toFile());
    Map<String, String> jobs = new TreeMap<>();
    for (JsonNode job : config.path("scrape_configs")) {
      jobs.put(
          job.path("job_name").asText(),
          job.path("static_configs").path(0).path("targets").path(0).asText());
    }
    assertThat(jobs)
        .containsEntry("streamprop-trainer", "trainer:8081")
        .containsEntry("streamprop-scorer", "scorer:8080");
  }

  @Test
  void composeFile_passesDockerComposeConfig() throws Exception {
    Tools.require(DOCKER_COMPOSE, "docker-compose");
    Tools.Result result =
        Tools.run(
            Repo.root(),
            null,
            List.of(
                DOCKER_COMPOSE.toString(), "-f", Repo.composeFile().toString(), "config", "-q"));
    assertThat(result.exitCode()).as(result.output()).isZero();
  }

  @Test
  void composeFile_pinsEveryImageTag_andChecksHealthOfEveryLongRunningService() throws Exception {
    JsonNode services =
        DashboardJsonTest.YAML.readTree(Repo.composeFile().toFile()).path("services");
    List<String> problems = new ArrayList<>();
    services
        .fields()
        .forEachRemaining(
            entry -> {
              String name = entry.getKey();
              JsonNode service = entry.getValue();
              String image = service.path("image").asText();
              if (!image.matches("[a-z0-9./_-]+:[A-Za-z0-9._-]+") || image.endsWith(":latest")) {
                problems.add(name + ": image '" + image + "' has no pinned tag");
              }
              boolean oneShot = service.path("restart").asText().equals("no");
              boolean producer = name.equals("producer");
              if (!oneShot && !producer && service.path("healthcheck").isMissingNode()) {
                problems.add(name + ": no healthcheck");
              }
            });
    assertThat(problems).isEmpty();
    assertThat(services.path("kafka").path("image").asText()).isEqualTo("apache/kafka:4.3.0");
    assertThat(
            services
                .path("kafka")
                .path("environment")
                .path("KAFKA_AUTO_CREATE_TOPICS_ENABLE")
                .asText())
        .isEqualTo("false");
  }

  @Test
  void composeFile_createsEveryTopicTheTrainerExpects_withTheTrainersSettings() throws Exception {
    String topics =
        DashboardJsonTest.YAML
            .readTree(Repo.composeFile().toFile())
            .path("services")
            .path("topics")
            .path("command")
            .path(0)
            .asText();
    TrainerConfig config =
        TrainerConfig.load(ConfigSources.of(Map.of("bootstrap.servers", "kafka:9092")));
    for (TopicAdmin.TopicPlan plan : TopicAdmin.plan(config)) {
      String line =
          topics
              .lines()
              .filter(
                  l ->
                      l.contains("--topic " + plan.name() + " ")
                          || l.endsWith("--topic " + plan.name()))
              .findFirst()
              .orElse("");
      assertThat(line).as("topic " + plan.name() + " is created").isNotEmpty();
      for (Map.Entry<String, String> setting : plan.configs().entrySet()) {
        assertThat(line)
            .as("topic " + plan.name())
            .contains("--config " + setting.getKey() + "=" + setting.getValue());
      }
    }
  }

  @Test
  void grafanaProvisioning_loadsDashboardsFromTheMountedFolder() throws Exception {
    JsonNode provider =
        DashboardJsonTest.YAML
            .readTree(Repo.provisioning().resolve("dashboards/streamprop.yml").toFile())
            .path("providers")
            .path(0);
    assertThat(provider.path("type").asText()).isEqualTo("file");
    String path = provider.path("options").path("path").asText();
    JsonNode grafana =
        DashboardJsonTest.YAML
            .readTree(Repo.composeFile().toFile())
            .path("services")
            .path("grafana");
    assertThat(grafana.path("volumes").toString()).contains("./grafana/dashboards:" + path);
    assertThat(Files.isDirectory(Repo.dashboards())).isTrue();
  }
}
