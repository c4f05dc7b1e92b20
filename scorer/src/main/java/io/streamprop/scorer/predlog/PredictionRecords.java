package io.streamprop.scorer.predlog;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.core.io.NumberOutput;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The records of one answered request on the {@code predictions} topic ({@code docs/topics.md}):
 * per instance, key = the id (UTF-8), value = {@code {"id": ..., "model": ..., "version": ...,
 * "time": ..., "features": ..., "prediction": ...}}, header {@code streamprop.model}, timestamp =
 * {@code time}. The features and the prediction are copied as bytes from the request body and the
 * response body ({@code featureBounds} and {@code predictionBounds}: the range of instance i at
 * [2i, 2i + 1]), so the log holds the instance exactly as received and the prediction exactly as
 * answered, with no parse or print in between.
 */
public final class PredictionRecords {
  /** The header that names the model, for consumers that filter without parsing the value. */
  public static final String MODEL_HEADER = "streamprop.model";

  private static final byte[] ID = ascii("{\"id\":\"");
  private static final byte[] MODEL = ascii("\",\"model\":\"");
  private static final byte[] VERSION = ascii("\",\"version\":");
  private static final byte[] TIME = ascii(",\"time\":");
  private static final byte[] FEATURES = ascii(",\"features\":");
  private static final byte[] PREDICTION = ascii(",\"prediction\":");

  private PredictionRecords() {}

  /**
   * One record per instance, for {@code topic}.
   *
   * @param ids (rows)
   * @param featureBounds (2 rows) byte ranges of the instances in {@code body}
   * @param predictionBounds (2 rows) byte ranges of the predictions in {@code reply}
   */
  public static ProducerRecord<byte[], byte[]>[] of(
      String topic,
      String model,
      long version,
      long time,
      String[] ids,
      byte[] body,
      int[] featureBounds,
      byte[] reply,
      int[] predictionBounds) {
    byte[] modelBytes = model.getBytes(StandardCharsets.UTF_8);
    byte[] quotedModel = quote(model);
    byte[] numbers = new byte[40];
    int versionEnd = NumberOutput.outputLong(version, numbers, 0);
    int timeEnd = NumberOutput.outputLong(time, numbers, 20);
    @SuppressWarnings("unchecked")
    ProducerRecord<byte[], byte[]>[] records = new ProducerRecord[ids.length];
    for (int i = 0; i < ids.length; i++) {
      byte[] quotedId = quote(ids[i]);
      int featuresFrom = featureBounds[2 * i];
      int featuresLength = featureBounds[2 * i + 1] - featuresFrom;
      int predictionFrom = predictionBounds[2 * i];
      int predictionLength = predictionBounds[2 * i + 1] - predictionFrom;
      byte[] value =
          new byte
              [ID.length
                  + quotedId.length
                  + MODEL.length
                  + quotedModel.length
                  + VERSION.length
                  + versionEnd
                  + TIME.length
                  + (timeEnd - 20)
                  + FEATURES.length
                  + featuresLength
                  + PREDICTION.length
                  + predictionLength
                  + 1];
      int at = put(value, 0, ID, 0, ID.length);
      at = put(value, at, quotedId, 0, quotedId.length);
      at = put(value, at, MODEL, 0, MODEL.length);
      at = put(value, at, quotedModel, 0, quotedModel.length);
      at = put(value, at, VERSION, 0, VERSION.length);
      at = put(value, at, numbers, 0, versionEnd);
      at = put(value, at, TIME, 0, TIME.length);
      at = put(value, at, numbers, 20, timeEnd - 20);
      at = put(value, at, FEATURES, 0, FEATURES.length);
      at = put(value, at, body, featuresFrom, featuresLength);
      at = put(value, at, PREDICTION, 0, PREDICTION.length);
      at = put(value, at, reply, predictionFrom, predictionLength);
      value[at] = '}';
      Header[] headers = {new RecordHeader(MODEL_HEADER, modelBytes)};
      records[i] =
          new ProducerRecord<>(
              topic,
              null, // the default partitioner on the id: co-partitioned with the labels
              time,
              ids[i].getBytes(StandardCharsets.UTF_8),
              value,
              new RecordHeaders(headers));
    }
    return records;
  }

  /** The UTF-8 of {@code text} escaped for the inside of a JSON string. */
  private static byte[] quote(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c > 0x7E || c == '"' || c == '\\') {
        return JsonStringEncoder.getInstance().quoteAsUTF8(text);
      }
    }
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static int put(byte[] out, int at, byte[] from, int offset, int length) {
    System.arraycopy(from, offset, out, at, length);
    return at + length;
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
