package io.streamprop.scorer;

import io.streamprop.scorer.config.ScorerConfig;
import io.streamprop.scorer.http.AccessPolicy;
import io.streamprop.scorer.http.ClientRateLimiter;
import io.streamprop.scorer.http.RateLimiter;
import io.streamprop.scorer.http.ScorerHandler;
import io.streamprop.scorer.http.ScorerHttpServer;
import io.streamprop.scorer.ingest.ServingLossConsumer;
import io.streamprop.scorer.ingest.SnapshotConsumer;
import io.streamprop.scorer.metrics.ScorerMetrics;
import io.streamprop.scorer.predlog.IdGenerator;
import io.streamprop.scorer.predlog.PredictionLog;
import io.streamprop.scorer.predlog.PredictionLogs;
import io.streamprop.scorer.registry.ModelLoader;
import io.streamprop.scorer.registry.ModelRegistry;
import io.streamprop.scorer.registry.SnapshotStore;
import io.streamprop.scorer.requests.PredictionRequests;
import java.time.Clock;
import java.util.concurrent.ExecutionException;

/**
 * The scorer assembled: model registry, metrics, the snapshot consumer that fills the registry, the
 * serving-loss consumer, the prediction log, the HTTP server, and (when enabled) the answers to
 * prediction requests over Kafka. {@link #start} starts them, {@link #close} stops them in reverse
 * order (HTTP first, so no request meets a stopped part).
 */
public final class Scorer implements AutoCloseable {
  private final SnapshotStore store; // null when every model stays decoded in memory
  private final ModelRegistry registry;
  private final ScorerMetrics metrics;
  private final SnapshotConsumer snapshots;
  private final ServingLossConsumer servingLoss;
  private final ScorerHttpServer http;
  private final PredictionLog predictionLog;
  private final PredictionRequests requests;

  /** A scorer; opens the prediction log (creating its topic if missing) unless its mode is off. */
  public Scorer(ScorerConfig config) throws InterruptedException, ExecutionException {
    Clock clock = Clock.systemUTC();
    if (config.modelsCacheBytes() > 0) {
      store = SnapshotStore.open(config.storeDirectory());
      registry =
          ModelRegistry.bounded(store, config.modelsCacheBytes(), clock, config.signingKey());
    } else {
      store = null;
      registry = new ModelRegistry();
    }
    metrics = new ScorerMetrics(registry, clock, config.metricsMaxModels());
    registry.bindTo(metrics.registry());
    predictionLog =
        PredictionLogs.open(
            config.predictionLogMode(),
            config.kafka(),
            config.predictionsTopic(),
            config.topicPartitions(),
            config.topicReplication(),
            config.adminTimeoutMs(),
            config.predictionLogBufferRecords(),
            config.predictionLogMaxBlockMs(),
            metrics.registry());
    snapshots =
        new SnapshotConsumer(
            config.kafka(),
            config.topics().snapshots(),
            config.maxSnapshotBytes(),
            new ModelLoader(registry, clock, config.signingKey()),
            registry,
            metrics);
    servingLoss =
        config.servingLossEnabled()
            ? new ServingLossConsumer(
                config.kafka(),
                config.servingLossGroupId(),
                config.topics().examples(),
                config.servingLossHalfLife(),
                registry,
                metrics)
            : null;
    requests =
        config.predictionRequestsEnabled()
            ? PredictionRequests.open(
                config.kafka(),
                config.predictionRequestsGroupId(),
                config.predictionRequestsTransactionalId(),
                config.predictionRequestsTopic(),
                config.predictionsTopic(),
                config.deadLettersTopic(),
                config.topicPartitions(),
                config.topicReplication(),
                config.adminTimeoutMs(),
                config.maxBodyBytes(),
                registry,
                snapshots::ready,
                clock,
                metrics.registry())
            : null;
    http =
        new ScorerHttpServer(
            config.httpHost(),
            config.port(),
            config.httpThreads(),
            config.httpSelectors(),
            new ScorerHandler(
                    registry,
                    metrics,
                    snapshots,
                    config.maxBodyBytes(),
                    clock,
                    accessPolicy(config, metrics))
                .withPredictionLog(predictionLog, config.predictionsTopic(), new IdGenerator()));
  }

  private static AccessPolicy accessPolicy(ScorerConfig config, ScorerMetrics metrics) {
    RateLimiter limiter =
        config.rateLimitPerSecond() > 0
            ? new RateLimiter(
                config.rateLimitPerSecond(), config.rateLimitBurst(), System::nanoTime)
            : null;
    ClientRateLimiter clientLimiter = null;
    if (config.clientRateLimitPerSecond() > 0) {
      clientLimiter =
          new ClientRateLimiter(
              config.clientRateLimitPerSecond(),
              config.clientRateLimitBurst(),
              config.clientRateLimitMaxClients(),
              System::nanoTime);
      metrics.clientRateLimiter(clientLimiter::clients, clientLimiter::evictions);
    }
    return new AccessPolicy(
            config.predictTokens(),
            config.adminTokens(),
            config.protectMetrics(),
            config.protectHealth(),
            limiter)
        .withClientRateLimit(clientLimiter);
  }

  public Scorer start() throws Exception {
    snapshots.start();
    if (servingLoss != null) {
      servingLoss.start();
    }
    http.start();
    if (requests != null) {
      requests.start();
    }
    return this;
  }

  /** The bound HTTP port. */
  public int port() {
    return http.port();
  }

  public ModelRegistry registry() {
    return registry;
  }

  /**
   * True once the snapshot topic has been read to its end offsets as of start (or as of when it
   * appeared); false while it does not exist.
   */
  public boolean ready() {
    return snapshots.ready();
  }

  @Override
  public void close() throws Exception {
    http.close();
    if (requests != null) {
      requests.close();
    }
    if (servingLoss != null) {
      servingLoss.close();
    }
    snapshots.close();
    predictionLog.close(); // after HTTP: every answered request's records are handed over
    metrics.close();
    if (store != null) {
      store.close();
    }
  }
}
