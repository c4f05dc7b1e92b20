package io.streamprop.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** The demo's integration tests' GET of a page that must answer 200, and their waits. */
final class DemoHttp {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private DemoHttp() {}

  /** The body of {@code uri}, which must answer 200. */
  static String get(String uri) {
    try {
      HttpResponse<String> response =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(uri)).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as("GET %s", uri).isEqualTo(200);
      return response.body();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Waits up to {@code deadline} for {@code condition}, polling in this thread: Awaitility's own
   * poller thread would count as a thread the demo left behind.
   */
  static void awaitTrue(Duration deadline, String what, BooleanSupplier condition) {
    await(what)
        .pollInSameThread()
        .atMost(deadline)
        .pollInterval(Duration.ofMillis(100))
        .until(condition::getAsBoolean);
  }
}
