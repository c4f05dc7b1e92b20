package io.streamprop.data;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.streamprop.wire.JsonErrors;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The rows of a JSON-lines data file: one example per line in the {@code examples} topic's form,
 * {@code {"features": [..] or {name: v}, "label": n or [..]}}. The first row fixes the width (and
 * the names, for named features, in the order that row gives them); every later row must agree. Not
 * thread-safe.
 */
final class JsonLinesRows implements RowParser {
  private static final JsonFactory JSON =
      JsonFactory.builder().enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER).build();

  private final DataLines lines;
  private Map<String, Integer> nameIndex; // named features: name -> position; null if positional
  private List<String> featureNames = List.of();
  private int featureWidth = -1;
  private int labelWidth = -1;

  JsonLinesRows(DataLines lines) {
    this.lines = lines;
  }

  @Override
  public List<String> featureNames() {
    return featureNames;
  }

  @Override
  public int featureCount() {
    return featureWidth;
  }

  @Override
  public int labelWidth() {
    return labelWidth;
  }

  @Override
  public String labelName() {
    return "label";
  }

  @Override
  public DataFile.Row parse(String line) throws IOException {
    float[] features = null;
    float[] label = null;
    try (JsonParser p = JSON.createParser(line)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new DataFileException(lines.where() + ": expected a JSON object per line");
      }
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        JsonToken value = p.nextToken();
        if (key.equals("features")) {
          features = features(p, value);
        } else if (key.equals("label")) {
          label = label(p, value);
        } else {
          p.skipChildren();
        }
      }
      if (p.nextToken() != null) {
        throw new DataFileException(lines.where() + ": one JSON object per line, found more");
      }
    } catch (JsonProcessingException e) {
      throw new DataFileException(lines.where() + ": not valid JSON: " + JsonErrors.message(e));
    }
    if (features == null || label == null) {
      throw new DataFileException(
          lines.where() + ": missing \"" + (features == null ? "features" : "label") + "\"");
    }
    if (featureWidth < 0) {
      featureWidth = features.length;
      labelWidth = label.length;
      featureNames = nameIndex == null ? List.of() : namesInOrder(nameIndex);
    } else if (features.length != featureWidth) {
      throw new DataFileException(
          lines.where()
              + ": expected "
              + featureWidth
              + " features as in the first row, got "
              + features.length);
    } else if (label.length != labelWidth) {
      throw new DataFileException(
          lines.where()
              + ": expected a label of width "
              + labelWidth
              + " as in the first row, got "
              + label.length);
    }
    return new DataFile.Row(lines.lineNumber(), features, label);
  }

  private float[] features(JsonParser p, JsonToken start) throws IOException {
    if (start == JsonToken.START_ARRAY) {
      if (nameIndex != null) {
        throw new DataFileException(
            lines.where() + ": features by position, but the first row named them");
      }
      return numbers(p, "features");
    }
    if (start != JsonToken.START_OBJECT) {
      throw new DataFileException(
          lines.where() + ": features must be a list or an object of numbers");
    }
    boolean firstRow = featureWidth < 0;
    if (firstRow) {
      nameIndex = new HashMap<>();
    } else if (nameIndex == null) {
      throw new DataFileException(
          lines.where() + ": features by name, but the first row gave a list");
    }
    List<Float> values = new ArrayList<>();
    float[] ordered = firstRow ? null : new float[nameIndex.size()];
    boolean[] seen = firstRow ? null : new boolean[nameIndex.size()];
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      float value = number(p, "features." + name);
      if (firstRow) {
        if (nameIndex.putIfAbsent(name, values.size()) != null) {
          throw new DataFileException(lines.where() + ": feature " + name + " appears twice");
        }
        values.add(value);
      } else {
        Integer index = nameIndex.get(name);
        if (index == null || seen[index]) {
          throw new DataFileException(
              lines.where()
                  + ": feature "
                  + name
                  + (index == null ? " is not in the first row" : " appears twice"));
        }
        seen[index] = true;
        ordered[index] = value;
      }
    }
    if (firstRow) {
      float[] out = new float[values.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = values.get(i);
      }
      return out;
    }
    for (int i = 0; i < seen.length; i++) {
      if (!seen[i]) {
        throw new DataFileException(
            lines.where() + ": feature " + featureNames.get(i) + " is missing");
      }
    }
    return ordered;
  }

  private float[] label(JsonParser p, JsonToken start) throws IOException {
    if (start == JsonToken.START_ARRAY) {
      return numbers(p, "label");
    }
    return new float[] {number(p, "label")};
  }

  private float[] numbers(JsonParser p, String field) throws IOException {
    float[] values = new float[16];
    int n = 0;
    while (p.nextToken() != JsonToken.END_ARRAY) {
      if (n == values.length) {
        values = Arrays.copyOf(values, 2 * n);
      }
      values[n] = number(p, field + "[" + n + "]");
      n++;
    }
    return Arrays.copyOf(values, n);
  }

  private float number(JsonParser p, String field) throws IOException {
    JsonToken t = p.currentToken();
    if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
      throw new DataFileException(lines.where() + ": " + field + ": expected a number, got " + t);
    }
    float v = p.getFloatValue();
    if (!Float.isFinite(v)) {
      throw new DataFileException(
          lines.where()
              + ": "
              + field
              + ": not a finite float32: "
              + DataLines.abbreviate(p.getText()));
    }
    return v;
  }

  private static List<String> namesInOrder(Map<String, Integer> index) {
    String[] names = new String[index.size()];
    index.forEach((name, i) -> names[i] = name);
    return List.of(names);
  }
}
