package io.streamprop.trainer.topology;

import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecException;
import io.streamprop.spec.SpecJson;
import io.streamprop.trainer.metrics.TrainerMetrics;
import io.streamprop.wire.Example;
import io.streamprop.wire.ExampleException;
import io.streamprop.wire.ExampleParser;
import io.streamprop.wire.RejectReason;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * First step of the topology: turns a raw {@code examples} record into a {@link TrainingExample} or
 * a dead letter. The key names the model; its spec (from the global {@code model-specs-store})
 * decides what a valid example is. Nothing is dropped: every record either goes on to {@link Train}
 * or to the dead-letters sink, unchanged, with its reason.
 *
 * <p>Parsed specs and their parsers are cached ({@link SpecCache}: by model id, shared by the
 * models of equal spec bytes, bounded) and reused while the stored spec bytes are unchanged, so the
 * per-example cost is one store lookup, one byte comparison and the parse.
 */
final class ParseAndValidate implements Processor<byte[], byte[], Object, Object> {
  private final int maxBytes;
  private final TrainerMetrics metrics;
  private final SpecCache<SpecEntry> specCache = new SpecCache<>(this::parseSpec);
  private byte[] lastKey;
  private String lastModelId;
  private ProcessorContext<Object, Object> context;
  private ReadOnlyKeyValueStore<String, byte[]> specs;
  private final String specsTopic;
  private final int partitions;

  /**
   * @param partitions the examples topic's partition count: an example whose key the default
   *     partitioner puts on another partition is a dead letter; 0 checks nothing
   */
  ParseAndValidate(int maxBytes, String specsTopic, int partitions, TrainerMetrics metrics) {
    this.maxBytes = maxBytes;
    this.specsTopic = specsTopic;
    this.partitions = partitions;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<Object, Object> context) {
    this.context = context;
    this.specs = context.getStateStore(TrainerTopology.SPECS_STORE);
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    if (record.key() == null) {
      reject(
          record,
          DeadLetters.MISSING_KEY,
          "the record has no key: key every example with its model id (UTF-8)");
      return;
    }
    String modelId = modelId(record.key());
    if (modelId == null) {
      reject(
          record,
          RejectReason.UNKNOWN_MODEL.code(),
          "the record key is not valid UTF-8, so it names no model");
      return;
    }
    int partition = context.recordMetadata().map(RecordMetadata::partition).orElse(-1);
    if (partitions > 0 && partition >= 0) {
      // The Java producer's own choice for a keyed record (murmur2 of the key).
      int expected = BuiltInPartitioner.partitionForKey(record.key(), partitions);
      if (partition != expected) {
        reject(
            record,
            DeadLetters.WRONG_PARTITION,
            "the examples of model '"
                + modelId
                + "' belong in partition "
                + expected
                + " of "
                + partitions
                + " (Kafka's default partitioner, murmur2 of the key), not "
                + partition
                + ": a model learns from one partition, in order. A librdkafka producer (kcat,"
                + " confluent-kafka) needs partitioner=murmur2_random");
        return;
      }
    }
    byte[] value = record.value();
    if (value == null) {
      reject(record, RejectReason.MISSING_FIELD.code(), "the record has no value");
      return;
    }
    SpecEntry entry = spec(modelId);
    if (entry == null) {
      reject(
          record,
          RejectReason.UNKNOWN_MODEL.code(),
          "no spec for model '" + modelId + "': publish one to topic " + specsTopic + " first");
      return;
    }
    if (entry.error != null) {
      reject(
          record,
          DeadLetters.INVALID_SPEC,
          "the spec of model '" + modelId + "' is invalid: " + entry.error);
      return;
    }
    Example example;
    try {
      example = entry.parser.parse(value);
    } catch (ExampleException e) {
      reject(record, e.reason().code(), e.getMessage());
      return;
    }
    context.forward(
        new Record<>(modelId, new TrainingExample(entry.spec, example), record.timestamp()),
        TrainerTopology.TRAIN);
  }

  private SpecEntry spec(String modelId) {
    byte[] bytes = specs.get(modelId);
    if (bytes == null) {
      specCache.remove(modelId);
      return null;
    }
    return specCache.get(modelId, bytes);
  }

  private SpecEntry parseSpec(byte[] bytes) {
    try {
      ModelSpec spec = SpecJson.parse(new String(bytes, StandardCharsets.UTF_8));
      return new SpecEntry(bytes, spec, new ExampleParser(spec, maxBytes), null);
    } catch (SpecException e) {
      return new SpecEntry(bytes, null, null, e.getMessage());
    }
  }

  /** The key as a model id; consecutive records of one model skip the UTF-8 decoding. */
  private String modelId(byte[] key) {
    if (lastKey != null && Arrays.equals(lastKey, key)) {
      return lastModelId;
    }
    String modelId = decodeKey(key);
    if (modelId != null) {
      lastKey = key;
      lastModelId = modelId;
    }
    return modelId;
  }

  private static String decodeKey(byte[] key) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(key))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private void reject(Record<byte[], byte[]> record, String reason, String error) {
    metrics.deadLetter(reason);
    context.forward(
        record.withHeaders(
            DeadLetters.headers(
                record.headers(), reason, error, context.recordMetadata().orElse(null))),
        TrainerTopology.DEAD_LETTERS_SINK);
  }

  /** A parsed spec (or why it is invalid) for the stored bytes it was parsed from. */
  private record SpecEntry(byte[] bytes, ModelSpec spec, ExampleParser parser, String error) {}
}
