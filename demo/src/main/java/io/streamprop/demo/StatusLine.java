package io.streamprop.demo;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The demo's one-line status, once a second: what the producer sent and the trainer learned per
 * second, the trainer's prequential loss and accuracy (test-then-train, from its Micrometer
 * registry), and what the scorer reports on its own {@code /metrics} (the served model's loss and
 * accuracy on new labels against the baseline, its version and snapshot age). With {@code
 * --label-delay}, {@link #next(DemoClient)} shows the loop instead. A figure not known yet shows as
 * {@code -}.
 */
final class StatusLine {
  private final String modelId;
  private final MeterRegistry trainer;
  private final URI scorerMetrics;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  private long lastNanos;
  private long lastProduced;
  private double lastTrained;

  StatusLine(String modelId, MeterRegistry trainer, int scorerPort) {
    this.modelId = modelId;
    this.trainer = trainer;
    this.scorerMetrics = URI.create("http://127.0.0.1:" + scorerPort + "/metrics");
    this.lastNanos = System.nanoTime();
  }

  /** The status now; rates are over the time since the previous call. */
  String next(long produced) {
    long now = System.nanoTime();
    double seconds = Math.max(1e-3, (now - lastNanos) / 1e9);
    double trained = counter("streamprop.examples.trained");
    double sentRate = (produced - lastProduced) / seconds;
    double trainedRate = Double.isNaN(trained) ? Double.NaN : (trained - lastTrained) / seconds;
    lastNanos = now;
    lastProduced = produced;
    if (!Double.isNaN(trained)) {
      lastTrained = trained;
    }
    Map<String, Double> served = scrapeScorer();
    return String.format(
        Locale.ROOT,
        "sent %,d (%s/s) trained %s (%s/s) | prequential loss %s acc %s | serving loss %s acc %s"
            + " (baseline %s / %s) | version %s, snapshot age %ss",
        produced,
        number(sentRate, 0),
        Double.isNaN(trained) ? "-" : String.format(Locale.ROOT, "%,d", (long) trained),
        number(trainedRate, 0),
        number(gauge("streamprop.prequential.loss"), 3),
        number(gauge("streamprop.prequential.accuracy"), 3),
        number(served.getOrDefault("streamprop_serving_loss", Double.NaN), 3),
        number(served.getOrDefault("streamprop_serving_accuracy", Double.NaN), 3),
        number(served.getOrDefault("streamprop_serving_baseline_loss", Double.NaN), 3),
        number(served.getOrDefault("streamprop_serving_baseline_accuracy", Double.NaN), 3),
        number(served.getOrDefault("streamprop_model_version", Double.NaN), 0),
        number(served.getOrDefault("streamprop_snapshot_age_seconds", Double.NaN), 1));
  }

  /**
   * The status of the loop ({@code --label-delay}) now: what the simulated client predicted, could
   * not get predicted and seeded; the labels it sent, still holds, and the trainer joined (with
   * rates over the time since the previous call); the truthful serving quality, accuracy and loss
   * of the served versions the join keeps meters for, on their joined labels ({@code
   * streamprop.served.*}); the model now on what it learns (prequential); the served version; the
   * label delay asked for and the mean measured by the join.
   */
  String next(DemoClient client) {
    long now = System.nanoTime();
    double seconds = Math.max(1e-3, (now - lastNanos) / 1e9);
    long predicted = client.predicted();
    double joined = counter("streamprop.labels.joined");
    double predictedRate = (predicted - lastProduced) / seconds;
    double joinedRate = Double.isNaN(joined) ? Double.NaN : (joined - lastTrained) / seconds;
    lastNanos = now;
    lastProduced = predicted;
    if (!Double.isNaN(joined)) {
      lastTrained = joined;
    }
    Served served = served();
    Timer delay = trainer.find("streamprop.label.delay").tag("model", modelId).timer();
    Map<String, Double> scorer = scrapeScorer();
    return String.format(
        Locale.ROOT,
        "predicted %,d (%s/s) not ready %,d seeded %,d | labels sent %,d waiting %,d joined %s"
            + " (%s/s) | served %s acc %s loss %s on %s labels | prequential acc %s | version %s"
            + " | label delay %s, measured %ss",
        predicted,
        number(predictedRate, 0),
        client.notReady(),
        client.seeded(),
        client.labelsSent(),
        client.labelsWaiting(),
        number(joined, 0),
        number(joinedRate, 0),
        served == null
            ? "v-"
            : served.oldest == served.newest
                ? "v" + served.newest
                : "v" + served.oldest + "-" + served.newest,
        number(served == null ? Double.NaN : served.accuracy, 3),
        number(served == null ? Double.NaN : served.loss, 3),
        number(served == null ? Double.NaN : served.labeled, 0),
        number(gauge("streamprop.prequential.accuracy"), 3),
        number(scorer.getOrDefault("streamprop_model_version", Double.NaN), 0),
        seconds(client.labelDelay()),
        number(delay == null || delay.count() == 0 ? Double.NaN : delay.mean(TimeUnit.SECONDS), 1));
  }

  /**
   * The join's serving quality of the served versions it keeps meters for (the latest few with
   * joined labels): accuracy and loss averaged over those versions weighted by their labels.
   */
  private record Served(long oldest, long newest, double accuracy, double loss, double labeled) {}

  /** The versions with joined labels, combined; null before the first joined label. */
  private Served served() {
    long oldest = Long.MAX_VALUE;
    long newest = -1;
    double labels = 0;
    double correct = 0;
    double classified = 0;
    double lossSum = 0;
    double lossed = 0;
    for (Counter counter :
        trainer.find("streamprop.served.labeled").tag("model", modelId).counters()) {
      String version = counter.getId().getTag("version");
      long v = Long.parseLong(version);
      double n = counter.count();
      Gauge accuracy =
          trainer
              .find("streamprop.served.accuracy")
              .tags("model", modelId, "version", version)
              .gauge();
      Gauge loss =
          trainer.find("streamprop.served.loss").tags("model", modelId, "version", version).gauge();
      oldest = Math.min(oldest, v);
      newest = Math.max(newest, v);
      labels += n;
      if (accuracy != null && Double.isFinite(accuracy.value())) {
        correct += n * accuracy.value();
        classified += n;
      }
      if (loss != null && Double.isFinite(loss.value())) {
        lossSum += n * loss.value();
        lossed += n;
      }
    }
    if (newest < 0) {
      return null;
    }
    return new Served(
        oldest,
        newest,
        classified > 0 ? correct / classified : Double.NaN,
        lossed > 0 ? lossSum / lossed : Double.NaN,
        labels);
  }

  /** A duration as the user writes one: {@code 30s}, {@code 1.5s}, {@code 500ms}. */
  static String seconds(Duration duration) {
    if (duration.toMillis() < 1000) {
      return duration.toMillis() + "ms";
    }
    double s = duration.toMillis() / 1000.0;
    return s == Math.rint(s) ? (long) s + "s" : String.format(Locale.ROOT, "%.1fs", s);
  }

  private double counter(String name) {
    Counter counter = trainer.find(name).tag("model", modelId).counter();
    return counter == null ? Double.NaN : counter.count();
  }

  private double gauge(String name) {
    Gauge gauge = trainer.find(name).tag("model", modelId).gauge();
    return gauge == null ? Double.NaN : gauge.value();
  }

  /** The scorer's samples of this model, by metric name; empty if the scrape fails. */
  private Map<String, Double> scrapeScorer() {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(scorerMetrics).timeout(Duration.ofSeconds(1)).build(),
              HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? samples(response.body(), modelId) : Map.of();
    } catch (IOException e) {
      return Map.of();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Map.of();
    }
  }

  /**
   * The samples in a Prometheus text exposition that carry the label {@code model="<id>"}, by
   * metric name (the last one wins when several label sets share a name).
   */
  static Map<String, Double> samples(String exposition, String modelId) {
    String label = "model=\"" + modelId + "\"";
    Map<String, Double> samples = new HashMap<>();
    for (String line : exposition.split("\n")) {
      int brace = line.indexOf('{');
      int end = line.lastIndexOf('}');
      if (line.startsWith("#") || brace < 0 || end < brace || !line.contains(label)) {
        continue;
      }
      String[] rest = line.substring(end + 1).trim().split(" ");
      try {
        samples.put(line.substring(0, brace), Double.parseDouble(rest[0]));
      } catch (NumberFormatException e) {
        // Not a sample line this status needs; skip it.
      }
    }
    return samples;
  }

  private static String number(double value, int decimals) {
    if (!Double.isFinite(value)) {
      return "-";
    }
    return String.format(Locale.ROOT, "%,." + decimals + "f", value);
  }
}
