package io.streamprop.trainer.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.streamprop.learn.StepResult;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The scrape endpoint serves the trainer's meters under their Prometheus names. */
class MetricsServerTest {

  @Test
  void scrape_showsTrainerMetersWithPrometheusNamesAndTags() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    TrainerMetrics metrics = new TrainerMetrics(registry);
    ModelMeters iris = metrics.model("iris");
    iris.trained(1);
    iris.step(
        new StepResult(
            16,
            8.0,
            12,
            0,
            false,
            0.003,
            new StepResult.LayerStats[] {
              new StepResult.LayerStats(0.5, 2.0, 0.01), new StepResult.LayerStats(0.25, 1.0, 0.02)
            }),
        true);
    iris.snapshot(3, 4096);
    metrics.deadLetter("bad_json");
    metrics.spec("accepted");

    try (MetricsServer server = MetricsServer.start(0, registry)) {
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://localhost:" + server.port() + "/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body())
          .contains("streamprop_examples_trained_total{model=\"iris\"} 1.0")
          .contains("streamprop_minibatches_total{model=\"iris\"} 1.0")
          .contains("streamprop_prequential_loss{model=\"iris\"} 0.5")
          .contains("streamprop_prequential_accuracy{model=\"iris\"} 0.75")
          .contains("streamprop_gradient_norm{layer=\"1\",model=\"iris\"} 0.25")
          .contains("streamprop_update_ratio{layer=\"0\",model=\"iris\"} 0.01")
          .contains("streamprop_snapshot_size_bytes_sum{model=\"iris\"} 4096.0")
          .contains("streamprop_model_version{model=\"iris\"} 3.0")
          .contains("streamprop_dead_letters_total{reason=\"bad_json\"} 1.0")
          .contains("streamprop_specs_total{outcome=\"accepted\"} 1.0");
    }
  }

  @Test
  void removedModel_disappearsFromTheScrape() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    TrainerMetrics metrics = new TrainerMetrics(registry);
    metrics.model("gone").trained(5);
    metrics.removeModel("gone");
    assertThat(registry.scrape()).doesNotContain("model=\"gone\"");
  }

  @Test
  void portInUse_failsNamingTheAddress() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (ServerSocket taken = new ServerSocket(0)) {
      int port = taken.getLocalPort();
      assertThatThrownBy(() -> MetricsServer.start(port, registry).close())
          .isInstanceOf(IOException.class)
          .hasMessage("cannot listen on 0.0.0.0:" + port + ": Address already in use");
    }
  }
}
