package io.streamprop.demo;

import io.streamprop.data.DataFile;
import io.streamprop.data.RawExamples;
import io.streamprop.spec.ModelSpec;
import io.streamprop.wire.ExampleJson;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The rows of a data file as the simulated client uses them, read again from the top at its end:
 * each row's instance for a predict request, its label for the {@code labels} topic, and the whole
 * row as an example record (to seed the model). For a spec of numbers the instance and label are
 * cut from the example record {@link ExampleJson} writes, so all three agree to the bit; for a spec
 * with raw {@code features} they come from {@link RawExamples} (the raw object, the label as the
 * examples topic takes it, the row's weight if it gives one). Not thread-safe.
 */
final class DemoRows implements Closeable {
  /**
   * One row.
   *
   * @param instance the JSON instance: a list of numbers in the spec's order, or the raw object
   * @param labelValue the {@code labels} record value: {@code {"label": ...}} (and the row's {@code
   *     weight} if it gives one)
   * @param example the example record, as the producer would send it
   */
  record Row(String instance, byte[] labelValue, byte[] example) {}

  private static final String FEATURES_PREFIX = "{\"features\":";
  private static final String LABEL_FIELD = ",\"label\":";

  private final Path data;
  private final ModelSpec spec;
  private final int[] columns;
  private DataFile numbers;
  private RawExamples raw;
  private boolean rowSinceOpen;

  DemoRows(Path data, ModelSpec spec) throws IOException {
    this.data = data;
    this.spec = spec;
    this.columns = DemoProducer.columns(data, spec);
  }

  /** The next row, starting over at the end of the file. */
  Row next() throws IOException {
    while (true) {
      Row row = spec.hasFeatures() ? nextRaw() : nextNumbers();
      if (row != null) {
        rowSinceOpen = true;
        return row;
      }
      if (!rowSinceOpen && (numbers != null || raw != null)) {
        throw new DemoException(data + " has no rows");
      }
      close();
      rowSinceOpen = false;
      if (spec.hasFeatures()) {
        raw = RawExamples.open(data, spec);
      } else {
        numbers = DataFile.open(data);
      }
    }
  }

  private Row nextNumbers() throws IOException {
    DataFile.Row row = numbers == null ? null : numbers.next();
    if (row == null) {
      return null;
    }
    float[] features = row.features();
    if (columns != null) {
      features = new float[columns.length];
      for (int i = 0; i < columns.length; i++) {
        features[i] = row.features()[columns[i]];
      }
    }
    // {"features":[...],"label":L}: the instance and the label exactly as the example has them.
    String example = ExampleJson.write(features, row.label(), spec.task());
    int label = example.lastIndexOf(LABEL_FIELD);
    String instance = example.substring(FEATURES_PREFIX.length(), label);
    String labelJson = example.substring(label + LABEL_FIELD.length(), example.length() - 1);
    return new Row(
        instance, utf8("{\"label\":" + labelJson + "}"), example.getBytes(StandardCharsets.UTF_8));
  }

  private Row nextRaw() throws IOException {
    RawExamples.RawExample row = raw == null ? null : raw.next();
    if (row == null) {
      return null;
    }
    String labelValue =
        "{\"label\":"
            + row.labelJson()
            + (row.weightJson() == null ? "" : ",\"weight\":" + row.weightJson())
            + "}";
    return new Row(row.features().toString(), utf8(labelValue), row.recordBytes());
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws IOException {
    if (numbers != null) {
      numbers.close();
      numbers = null;
    }
    if (raw != null) {
      raw.close();
      raw = null;
    }
  }
}
