package io.streamprop.trainer.topology;

import io.streamprop.spec.ModelIds;
import io.streamprop.spec.SpecException;
import io.streamprop.spec.SpecJson;
import io.streamprop.trainer.metrics.TrainerMetrics;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the global {@code model-specs-store} equal to the compacted model-specs topic: the raw spec
 * bytes by model id, deleted on a tombstone. Every spec is validated here so that a person sees a
 * rejected spec in the log and in {@code streamprop_specs_total{outcome="rejected"}} at once; the
 * store keeps the latest record even when it is invalid, because the latest record is the spec in
 * force (examples of a model whose spec is invalid are dead-lettered as {@code invalid_spec}; its
 * trained state is kept until a valid spec or a tombstone arrives).
 *
 * <p>Logging stays readable with many models: a rejected spec is an ERROR line of its own, but an
 * accepted or deleted spec is a DEBUG line, and an INFO summary counts them: at the first spec,
 * then at the first spec after each {@link #SUMMARY_INTERVAL_NANOS} (so a lone spec is reported at
 * once, and 100,000 specs loaded at start give a line every 10 s, not 100,000 lines), and on close.
 */
final class SpecLoader implements Processor<String, byte[], Void, Void> {
  private static final Logger log = LoggerFactory.getLogger(SpecLoader.class);

  /** Least time between two INFO summaries of the specs loaded. */
  static final long SUMMARY_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final TrainerMetrics metrics;
  private final LongSupplier nanoTime;
  private KeyValueStore<String, byte[]> specs;
  // Counts since the last summary.
  private long accepted;
  private long rejected;
  private long deleted;
  private String latest;
  private long lastSummaryNanos;
  private boolean summarized;

  SpecLoader(TrainerMetrics metrics) {
    this(metrics, System::nanoTime);
  }

  /** With the clock that paces the summaries ({@link System#nanoTime()} in production). */
  SpecLoader(TrainerMetrics metrics, LongSupplier nanoTime) {
    this.metrics = metrics;
    this.nanoTime = nanoTime;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    specs = context.getStateStore(TrainerTopology.SPECS_STORE);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    String modelId = record.key();
    if (modelId == null || modelId.isEmpty()) {
      log.error("ignored a model-specs record without a key: key every spec by its model id");
      count("rejected", null);
      return;
    }
    if (!ModelIds.isValid(modelId)) {
      log.error("ignored the spec of model '{}': {}", modelId, invalidIdReason(modelId));
      count("rejected", modelId);
      return;
    }
    if (record.value() == null) {
      specs.delete(modelId);
      log.debug("model '{}': spec deleted; the model retires", modelId);
      count("deleted", modelId);
      return;
    }
    specs.put(modelId, record.value());
    try {
      SpecJson.parse(new String(record.value(), StandardCharsets.UTF_8));
      log.debug("model '{}': spec accepted", modelId);
      count("accepted", modelId);
    } catch (SpecException e) {
      log.error(
          "model '{}': spec rejected ({}); its examples go to dead-letters until a valid spec"
              + " arrives",
          modelId,
          e.getMessage());
      count("rejected", modelId);
    }
  }

  /** Counts an outcome in the metrics and for the next summary, which it logs if it is due. */
  private void count(String outcome, String modelId) {
    metrics.spec(outcome);
    switch (outcome) {
      case "accepted" -> accepted++;
      case "deleted" -> deleted++;
      default -> rejected++;
    }
    if (modelId != null) {
      latest = modelId;
    }
    long now = nanoTime.getAsLong();
    if (!summarized || now - lastSummaryNanos >= SUMMARY_INTERVAL_NANOS) {
      summarize(now);
    }
  }

  private void summarize(long now) {
    log.info(
        "model specs: {} accepted, {} rejected, {} deleted since the last summary (latest: model"
            + " '{}'); {} specs in the store",
        accepted,
        rejected,
        deleted,
        latest,
        specs.approximateNumEntries());
    accepted = 0;
    rejected = 0;
    deleted = 0;
    lastSummaryNanos = now;
    summarized = true;
  }

  /** The specs counted since the last summary, if any, are summarized now. */
  @Override
  public void close() {
    if (accepted + rejected + deleted > 0 && specs != null) {
      summarize(nanoTime.getAsLong());
    }
  }

  private static String invalidIdReason(String modelId) {
    try {
      ModelIds.validate(modelId);
      return "valid";
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }
}
