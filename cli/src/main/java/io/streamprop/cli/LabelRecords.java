package io.streamprop.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecException;
import io.streamprop.spec.SpecJson;
import io.streamprop.wire.ExampleException;
import io.streamprop.wire.ExampleParser;
import io.streamprop.wire.LabelParser;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

/**
 * Label records for the {@code labels} topic ({@code docs/topics.md}, "labels"), written by {@code
 * streamprop label} and {@code streamprop produce --labels}: key the id (UTF-8), value {@code
 * {"label": ..., "model": "...", "weight": ...}}. Every record is checked as the trainer's join
 * checks it ({@link LabelParser}: the id, the JSON, the weight) and, when it names a model, its
 * label against that model's spec (a class in range, a known class name, the right number of
 * targets), so a bad label stops the command instead of becoming a dead letter.
 */
final class LabelRecords {
  private static final JsonFactory FACTORY = new JsonFactory();
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One checked label record: its key (the id) and its value, from line {@code line}. */
  record Label(long line, String id, byte[] value) {
    byte[] key() {
      return id.getBytes(StandardCharsets.UTF_8);
    }
  }

  private final Map<String, byte[]> specs;
  private final Map<String, ExampleParser> parsers = new HashMap<>();

  /**
   * @param specs the newest spec of every model, by model id (the model-specs topic)
   */
  LabelRecords(Map<String, byte[]> specs) {
    this.specs = specs;
  }

  /**
   * The value of a label record: {@code label} and {@code weight} are JSON as given, {@code model}
   * and {@code weight} may be null (left out).
   */
  static byte[] value(byte[] label, String model, byte[] weight) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(label.length + 64);
    out.writeBytes("{\"label\": ".getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(label);
    if (model != null) {
      out.writeBytes(", \"model\": ".getBytes(StandardCharsets.US_ASCII));
      out.writeBytes(jsonString(model));
    }
    if (weight != null) {
      out.writeBytes(", \"weight\": ".getBytes(StandardCharsets.US_ASCII));
      out.writeBytes(weight);
    }
    out.write('}');
    return out.toByteArray();
  }

  /**
   * {@code --label}'s text as JSON: a number, a JSON string or a JSON list as written ({@code 3},
   * {@code 2.5}, {@code "3"}, {@code [1.5, 2]}); anything else is a class name ({@code yes}).
   */
  static byte[] labelJson(String text) {
    try (JsonParser p = FACTORY.createParser(text)) {
      JsonToken t = p.nextToken();
      if (t == JsonToken.VALUE_NUMBER_INT
          || t == JsonToken.VALUE_NUMBER_FLOAT
          || t == JsonToken.VALUE_STRING
          || t == JsonToken.START_ARRAY) {
        p.skipChildren();
        if (p.nextToken() == null) {
          return text.getBytes(StandardCharsets.UTF_8);
        }
      }
    } catch (IOException e) {
      // not JSON: a class name
    }
    return jsonString(text);
  }

  /**
   * Checks one label record: the id ({@link LabelParser#id}), the value ({@link LabelParser#parse})
   * and, when it names a model, the label against that model's spec.
   *
   * @throws ExampleException or {@link UserException} naming the problem
   */
  Label check(long line, String id, byte[] value) {
    LabelParser.id(id.getBytes(StandardCharsets.UTF_8));
    LabelParser.Label label = LabelParser.parse(value, Integer.MAX_VALUE);
    if (label.model() != null) {
      LabelParser.label(parser(label.model()), label.label());
    }
    return new Label(line, id, value);
  }

  private ExampleParser parser(String model) {
    ExampleParser parser = parsers.get(model);
    if (parser == null) {
      byte[] spec = specs.get(model);
      if (spec == null) {
        throw new UserException(
            "no model '"
                + model
                + "'; a label names a model that exists (streamprop model list), or none");
      }
      try {
        ModelSpec parsed = SpecJson.parse(new String(spec, StandardCharsets.UTF_8));
        parser = new ExampleParser(parsed);
      } catch (SpecException e) {
        throw new UserException("model '" + model + "': its spec is invalid: " + e.getMessage());
      }
      parsers.put(model, parser);
    }
    return parser;
  }

  /**
   * Reads a labels file, JSON lines (gzip ok) of {@code {"id": "...", "label": ..., "model":
   * optional, "weight": optional}}, checks every line and hands each record to {@code handler}, in
   * file order. Blank lines are skipped.
   *
   * @param defaultModel the model of a line that names none, or null (the label is then for every
   *     model that predicted the id)
   * @return the number of records
   * @throws UserException naming the file and line of the first bad line
   */
  long forEach(Path file, String defaultModel, Consumer<Label> handler) {
    long line = 0;
    long records = 0;
    try (BufferedReader reader = reader(file)) {
      String text;
      while ((text = reader.readLine()) != null) {
        line++;
        if (text.isBlank()) {
          continue;
        }
        try {
          handler.accept(record(line, text, defaultModel));
        } catch (ExampleException | UserException e) {
          throw DataReader.rowError(file, line, e.getMessage());
        }
        records++;
      }
    } catch (NoSuchFileException e) {
      throw new UserException(file + ": no such file");
    } catch (IOException e) {
      throw UserException.io(file, "read" + (line > 0 ? " after line " + line : ""), e);
    }
    return records;
  }

  /** One line of a labels file as a checked record: the id taken out, the rest kept as given. */
  private Label record(long line, String text, String defaultModel) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    LabelParser.Label parsed = LabelParser.parse(bytes, Integer.MAX_VALUE);
    String id = id(bytes);
    String model = parsed.model() != null ? parsed.model() : defaultModel;
    return check(line, id, value(parsed.label(), model, parsed.weight()));
  }

  /** The top-level {@code "id"} of a line (a non-empty string), or throws naming the problem. */
  private static String id(byte[] line) throws IOException {
    try (JsonParser p = FACTORY.createParser(line)) {
      p.nextToken();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        JsonToken v = p.nextToken();
        if ("id".equals(key)) {
          if (v != JsonToken.VALUE_STRING) {
            throw new UserException("id: expected the id as a JSON string, got " + p.getText());
          }
          return p.getText();
        }
        p.skipChildren();
      }
    }
    throw new UserException(
        "id: missing; a label line is {\"id\": \"...\", \"label\": ..., \"model\": optional,"
            + " \"weight\": optional}");
  }

  private static byte[] jsonString(String s) {
    try {
      return JSON.writeValueAsBytes(s);
    } catch (IOException e) {
      throw new IllegalStateException("a string always serializes", e);
    }
  }

  /** A strict UTF-8 reader of {@code path}, gunzipped when it starts with gzip's magic bytes. */
  private static BufferedReader reader(Path path) throws IOException {
    InputStream in = new BufferedInputStream(Files.newInputStream(path), 1 << 16);
    in.mark(2);
    int b0 = in.read();
    int b1 = in.read();
    in.reset();
    if (b0 == 0x1f && b1 == 0x8b) {
      in = new GZIPInputStream(in, 1 << 16);
    }
    return new BufferedReader(
        new InputStreamReader(
            in,
            StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)),
        1 << 16);
  }
}
