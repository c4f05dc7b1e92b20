package io.streamprop.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.ComposeContainer;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * The whole docker-compose.yml stack, brought up by Testcontainers: once the scorer is ready and
 * the demo producer has streamed examples through the trainer, a predict request returns a
 * prediction. Skipped where Docker is not available (the development machines have no engine).
 */
class ComposeIT {
  static final Duration STARTUP = Duration.ofMinutes(10);
  static final Duration PREDICTION = Duration.ofMinutes(3);

  @Test
  void composeStack_afterTheDemoProducerStreams_servesAPrediction() throws Exception {
    Assumptions.assumeTrue(
        DockerClientFactory.instance().isDockerAvailable(), "Docker is not available");
    Path root = Repo.root();
    for (String jar :
        new String[] {
          "trainer/target/streamprop-trainer.jar", "scorer/target/streamprop-scorer.jar"
        }) {
      assertThat(Files.isRegularFile(root.resolve(jar)))
          .as("the image copies %s: build it first (./mvnw -B -DskipTests package)", jar)
          .isTrue();
    }

    try (ComposeContainer stack =
        new ComposeContainer(Repo.composeFile().toFile())
            .withBuild(true)
            .withExposedService(
                "scorer",
                8080,
                Wait.forHttp("/health/ready").forStatusCode(200).withStartupTimeout(STARTUP))
            .withExposedService(
                "prometheus",
                9090,
                Wait.forHttp("/-/ready").forStatusCode(200).withStartupTimeout(STARTUP))) {
      stack.start();
      String scorer =
          "http://"
              + stack.getServiceHost("scorer", 8080)
              + ":"
              + stack.getServicePort("scorer", 8080);
      HttpClient http = HttpClient.newHttpClient();
      HttpRequest predict =
          HttpRequest.newBuilder(URI.create(scorer + "/v1/models/shuttle:predict"))
              .header("Content-Type", "application/json")
              .POST(
                  HttpRequest.BodyPublishers.ofString(
                      "{\"instances\": [[50, 21, 77, 0, 28, 0, 27, 48, 22]]}"))
              .build();

      // The model is served once the trainer has published its first snapshot.
      AtomicReference<HttpResponse<String>> last = new AtomicReference<>();
      await("a prediction from the compose stack's scorer")
          .atMost(PREDICTION)
          .pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofSeconds(1))
          .untilAsserted(
              () -> {
                last.set(http.send(predict, HttpResponse.BodyHandlers.ofString()));
                assertThat(last.get().statusCode()).as(last.get().body()).isEqualTo(200);
              });
      HttpResponse<String> response = last.get();
      assertThat(response.body()).contains("\"predictions\"").contains("\"class\"");
      assertThat(response.headers().firstValue("X-Model-Version")).isPresent();
    }
  }
}
