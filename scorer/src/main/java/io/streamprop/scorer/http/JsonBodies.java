package io.streamprop.scorer.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.io.NumberOutput;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.streamprop.learn.population.Standing;
import io.streamprop.scorer.registry.ModelInfo;
import io.streamprop.scorer.registry.PopulationInfo;
import io.streamprop.scorer.registry.ServedModel;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecLimits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * Writes the JSON bodies of the scorer's responses (formats in {@code docs/api.md}) with Jackson's
 * streaming generator. Floats are written in their shortest form that reads back to the same
 * float32, so a client sees exactly what the model computed.
 */
final class JsonBodies {
  private static final JsonFactory JSON =
      JsonFactory.builder().enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER).build();

  private JsonBodies() {}

  @FunctionalInterface
  private interface Writer {
    void write(JsonGenerator json) throws IOException;
  }

  private static byte[] write(Writer writer) {
    return write(writer, 512);
  }

  /** Writes into a buffer of {@code sizeHint} bytes first, so a body that fits is copied once. */
  private static byte[] write(Writer writer, int sizeHint) {
    try (ByteArrayBuilder out = new ByteArrayBuilder(sizeHint)) {
      try (JsonGenerator json = JSON.createGenerator(out)) {
        writer.write(json);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code {"error": message}}, plus the model version when a served model was involved. */
  static byte[] error(String message, long modelVersion) {
    return error(message, modelVersion, null);
  }

  /** As {@link #error(String, long)}, plus {@code "limit"} naming the rate limit of a 429. */
  static byte[] error(String message, long modelVersion, String limit) {
    return write(
        json -> {
          json.writeStartObject();
          json.writeStringField("error", message);
          if (limit != null) {
            json.writeStringField("limit", limit);
          }
          if (modelVersion >= 0) {
            json.writeNumberField("model_version", modelVersion);
          }
          json.writeEndObject();
        });
  }

  /** {@code {"status": status}} plus a detail, for the health routes. */
  static byte[] health(String status, String detail, boolean error) {
    return write(
        json -> {
          json.writeStartObject();
          json.writeStringField("status", status);
          json.writeStringField(error ? "error" : "detail", detail);
          json.writeEndObject();
        });
  }

  /**
   * The predict response. Classification: per instance {@code {"class": k, "probabilities":
   * [...]}}, where the class is the most probable class's name when the spec declares {@code
   * class_names} (a string) and its index otherwise (a number), and the probabilities are in class
   * order; regression: per instance a number (one target) or a list (several targets).
   *
   * <p>This is the per-request hot path (448 floats for 64 instances of a 7-class model), so it is
   * written straight into a byte array: the constant parts as prepared bytes, the class and version
   * with Jackson's integer writer, the model name as is (a name that needs escaping, quotes,
   * control characters or anything beyond ASCII, takes the generator, which escapes it its own
   * way), each float by {@link ShortestFloat} (the shortest decimal that reads back to the same
   * float32, as Jackson's Schubfach writes it, without its per-float objects). That skips the
   * generator's per-token bookkeeping and its String-to-char-to byte copies (a class name is copied
   * as is when it is plain ASCII, else the generator takes the response), and gives the very bytes
   * the generator gives ({@link #predictionsWithJackson}, which {@code JsonBodiesTest} compares it
   * with). Outputs that are not finite, which the engine never returns, are left to the generator
   * too, which quotes them.
   *
   * <p>After the predictions come the instances' {@code "ids"} (given or generated). The byte range
   * of prediction i in the body goes to {@code bounds} at [2i, 2i + 1] when {@code bounds} is not
   * null: the prediction log copies each prediction from there, the very bytes the caller got.
   *
   * @param outputs (rows, model.outputs()) as the model returned them
   * @param ids one per row
   * @param bounds (2 rows) or null
   */
  static byte[] predictions(
      ServedModel model, float[] outputs, int rows, String[] ids, int[] bounds) {
    int width = model.outputs();
    boolean classification = model.spec().task() == ModelSpec.Task.CLASSIFICATION;
    int count = rows * width;
    for (int i = 0; i < count; i++) {
      if (!Float.isFinite(outputs[i])) {
        return predictionsWithJackson(model, outputs, rows, ids, bounds);
      }
    }
    if (!plainAscii(model.name())) {
      return predictionsWithJackson(model, outputs, rows, ids, bounds);
    }
    long idChars = 0;
    for (String id : ids) {
      if (!plainAscii(id)) {
        return predictionsWithJackson(model, outputs, rows, ids, bounds);
      }
      idChars += id.length() + 3;
    }
    byte[] name = ascii(model.name());
    List<String> classNames = model.spec().classNames();
    int classChars = classNames.isEmpty() ? 11 : SpecLimits.MAX_CLASS_NAME_LENGTH + 2;
    long bound =
        PREDICTIONS.length
            + (long) rows * (CLASS.length + classChars + PROBABILITIES.length + 3)
            + (long) count * (FLOAT_CHARS + 1)
            + IDS.length
            + idChars
            + MODEL.length
            + name.length
            + MODEL_VERSION.length
            + 21;
    if (bound > MAX_DIRECT_BYTES) {
      return predictionsWithJackson(model, outputs, rows, ids, bounds);
    }
    // Written into this thread's scratch buffer, then copied once to a body of the exact size.
    byte[] out = SCRATCH.get();
    if (out.length < bound) {
      out = new byte[(int) bound];
      if (bound <= MAX_SCRATCH_BYTES) {
        SCRATCH.set(out);
      }
    }
    int at = put(out, 0, PREDICTIONS);
    for (int row = 0; row < rows; row++) {
      int offset = row * width;
      if (row > 0) {
        out[at++] = ',';
      }
      if (bounds != null) {
        bounds[2 * row] = at;
      }
      if (classification) {
        at = put(out, at, CLASS);
        int best = argmax(outputs, offset, width);
        if (classNames.isEmpty()) {
          at = NumberOutput.outputInt(best, out, at);
        } else {
          String className = classNames.get(best);
          if (!plainAscii(className)) {
            return predictionsWithJackson(model, outputs, rows, ids, bounds);
          }
          out[at++] = '"';
          for (int i = 0; i < className.length(); i++) {
            out[at++] = (byte) className.charAt(i);
          }
          out[at++] = '"';
        }
        at = put(out, at, PROBABILITIES);
        at = floats(out, at, outputs, offset, width);
        out[at++] = ']';
        out[at++] = '}';
      } else if (width == 1) {
        at = putFloat(out, at, outputs[offset]);
      } else {
        out[at++] = '[';
        at = floats(out, at, outputs, offset, width);
        out[at++] = ']';
      }
      if (bounds != null) {
        bounds[2 * row + 1] = at;
      }
    }
    at = put(out, at, IDS);
    for (int row = 0; row < rows; row++) {
      if (row > 0) {
        out[at++] = ',';
      }
      out[at++] = '"';
      String id = ids[row];
      for (int i = 0; i < id.length(); i++) {
        out[at++] = (byte) id.charAt(i);
      }
      out[at++] = '"';
    }
    at = put(out, at, MODEL);
    out[at++] = '"';
    at = put(out, at, name);
    out[at++] = '"';
    at = put(out, at, MODEL_VERSION);
    at = NumberOutput.outputLong(model.version(), out, at);
    out[at++] = '}';
    return Arrays.copyOf(out, at);
  }

  /** The constant parts of a predict response, exactly as Jackson's generator writes them. */
  private static final byte[] PREDICTIONS = ascii("{\"predictions\":[");

  private static final byte[] CLASS = ascii("{\"class\":");
  private static final byte[] PROBABILITIES = ascii(",\"probabilities\":[");
  private static final byte[] IDS = ascii("],\"ids\":[");
  private static final byte[] MODEL = ascii("],\"model\":");
  private static final byte[] MODEL_VERSION = ascii(",\"model_version\":");

  /** The longest float Schubfach writes: {@code -d.ddddddddE-ee}, 9 digits. */
  private static final int FLOAT_CHARS = ShortestFloat.MAX_CHARS;

  /** Largest scratch buffer a thread keeps between responses (1 MiB); bigger ones allocate. */
  private static final int MAX_SCRATCH_BYTES = 1 << 20;

  private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[0]);

  /** Larger responses (far beyond any body limit) take the generator, which grows its buffer. */
  private static final long MAX_DIRECT_BYTES = 1 << 28;

  /** True if {@code text} goes into a JSON string unescaped: printable ASCII, no quote or \\. */
  private static boolean plainAscii(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c > 0x7E || c == '"' || c == '\\') {
        return false;
      }
    }
    return true;
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  private static int put(byte[] out, int at, byte[] bytes) {
    System.arraycopy(bytes, 0, out, at, bytes.length);
    return at + bytes.length;
  }

  /** {@code width} comma-separated floats from {@code values[offset]}. */
  private static int floats(byte[] out, int at, float[] values, int offset, int width) {
    for (int k = 0; k < width; k++) {
      if (k > 0) {
        out[at++] = ',';
      }
      at = putFloat(out, at, values[offset + k]);
    }
    return at;
  }

  /** A finite float as Jackson's generator writes it ({@link ShortestFloat}: the same bytes). */
  private static int putFloat(byte[] out, int at, float value) {
    return ShortestFloat.write(out, at, value);
  }

  /** The predict response written by Jackson's generator: every case, non-finite outputs too. */
  static byte[] predictionsWithJackson(
      ServedModel model, float[] outputs, int rows, String[] ids, int[] bounds) {
    int width = model.outputs();
    boolean classification = model.spec().task() == ModelSpec.Task.CLASSIFICATION;
    // a float is at most 15 characters and a comma; per row the class, keys and id; the tail
    int sizeHint =
        (int) Math.min(1 << 20, 64L + model.name().length() + rows * (80L + 16L * width));
    try (ByteArrayBuilder out = new ByteArrayBuilder(sizeHint)) {
      try (JsonGenerator json = JSON.createGenerator(out)) {
        json.writeStartObject();
        json.writeArrayFieldStart("predictions");
        for (int row = 0; row < rows; row++) {
          if (bounds != null) {
            json.flush();
            bounds[2 * row] = out.size() + (row > 0 ? 1 : 0); // the generator's comma comes first
          }
          int offset = row * width;
          if (classification) {
            json.writeStartObject();
            int best = argmax(outputs, offset, width);
            if (model.spec().classNames().isEmpty()) {
              json.writeNumberField("class", best);
            } else {
              json.writeStringField("class", model.spec().classNames().get(best));
            }
            json.writeArrayFieldStart("probabilities");
            for (int k = 0; k < width; k++) {
              json.writeNumber(outputs[offset + k]);
            }
            json.writeEndArray();
            json.writeEndObject();
          } else if (width == 1) {
            json.writeNumber(outputs[offset]);
          } else {
            json.writeStartArray();
            for (int k = 0; k < width; k++) {
              json.writeNumber(outputs[offset + k]);
            }
            json.writeEndArray();
          }
          if (bounds != null) {
            json.flush();
            bounds[2 * row + 1] = out.size();
          }
        }
        json.writeEndArray();
        json.writeArrayFieldStart("ids");
        for (String id : ids) {
          json.writeString(id);
        }
        json.writeEndArray();
        json.writeStringField("model", model.name());
        json.writeNumberField("model_version", model.version());
        json.writeEndObject();
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The status and metadata of one model ({@code GET /v1/models/{model}}). */
  static byte[] model(ServedModel model, Instant now) {
    return write(json -> writeModel(json, model, now));
  }

  /** {@code {"models": [...]}} with the status of every served model. */
  static byte[] models(List<ServedModel> models, String nextAfter, Instant now) {
    return write(
        json -> {
          json.writeStartObject();
          json.writeArrayFieldStart("models");
          for (ServedModel model : models) {
            writeModel(json, model, now);
          }
          json.writeEndArray();
          if (nextAfter != null) {
            json.writeStringField("next_after", nextAfter);
          }
          json.writeEndObject();
        });
  }

  private static void writeModel(JsonGenerator json, ServedModel model, Instant now)
      throws IOException {
    ModelInfo info = model.info();
    json.writeStartObject();
    json.writeStringField("name", model.name());
    json.writeBooleanField("ready", true);
    json.writeNumberField("model_version", model.version());
    // TensorFlow Serving's model status, so that its clients understand the answer.
    json.writeArrayFieldStart("model_version_status");
    json.writeStartObject();
    json.writeStringField("version", Long.toString(model.version()));
    json.writeStringField("state", "AVAILABLE");
    json.writeObjectFieldStart("status");
    json.writeStringField("error_code", "OK");
    json.writeStringField("error_message", "");
    json.writeEndObject();
    json.writeEndObject();
    json.writeEndArray();

    json.writeObjectFieldStart("metadata");
    json.writeStringField("task", lowerCase(model.spec().task()));
    json.writeNumberField("inputs", model.inputs());
    json.writeNumberField("outputs", model.outputs());
    if (!model.spec().classNames().isEmpty()) {
      json.writeArrayFieldStart("class_names");
      for (String className : model.spec().classNames()) {
        json.writeString(className);
      }
      json.writeEndArray();
    }
    json.writeNumberField("examples", info.examples());
    json.writeNumberField("steps", info.steps());
    json.writeNumberField("skipped_steps", info.skippedSteps());
    json.writeFieldName("latest_training_loss");
    if (Double.isFinite(info.trainingLoss())) {
      json.writeNumber(info.trainingLoss());
    } else {
      json.writeNull();
    }
    if (info.snapshotCreatedAt() != null) {
      json.writeStringField("snapshot_created_at", info.snapshotCreatedAt().toString());
      json.writeNumberField(
          "snapshot_age_seconds",
          Duration.between(info.snapshotCreatedAt(), now).toMillis() / 1000.0);
    }
    json.writeStringField("loaded_at", info.loadedAt().toString());
    json.writeNumberField("load_seconds", info.loadSeconds());
    json.writeNumberField("snapshot_bytes", info.snapshotBytes());
    if (info.population() != null) {
      writePopulation(json, info.population());
    }
    json.writeEndObject();

    json.writeFieldName("spec");
    json.writeRawValue(info.specJson());
    json.writeEndObject();
  }

  /** Which member of a population is served, why, and every member's standing. */
  private static void writePopulation(JsonGenerator json, PopulationInfo population)
      throws IOException {
    json.writeObjectFieldStart("population");
    json.writeNumberField("member", population.member());
    json.writeBooleanField("average", population.average());
    json.writeNumberField("learning_rate", population.learningRate());
    writeInts(json, "hidden", population.hidden());
    json.writeStringField("input_transform", lowerCase(population.inputTransform()));
    json.writeStringField("reason", population.reason());
    json.writeNumberField("switches", population.switches());
    json.writeNumberField("replacements", population.replacements());
    json.writeNumberField("drift_alarms", population.driftAlarms());
    json.writeArrayFieldStart("standings");
    for (Standing s : population.standings()) {
      json.writeStartObject();
      json.writeNumberField("member", s.member());
      json.writeNumberField("learning_rate", s.learningRate());
      writeInts(json, "hidden", s.hidden());
      json.writeStringField("input_transform", lowerCase(s.inputTransform()));
      json.writeFieldName("recent_loss");
      if (Double.isFinite(s.recentLoss())) {
        json.writeNumber(s.recentLoss());
      } else {
        json.writeNull(); // NaN before its first step, +inf after a non-finite one
      }
      json.writeNumberField("steps", s.steps());
      json.writeNumberField("born_at", s.bornAt());
      json.writeBooleanField("leader", s.leader());
      // The served network is this member's, or its weight average's (which may lead the
      // members' race without its member leading it).
      json.writeBooleanField("served", s.member() == population.member());
      json.writeEndObject();
    }
    json.writeEndArray();
    json.writeEndObject();
  }

  private static String lowerCase(Enum<?> value) {
    return value.name().toLowerCase(java.util.Locale.ROOT);
  }

  private static void writeInts(JsonGenerator json, String name, List<Integer> values)
      throws IOException {
    json.writeArrayFieldStart(name);
    for (int v : values) {
      json.writeNumber(v);
    }
    json.writeEndArray();
  }

  private static int argmax(float[] values, int offset, int width) {
    int best = 0;
    for (int k = 1; k < width; k++) {
      if (values[offset + k] > values[offset + best]) {
        best = k;
      }
    }
    return best;
  }
}
