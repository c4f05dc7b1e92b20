package io.streamprop.trainer.topology;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * The dead-letter contract: a rejected record keeps its key, value and headers, and gains headers
 * saying why and where it came from. Reason codes are those of {@link
 * io.streamprop.wire.RejectReason} plus those only the trainer can detect, below.
 */
public final class DeadLetters {
  private DeadLetters() {}

  public static final String REASON_HEADER = "streamprop.reason";
  public static final String ERROR_HEADER = "streamprop.error";
  public static final String SOURCE_TOPIC_HEADER = "streamprop.source.topic";
  public static final String SOURCE_PARTITION_HEADER = "streamprop.source.partition";
  public static final String SOURCE_OFFSET_HEADER = "streamprop.source.offset";

  /** The record has no key, so it names no model. */
  public static final String MISSING_KEY = "missing_key";

  /** The model's latest spec on the model-specs topic is invalid. */
  public static final String INVALID_SPEC = "invalid_spec";

  /** The key's partition under the default partitioner is not the record's. */
  public static final String WRONG_PARTITION = "wrong_partition";

  /** A label or logged prediction whose key is empty, not UTF-8 or longer than 256 bytes. */
  public static final String INVALID_ID = "invalid_id";

  /** A label whose prediction did not arrive within the grace. */
  public static final String UNMATCHED_LABEL = "unmatched_label";

  /** A second label for an id and model already labeled (or already waiting). */
  public static final String DUPLICATE_LABEL = "duplicate_label";

  /** The original headers plus the dead-letter headers. */
  public static Headers headers(
      Headers original, String reason, String error, RecordMetadata source) {
    return source == null
        ? headers(original, reason, error, null, -1, -1)
        : headers(original, reason, error, source.topic(), source.partition(), source.offset());
  }

  /** The same, for a record kept in a store: its source given as topic, partition and offset. */
  public static Headers headers(
      Headers original, String reason, String error, String topic, int partition, long offset) {
    RecordHeaders headers = new RecordHeaders(original.toArray());
    headers.add(REASON_HEADER, utf8(reason));
    headers.add(ERROR_HEADER, utf8(error));
    if (topic != null) {
      headers.add(SOURCE_TOPIC_HEADER, utf8(topic));
      headers.add(SOURCE_PARTITION_HEADER, utf8(Integer.toString(partition)));
      headers.add(SOURCE_OFFSET_HEADER, utf8(Long.toString(offset)));
    }
    return headers;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
