package io.streamprop.trainer.topology;

import io.streamprop.spec.ModelIds;
import io.streamprop.spec.SpecException;
import io.streamprop.spec.SpecJson;
import io.streamprop.trainer.metrics.TrainerMetrics;
import java.nio.charset.StandardCharsets;
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
 */
final class SpecLoader implements Processor<String, byte[], Void, Void> {
  private static final Logger log = LoggerFactory.getLogger(SpecLoader.class);

  private final TrainerMetrics metrics;
  private KeyValueStore<String, byte[]> specs;

  SpecLoader(TrainerMetrics metrics) {
    this.metrics = metrics;
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
      metrics.spec("rejected");
      return;
    }
    if (!ModelIds.isValid(modelId)) {
      log.error("ignored the spec of model '{}': {}", modelId, invalidIdReason(modelId));
      metrics.spec("rejected");
      return;
    }
    if (record.value() == null) {
      specs.delete(modelId);
      log.info("model '{}': spec deleted; the model retires", modelId);
      metrics.spec("deleted");
      return;
    }
    specs.put(modelId, record.value());
    try {
      SpecJson.parse(new String(record.value(), StandardCharsets.UTF_8));
      log.info("model '{}': spec accepted", modelId);
      metrics.spec("accepted");
    } catch (SpecException e) {
      log.error(
          "model '{}': spec rejected ({}); its examples go to dead-letters until a valid spec"
              + " arrives",
          modelId,
          e.getMessage());
      metrics.spec("rejected");
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
