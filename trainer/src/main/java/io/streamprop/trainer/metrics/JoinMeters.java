package io.streamprop.trainer.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The meters of the label join ({@code docs/metrics.md}, "The label join"): joined, expired,
 * unmatched and duplicate counts, the label delay, and the truthful serving quality: the loss and
 * accuracy of the predictions a version actually served, on their joined labels.
 *
 * <p>Several stream threads join labels of one model (ids spread over partitions), so the serving
 * quality of a version is accumulated under a lock. Tags stay bounded: {@code model} is a model
 * with a spec, and {@code version} only the latest {@value #VERSIONS_KEPT} versions of each model
 * that had a label joined (older versions' meters are removed).
 */
public final class JoinMeters {
  static final int VERSIONS_KEPT = 3;

  private final MeterRegistry registry;
  private final Counter unmatched;
  private final Counter duplicate;
  private final Map<String, ModelJoin> models = new ConcurrentHashMap<>();

  JoinMeters(MeterRegistry registry) {
    this.registry = registry;
    unmatched =
        Counter.builder("streamprop.labels.unmatched")
            .description("Labels whose prediction did not arrive within the grace")
            .register(registry);
    duplicate =
        Counter.builder("streamprop.labels.duplicate")
            .description("Second labels for an id and model already labeled")
            .register(registry);
  }

  /** A label joined with a prediction of {@code model}'s {@code version}. */
  public void joined(String model, long version, long delayMs, double loss, int correct) {
    ModelJoin m = models.computeIfAbsent(model, ModelJoin::new);
    m.joined.increment();
    m.delay.record(Math.max(0, delayMs), TimeUnit.MILLISECONDS);
    m.served(version, loss, correct);
  }

  /** A prediction of {@code model} expired unlabeled after the retention. */
  public void expired(String model) {
    models.computeIfAbsent(model, ModelJoin::new).expired.increment();
  }

  public void unmatched() {
    unmatched.increment();
  }

  public void duplicate() {
    duplicate.increment();
  }

  /** The meters of one model. */
  private final class ModelJoin {
    final String model;
    final Counter joined;
    final Counter expired;
    final Timer delay;
    final TreeMap<Long, ServedVersion> versions = new TreeMap<>();

    ModelJoin(String model) {
      this.model = model;
      Tags tags = Tags.of("model", model);
      joined =
          Counter.builder("streamprop.labels.joined")
              .description("Labels joined with a logged prediction (one per model)")
              .tags(tags)
              .register(registry);
      expired =
          Counter.builder("streamprop.predictions.expired")
              .description("Logged predictions that expired unlabeled after the retention")
              .tags(tags)
              .register(registry);
      delay =
          Timer.builder("streamprop.label.delay")
              .description("Label time minus prediction time, of joined labels")
              .tags(tags)
              .publishPercentileHistogram()
              .minimumExpectedValue(Duration.ofMillis(10))
              .maximumExpectedValue(Duration.ofDays(30))
              .register(registry);
    }

    synchronized void served(long version, double loss, int correct) {
      ServedVersion served = versions.get(version);
      if (served == null) {
        if (versions.size() >= VERSIONS_KEPT && version < versions.firstKey()) {
          return; // a late label of a version older than the ones shown
        }
        served = new ServedVersion(model, version);
        versions.put(version, served);
        while (versions.size() > VERSIONS_KEPT) {
          versions.pollFirstEntry().getValue().remove();
        }
      }
      served.add(loss, correct);
    }
  }

  /** The running means of one served version (guarded by its model's lock). */
  private final class ServedVersion {
    final List<Meter> meters = new ArrayList<>();
    final Counter labeled;
    long scored;
    double lossSum;
    long classified;
    long correct;
    volatile double loss = Double.NaN;
    volatile double accuracy = Double.NaN;

    ServedVersion(String model, long version) {
      Tags tags = Tags.of("model", model, "version", Long.toString(version));
      labeled =
          Counter.builder("streamprop.served.labeled")
              .description("Joined labels of the predictions this version served")
              .tags(tags)
              .register(registry);
      meters.add(labeled);
      meters.add(
          Gauge.builder("streamprop.served.loss", this, s -> s.loss)
              .description("Mean loss of the served predictions on their labels (log loss or MSE)")
              .tags(tags)
              .strongReference(true)
              .register(registry));
      meters.add(
          Gauge.builder("streamprop.served.accuracy", this, s -> s.accuracy)
              .description("Accuracy of the served predictions on their labels (classification)")
              .tags(tags)
              .strongReference(true)
              .register(registry));
    }

    void add(double lossValue, int right) {
      labeled.increment();
      if (Double.isFinite(lossValue)) {
        scored++;
        lossSum += lossValue;
        loss = lossSum / scored;
      }
      if (right >= 0) {
        classified++;
        correct += right;
        accuracy = (double) correct / classified;
      }
    }

    void remove() {
      for (Meter meter : meters) {
        registry.remove(meter);
      }
    }
  }
}
