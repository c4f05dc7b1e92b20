package io.streamprop.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.FloatNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.streamprop.features.FeatureRow;
import io.streamprop.features.FeatureSchema;
import io.streamprop.features.FeatureSpec;
import io.streamprop.features.FeaturizedBatch;
import io.streamprop.features.Featurizer;
import io.streamprop.features.RawValues;
import io.streamprop.spec.ModelSpec;
import io.streamprop.wire.ExampleException;
import io.streamprop.wire.ExampleParser;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The rows of a raw data file ({@link RawDataFile}) for a spec with {@code features}, in file
 * order, each one checked and made ready for every consumer: featurized by the spec's {@link
 * Featurizer} (the learner's and the predictor's input, {@link FeatureRow}), its label read by the
 * spec ({@link RawLabels}), and its raw {@code features} object as the trainer and the scorer take
 * it. Used by the command line ({@code train}, {@code evaluate}, {@code produce}, {@code predict})
 * and the demo's producer, so that all of them featurize a file the same way.
 *
 * <p>A CSV row becomes a JSON object by its features' kinds, so that featurizing the object gives
 * the row the CSV cells give, bit for bit: an empty cell is {@code null}; a numeric cell its
 * float32 (written with {@link Float#toString}, which reads back to the same float); a boolean cell
 * {@code true} or {@code false}; a categorical cell the string the featurizer hashes (a cell in
 * JSON number syntax as its canonical decimal, {@code "2.50"} as {@code "2.5"}); a tokens cell its
 * text. Columns the spec does not name are left out. A JSON-lines row's {@code features} object is
 * kept as it is.
 *
 * <p>Every error is a {@link DataFileException} {@code "file:line: field: message"} naming the
 * value: {@code features.<name>} for a feature (the featurizer's own message), {@code label} for
 * the label. Not thread-safe.
 */
public final class RawExamples implements Closeable {

  /**
   * One checked row.
   *
   * @param line the 1-based line where the row starts
   * @param row the featurized row
   * @param label the class index as a float, or the targets
   * @param features the raw features as a JSON object (see the class comment)
   * @param labelJson the label as the examples topic takes it: a class name (when the spec has
   *     names) or index, or the targets
   * @param weight the example's weight (1 when the row gives none)
   * @param weightJson the row's {@code weight} as written in the file, or null when absent
   */
  public record RawExample(
      long line,
      FeatureRow row,
      float[] label,
      ObjectNode features,
      JsonNode labelJson,
      float weight,
      JsonNode weightJson) {

    /**
     * The raw example record {@code {"features": {...}, "label": ..., "weight": ...}} as UTF-8
     * JSON; {@code weight} only when the row gave one, as written.
     */
    public byte[] recordBytes() {
      ObjectNode record = JsonNodeFactory.instance.objectNode();
      record.set("features", features);
      record.set("label", labelJson);
      if (weightJson != null) {
        record.set("weight", weightJson);
      }
      try {
        return RawDataFile.JSON.writeValueAsBytes(record);
      } catch (JsonProcessingException e) {
        throw new UncheckedIOException(e); // a tree of plain values always writes
      }
    }
  }

  private final RawDataFile file;
  private final String source;
  private final FeatureSchema schema;
  private final Featurizer featurizer;
  private final FeaturizedBatch batch;
  private final RawLabels labels;

  private RawExamples(RawDataFile file, String source, ModelSpec spec) {
    this.file = file;
    this.source = source;
    this.schema = spec.features();
    this.featurizer = new Featurizer(schema);
    this.batch = featurizer.newBatch(1);
    this.labels = new RawLabels(spec);
  }

  /**
   * Opens {@code path} for {@code spec}, which must declare {@code features}.
   *
   * @throws IllegalArgumentException for a spec of numbers
   */
  public static RawExamples open(Path path, ModelSpec spec) throws IOException {
    if (!spec.hasFeatures()) {
      throw new IllegalArgumentException("a spec of numbers reads files with DataFile");
    }
    RawDataFile file = RawDataFile.open(path);
    return new RawExamples(file, String.valueOf(path.getFileName()), spec);
  }

  /**
   * The next row, checked, or null at the end of the file.
   *
   * @throws DataFileException for a row that cannot be used, naming the file, line, field and value
   */
  public RawExample next() throws IOException {
    RawDataFile.RawRow raw = file.next();
    if (raw == null) {
      return null;
    }
    String where = source + ":" + raw.line() + ": ";
    batch.clear();
    ObjectNode features;
    try {
      if (raw.cells() != null) {
        featurizer.add(raw.cells(), batch);
        features = typed(raw.cells(), schema);
      } else {
        featurizer.add(raw.features(), batch);
        features = (ObjectNode) raw.features(); // the featurizer took it: an object
      }
    } catch (ExampleException e) {
      throw new DataFileException(where + e.getMessage());
    }
    float[] label;
    try {
      label = labels.read(raw.label());
    } catch (DataFileException e) {
      throw new DataFileException(where + e.getMessage());
    }
    float weight;
    try {
      weight = weight(raw.weight());
    } catch (DataFileException e) {
      throw new DataFileException(where + e.getMessage());
    }
    return new RawExample(
        raw.line(),
        FeatureRow.of(batch, 0),
        label,
        features,
        labels.write(label),
        weight,
        raw.weight());
  }

  /**
   * A row's weight exactly as the trainer reads it from the examples topic ({@link
   * ExampleParser#weight}): absent is 1; otherwise a JSON number, read as a double and rounded to
   * float32, that is >= 0 and finite as a float32 (-0 is 0).
   */
  static float weight(JsonNode json) {
    if (json == null) {
      return 1f;
    }
    float w = json.isNumber() ? ExampleParser.weight(json.doubleValue()) : Float.NaN;
    if (Float.isNaN(w)) {
      throw new DataFileException(
          "weight: must be a finite number >= 0 (float32: < 3.4e38), got " + json);
    }
    return w;
  }

  /** A featurized CSV row's cells as the JSON object that featurizes to the same row. */
  static ObjectNode typed(Map<String, String> cells, FeatureSchema schema) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    for (FeatureSpec f : schema.features()) {
      String cell = cells.get(f.name());
      if (cell == null) {
        continue; // absent: missing, as null would be
      }
      out.set(f.name(), cell.isEmpty() ? NullNode.getInstance() : value(cell, f));
    }
    return out;
  }

  /** One present cell that the featurizer has accepted for {@code f}. */
  private static JsonNode value(String cell, FeatureSpec f) {
    return switch (f.kind()) {
      case NUMERIC -> FloatNode.valueOf(Float.parseFloat(cell));
      case BOOLEAN -> BooleanNode.valueOf(RawValues.booleanWord(cell));
      case CATEGORICAL ->
          TextNode.valueOf(
              RawValues.isJsonNumber(cell) ? RawValues.canonical(cell, f.maxLength()) : cell);
      case TOKENS -> TextNode.valueOf(cell);
    };
  }

  @Override
  public void close() throws IOException {
    file.close();
  }
}
