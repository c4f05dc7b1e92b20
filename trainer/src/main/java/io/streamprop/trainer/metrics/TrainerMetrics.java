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
  /** The {@code model} tag of the meters shared by the models beyond the per-model limit. */
  public static final String OTHER_MODELS = "_other";

  /** Default of the models with meters of their own. */
  public static final int DEFAULT_MAX_MODELS = 1000;

  private final MeterRegistry registry;
  private final Map<String, ModelMeters> models = new ConcurrentHashMap<>();
  private final JoinMeters join;
  private final int maxModels;
  private volatile ModelMeters others;

  public TrainerMetrics(MeterRegistry registry) {
    this(registry, DEFAULT_MAX_MODELS);
  }

  /**
   * @param maxModels models with meters of their own (about 20 meters, a few KB each); the meters
   *     of every further model are shared, tagged {@code model="_other"}
   */
  public TrainerMetrics(MeterRegistry registry, int maxModels) {
    this.registry = registry;
    this.join = new JoinMeters(registry);
    this.maxModels = maxModels;
  }

  /** The meters of the label join. */
  public JoinMeters join() {
    return join;
  }

  public MeterRegistry registry() {
    return registry;
  }

  /**
   * The meters of one model, created on first use; once {@code maxModels} models have meters, the
   * shared meters of {@value #OTHER_MODELS} (counters sum those models, gauges show the last
   * written), so that a trainer of 100,000 models does not hold 2,000,000 meters.
   */
  public ModelMeters model(String modelId) {
    ModelMeters meters = models.get(modelId);
    if (meters != null) {
      return meters;
    }
    if (models.size() >= maxModels) {
      ModelMeters shared = others;
      if (shared == null) {
        synchronized (this) {
          if (others == null) {
            others = new ModelMeters(registry, OTHER_MODELS);
          }
          shared = others;
        }
      }
      return shared;
    }
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
