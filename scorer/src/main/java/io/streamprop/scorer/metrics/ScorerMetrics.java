package io.streamprop.scorer.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.streamprop.scorer.registry.ModelRegistry;
import io.streamprop.scorer.registry.ModelSummary;
import io.streamprop.scorer.registry.ServedModel;
import io.streamprop.scorer.registry.SnapshotRejectReason;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * Every meter of the scorer (names and meaning in {@code docs/metrics.md}), on a Prometheus
 * registry. Tags are bounded: {@code model} is the name of a served model, or {@code unknown} for a
 * name the scorer does not serve (so a client cannot grow the tag set by sending random names),
 * {@code outcome} and {@code reason} come from enums, and {@code route} is a route template.
 *
 * <p>Per-model gauges (served version, snapshot age) read the registry when scraped and are removed
 * when the model is retired by a tombstone.
 */
public final class ScorerMetrics implements AutoCloseable {
  /** The {@code model} tag value for names the scorer does not serve. */
  public static final String UNKNOWN_MODEL = "unknown";

  /**
   * The {@code model} tag value of served models past {@link #maxModelTags}: with a hundred
   * thousand models, per-model series would take more heap than the models.
   */
  public static final String OTHER_MODELS = "other";

  /** Models with series of their own when no limit is given. */
  public static final int DEFAULT_MAX_MODEL_TAGS = 1_000;

  /** The route template of the predict route, the {@code route} tag of the latency timer. */
  public static final String PREDICT_ROUTE = "/v1/models/{model}:predict";

  private final PrometheusMeterRegistry registry;
  private final ModelRegistry models;
  private final Clock clock;
  private final JvmGcMetrics gcMetrics;
  private final ConcurrentHashMap<String, PredictMeters> predictMeters = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, List<Meter>> modelGauges = new ConcurrentHashMap<>();
  private final Set<String> taggedModels = ConcurrentHashMap.newKeySet();
  private final int maxModelTags;

  /** Objects that function meters read: Micrometer holds them only weakly. */
  private final List<Object> meterSources = new ArrayList<>();

  public ScorerMetrics(ModelRegistry models, Clock clock) {
    this(models, clock, DEFAULT_MAX_MODEL_TAGS);
  }

