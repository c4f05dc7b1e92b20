package io.streamprop.trainer.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The trainer's own meters. Names are Micrometer's dot-lowercase form; Prometheus sees them with
 * the {@code streamprop_} prefix, base units and {@code _total} on counters (the full list with
 * Prometheus names is in {@code docs/trainer.md}). Tags are bounded: {@code model} (declared model
 * ids only, never a raw record key), {@code layer}, {@code reason}, {@code outcome}, {@code
 * version} (the latest few served versions of a model, {@link JoinMeters}).
 */
public final class TrainerMetrics {
  private final MeterRegistry registry;
  private final Map<String, ModelMeters> models = new ConcurrentHashMap<>();
  private final JoinMeters join;

  public TrainerMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.join = new JoinMeters(registry);
  }

  /** The meters of the label join. */
  public JoinMeters join() {
    return join;
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** The meters of one model, created on first use. */
  public ModelMeters model(String modelId) {
    return models.computeIfAbsent(modelId, id -> new ModelMeters(registry, id));
  }

  /** Drops every meter of a retired model. */
  public void removeModel(String modelId) {
    ModelMeters meters = models.remove(modelId);
    if (meters != null) {
      meters.remove();
    }
  }

  /** A record sent to dead-letters, by reason code. */
  public void deadLetter(String reason) {
    Counter.builder("streamprop.dead.letters")
        .description("Records sent to the dead-letters topic, by reason")
        .tags(Tags.of("reason", reason))
        .register(registry)
        .increment();
  }

  /** A record read from the model-specs topic: accepted, rejected or deleted (tombstone). */
  public void spec(String outcome) {
    Counter.builder("streamprop.specs")
        .description("Spec records read from the model-specs topic, by outcome")
        .tags(Tags.of("outcome", outcome))
        .register(registry)
        .increment();
  }

  /** A model retired by a spec tombstone. */
  public void retired() {
    Counter.builder("streamprop.models.retired")
        .description("Models retired by a spec tombstone")
        .register(registry)
        .increment();
  }
}
