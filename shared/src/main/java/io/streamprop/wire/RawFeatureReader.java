package io.streamprop.wire;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.streamprop.features.FeatureRow;
import io.streamprop.features.FeatureSchema;
import io.streamprop.features.FeatureStreamReader;
import io.streamprop.features.FeaturizedBatch;
import io.streamprop.features.Featurizer;
import java.io.IOException;

/**
 * The {@code features} value of an example of a spec with raw features ({@code {"features":
 * {"country": "ID", "amount": 12.5, ...}, ...}}): read as a JSON tree and featurized by the spec's
 * {@link Featurizer} into one {@link FeatureRow}, the very code path of the scorer and the command
 * line.
 *
 * <p>The tree is read as {@code io.streamprop.data.RawDataFile.JSON} reads a JSON-lines file:
 * decimals exact ({@code BigDecimal}), so a numeric feature becomes float32 in a single rounding
 * (the float the vector path's parser reads from the same text), and a categorical number keeps its
 * canonical decimal; a name given twice is refused ({@code bad_json}) rather than silently
 * overwritten.
 *
 * <p>{@link #readStreaming} reads the same object without the tree ({@link FeatureStreamReader}),
 * for the events whose row it is sure of, and declines the others, which the caller then reads
 * through {@link #read} from the start.
 *
 * <p>Thread-safe: the featurizer is immutable, and each thread featurizes into a one-row batch of
 * its own.
 */
final class RawFeatureReader {

  /** Exact decimals and refused duplicate names, as {@code RawDataFile.JSON}. */
  private static final ObjectReader TREE =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
          .build()
          .reader();

  private final Featurizer featurizer;
  private final FeatureStreamReader streaming;
  private final ThreadLocal<FeaturizedBatch> batches;

  RawFeatureReader(FeatureSchema schema) {
    this.featurizer = new Featurizer(schema);
    this.streaming = new FeatureStreamReader(featurizer);
    this.batches = ThreadLocal.withInitial(() -> featurizer.newBatch(1));
  }

  /**
   * Reads the value at the parser's current token ({@code start}) and featurizes it.
   *
   * @throws ExampleException {@code bad_json} for a value that is not an object (a list of numbers
   *     is the form of a spec without raw features) or that names a feature twice; the featurizer's
   *     reasons for a value that cannot be used, naming {@code features.<name>} and the value
   */
  FeatureRow read(JsonParser p, JsonToken start) throws IOException {
    JsonNode features;
    try {
      features = TREE.readTree(p);
    } catch (MismatchedInputException e) {
      // Reading a tree, the one mismatch there is: a name given twice.
      throw ExampleParser.badJson(
          "features: a name is given twice: " + ExampleParser.abbreviate(JsonErrors.message(e)));
    }
    if (start != JsonToken.START_OBJECT) {
      throw ExampleParser.badJson(
          "features: this model takes raw features by name, an object {\"<name>\": value, ...};"
              + " got "
              + ExampleParser.describe(start)
              + " "
              + ExampleParser.abbreviate(String.valueOf(features)));
    }
    FeaturizedBatch batch = batches.get();
    batch.clear();
    featurizer.add(features, batch);
    return FeatureRow.of(batch, 0);
  }

  /**
   * Reads the value at the parser's current token ({@code start}) and featurizes it without a tree,
   * as {@link #read} would; null when declined ({@link FeatureStreamReader}).
   */
  FeatureRow readStreaming(JsonParser p, JsonToken start) throws IOException {
    if (start != JsonToken.START_OBJECT) {
      return null;
    }
    FeaturizedBatch batch = batches.get();
    batch.clear();
    return streaming.add(p, batch) ? FeatureRow.of(batch, 0) : null;
  }
}