  /**
   * @param maxModelTags served models that get series of their own (the first ones loaded or
   *     requested); the others share the tag {@link #OTHER_MODELS} and have no per-model gauges
   */
  public ScorerMetrics(ModelRegistry models, Clock clock, int maxModelTags) {
    this.maxModelTags = maxModelTags;
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    this.models = models;
    this.clock = clock;
    new JvmMemoryMetrics().bindTo(registry);
    this.gcMetrics = new JvmGcMetrics();
    gcMetrics.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    Gauge.builder("streamprop.models.served", models, ModelRegistry::size)
        .description("Models being served")
        .register(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** The Prometheus text exposition of every meter. */
  public String scrape() {
    return registry.scrape();
  }

  /**
   * The meters of predict requests for a model name as the client sent it; names that are not
   * served share the {@link #UNKNOWN_MODEL} meters.
   */
  public PredictMeters predict(String modelName) {
    String tag =
        modelName != null && models.contains(modelName) ? modelTag(modelName) : UNKNOWN_MODEL;
    PredictMeters meters = predictMeters.get(tag);
    return meters != null ? meters : predictMeters.computeIfAbsent(tag, PredictMeters::new);
  }

  /**
   * The {@code model} tag of a served model: its name while fewer than {@link #maxModelTags} models
   * have one (a race may let a few more in), else {@link #OTHER_MODELS}.
   */
  private String modelTag(String name) {
    if (taggedModels.contains(name)) {
      return name;
    }
    if (taggedModels.size() < maxModelTags) {
      taggedModels.add(name);
      return name;
    }
    return OTHER_MODELS;
  }

  /** Records a model swapped in: its load time, and its gauges the first time it is served. */
  public void modelLoaded(ServedModel model) {
    String tag = modelTag(model.name());
    Timer.builder("streamprop.snapshot.load")
        .description("Time to decode, build and warm a snapshot before serving it")
        .tag("model", tag)
        .register(registry)
        .record(Duration.ofNanos((long) (model.info().loadSeconds() * 1e9)));
    Counter.builder("streamprop.snapshots.loaded")
        .description("Snapshots swapped in")
        .tag("model", tag)
        .register(registry)
        .increment();
    if (!OTHER_MODELS.equals(tag)) {
      modelGauges.computeIfAbsent(model.name(), this::registerModelGauges);
    }
  }

  /**
   * Removes a retired model's gauges and request meters, so that dashboards stop showing it and
   * names of models long gone do not pile up. A request still in flight may record into a removed
   * meter; that count is simply not exported.
   */
  public void modelRemoved(String name) {
    taggedModels.remove(name);
    List<Meter> gauges = modelGauges.remove(name);
    if (gauges != null) {
      gauges.forEach(registry::remove);
    }
    PredictMeters meters =
        UNKNOWN_MODEL.equals(name) || OTHER_MODELS.equals(name) ? null : predictMeters.remove(name);
    if (meters != null) {
      meters.remove();
    }
  }

  /**
   * Counts a request refused by the access policy: {@code route} is a route template or class
   * ({@code predict}, {@code models}, {@code metrics}, {@code health}), {@code status} 401, 403 or
   * 429 (the {@code reason} tag {@code unauthorized}, {@code forbidden}, {@code rate_limited}).
   */
  public void requestRefused(String route, int status) {
    requestRefused(route, status, null);
  }

  /**
   * As {@link #requestRefused(String, int)}; a 429 also counts in {@code
   * streamprop.http.rate.limited} with the tag {@code limit} = {@code client} or {@code global},
   * the limit that refused it.
   */
  public void requestRefused(String route, int status, String limit) {
    Counter.builder("streamprop.http.refused")
        .description("Requests refused by authentication or the rate limit, by route and reason")
        .tags(Tags.of("route", route, "reason", PredictOutcome.ofStatus(status).code()))
        .register(registry)
        .increment();
    if (status == 429 && limit != null) {
      Counter.builder("streamprop.http.rate.limited")
          .description("Requests refused by a rate limit, by route and limit (client or global)")
          .tags(Tags.of("route", route, "limit", limit))
          .register(registry)
          .increment();
    }
  }

  /**
   * Gauges of the per-client rate limiter: buckets held ({@code
   * streamprop.http.rate.limit.clients}) and buckets evicted to stay within the bound ({@code
   * streamprop.http.rate.limit.evictions}).
   */
  public synchronized void clientRateLimiter(IntSupplier clients, LongSupplier evictions) {
    meterSources.add(clients);
    meterSources.add(evictions);
    Gauge.builder("streamprop.http.rate.limit.clients", clients, IntSupplier::getAsInt)
        .description("Clients with a per-client rate-limit bucket now (bounded by max.clients)")
        .register(registry);
    FunctionCounter.builder(
            "streamprop.http.rate.limit.evictions", evictions, LongSupplier::getAsLong)
        .description("Per-client rate-limit buckets evicted to stay within max.clients")
        .register(registry);
  }

  /** Counts a snapshot that was not served. */
  public void snapshotRejected(String name, SnapshotRejectReason reason) {
    Counter.builder("streamprop.snapshots.rejected")
        .description("Snapshots not served, by reason")
        .tags(Tags.of("model", name == null ? UNKNOWN_MODEL : name, "reason", reason.code()))
        .register(registry)
        .increment();
  }

  private List<Meter> registerModelGauges(String name) {
    List<Meter> gauges = new ArrayList<>();
    gauges.add(
        Gauge.builder("streamprop.model.version", models, r -> version(r.summary(name)))
            .description("Version of the model being served")
            .tag("model", name)
            .register(registry));
    gauges.add(
        Gauge.builder("streamprop.snapshot.age", models, r -> ageSeconds(r.summary(name)))
            .description("Seconds since the served snapshot was written by the trainer")
            .baseUnit("seconds")
            .tag("model", name)
            .register(registry));
    gauges.add(
        Gauge.builder("streamprop.model.examples", models, r -> examples(r.summary(name)))
            .description("Examples the served model had learned from when it was snapshotted")
            .tag("model", name)
            .register(registry));
    return gauges;
  }

  private static double version(ModelSummary model) {
    return model == null ? Double.NaN : model.version();
  }

  private static double examples(ModelSummary model) {
    return model == null ? Double.NaN : model.examples();
  }

  private double ageSeconds(ModelSummary model) {
    if (model == null || model.snapshotCreatedAt() == null) {
      return Double.NaN;
    }
    return Duration.between(model.snapshotCreatedAt(), clock.instant()).toNanos() / 1e9;
  }

  @Override
  public void close() {
    gcMetrics.close();
    registry.close();
  }

  /** The counters and latency timer of predict requests for one {@code model} tag value. */
  public final class PredictMeters {
    private final Counter[] outcomes;
    private final Counter instances;
    private final Timer latency;

    private PredictMeters(String model) {
      PredictOutcome[] values = PredictOutcome.values();
      outcomes = new Counter[values.length];
      for (PredictOutcome outcome : values) {
        outcomes[outcome.ordinal()] =
            Counter.builder("streamprop.predictions")
                .description("Predict requests by outcome")
                .tags("model", model, "outcome", outcome.code())
                .register(registry);
      }
      instances =
          Counter.builder("streamprop.predicted.instances")
              .description("Instances predicted (a request may carry many)")
              .tag("model", model)
              .register(registry);
      latency =
          Timer.builder("streamprop.prediction.latency")
              .description("Time to answer a successful predict request, body read to body written")
              .tags("model", model, "route", PREDICT_ROUTE)
              .publishPercentileHistogram()
              .minimumExpectedValue(Duration.ofNanos(20_000))
              .maximumExpectedValue(Duration.ofSeconds(10))
              .register(registry);
    }

    private void remove() {
      for (Counter outcome : outcomes) {
        registry.remove(outcome);
      }
      registry.remove(instances);
      registry.remove(latency);
    }

    /** Counts one request and, when it succeeded, its instances and latency. */
    public void record(PredictOutcome outcome, int instancesPredicted, long elapsedNanos) {
      outcomes[outcome.ordinal()].increment();
      if (outcome == PredictOutcome.OK) {
        instances.increment(instancesPredicted);
        latency.record(elapsedNanos, TimeUnit.NANOSECONDS);
      }
    }
  }
}
