package io.streamprop.scorer.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import io.streamprop.scorer.registry.ServedModel;
import io.streamprop.wire.JsonErrors;
import java.io.IOException;
import java.util.Arrays;

/**
 * The instances of a predict request, parsed straight into one row-major float array (no boxing, no
 * tree): {@code features} is (rows, inputs). Plain rows of numbers, the shape of bulk requests, are
 * read from the bytes by {@link RowScanner}; every other body, and every body with a mistake, by
 * Jackson's streaming parser, which alone decides what is accepted and words every error.
 *
 * <p>Accepted bodies (TensorFlow Serving / KServe V1 "row" format): {@code {"instances": [[1, 2],
 * [3, 4]]}}, or objects of named features {@code {"instances": [{"a": 1, "b": 2}]}} when the spec
 * declares feature names. {@code "inputs"} is accepted as a synonym of {@code "instances"} and
 * {@code "signature_name"} is ignored, as TensorFlow Serving clients send them. Anything else is a
 * 400 whose message names the instance and feature at fault. The optional {@code "ids"} (one per
 * instance, {@link Ids}) come back in {@code ids} (null when absent), and the byte range of
 * instance i in the body, for the prediction log, in {@code bounds} at [2i, 2i + 1].
 */
record Instances(float[] features, int rows, String[] ids, int[] bounds) {

  static final JsonFactory JSON =
      JsonFactory.builder().enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER).build();

  static Instances parse(byte[] body, ServedModel model) {
    // The common shape, read straight from the bytes; anything else (errors included) by Jackson.
    RowScanner.Result fast =
        RowScanner.scan(body, model.inputs(), scratch(model.inputs()), new int[16]);
    if (fast != null) {
      Ids.check(fast.ids(), fast.rows());
      return exact(fast.features(), fast.rows(), model.inputs(), fast.ids(), fast.bounds());
    }
    return parseWithJackson(body, model);
  }

  /** The full parser: every accepted body shape, and the message for every mistake. */
  static Instances parseWithJackson(byte[] body, ServedModel model) {
    Body<Instances> read = read(body, parser -> rows(parser, model));
    Instances instances = read.instances();
    Ids.check(read.ids(), instances.rows());
    return new Instances(instances.features(), instances.rows(), read.ids(), instances.bounds());
  }

  /** A predict body: its instances as {@code rows} read them, and its ids (null: none given). */
  record Body<T>(T instances, String[] ids) {}

  /** Reads the list of instances at the parser's current token (the start of the list). */
  @FunctionalInterface
  interface RowsReader<T> {
    T read(JsonParser parser) throws IOException;
  }

  /**
   * Reads a predict body, {@code {"instances": [...]}} (or {@code "inputs"}, with an ignored {@code
   * "signature_name"} and the optional {@code "ids"}), its list by {@code rows}: the envelope every
   * model's body shares. The ids are not checked against the instances here ({@link Ids#check}).
   */
  static <T> Body<T> read(byte[] body, RowsReader<T> rows) {
    try (JsonParser parser = JSON.createParser(body)) {
      return envelope(parser, rows);
    } catch (StreamReadException e) {
      throw badRequest("bad JSON: " + JsonErrors.message(e) + " at " + location(e));
    } catch (IOException e) {
      throw badRequest("bad JSON: " + e.getMessage());
    }
  }

  private static <T> Body<T> envelope(JsonParser parser, RowsReader<T> rows) throws IOException {
    if (parser.nextToken() != JsonToken.START_OBJECT) {
      throw badRequest(
          "the body must be a JSON object like {\"instances\": [[...], ...]}, got "
              + describe(parser.currentToken()));
    }
    T instances = null;
    String[] ids = null;
    boolean idsSeen = false;
    String field;
    while ((field = parser.nextFieldName()) != null) {
      switch (field) {
        case "instances", "inputs" -> {
          if (instances != null) {
            throw badRequest("the body has more than one of 'instances' and 'inputs'");
          }
          parser.nextToken();
          instances = rows.read(parser);
        }
        case "ids" -> {
          if (idsSeen) {
            throw badRequest("the body has 'ids' twice");
          }
          idsSeen = true;
          parser.nextToken();
          ids = Ids.read(parser);
        }
        case "signature_name" -> {
          parser.nextToken();
          parser.skipChildren();
        }
        default ->
            throw badRequest(
                "unknown field '" + field + "'; expected 'instances' and optionally 'ids'");
      }
    }
    if (parser.currentToken() != JsonToken.END_OBJECT) {
      throw badRequest("expected a field name, got " + describe(parser.currentToken()));
    }
    if (parser.nextToken() != null) {
      throw badRequest("unexpected content after the JSON object");
    }
    if (instances == null) {
      throw badRequest("missing field 'instances': send {\"instances\": [[...], ...]}");
    }
    return new Body<>(instances, ids);
  }

  private static Instances rows(JsonParser parser, ServedModel model) throws IOException {
    if (parser.currentToken() != JsonToken.START_ARRAY) {
      throw badRequest(
          "'instances' must be a list of instances, got " + describe(parser.currentToken()));
    }
    int inputs = model.inputs();
    // Parsed into this thread's scratch array (doubled as needed), then copied once to the exact
    // (rows, inputs) array that the model takes: one allocation per request, of the final size.
    float[] features = scratch(inputs);
    int[] bounds = new int[16];
    int rows = 0;
    JsonToken token;
    while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
      if ((long) (rows + 1) * inputs > Integer.MAX_VALUE - 8) {
        throw badRequest("too many instances in one request");
      }
      if ((rows + 1) * inputs > features.length) {
        features = Arrays.copyOf(features, Math.max(features.length * 2, (rows + 1) * inputs));
      }
      if (2 * rows + 2 > bounds.length) {
        bounds = Arrays.copyOf(bounds, bounds.length * 2);
      }
      bounds[2 * rows] = (int) parser.currentTokenLocation().getByteOffset();
      int offset = rows * inputs;
      if (token == JsonToken.START_ARRAY) {
        listRow(parser, model, rows, features, offset);
      } else if (token == JsonToken.START_OBJECT) {
        namedRow(parser, model, rows, features, offset);
      } else {
        throw badRequest(
            "instance "
                + rows
                + " must be a list of "
                + inputs
                + " numbers"
                + (model.hasFeatureNames() ? " or an object of named features" : "")
                + ", got "
                + describe(token));
      }
      bounds[2 * rows + 1] = (int) parser.currentLocation().getByteOffset();
      rows++;
    }
    if (rows == 0) {
      throw badRequest("'instances' is empty; send at least one instance");
    }
    return exact(features, rows, inputs, null, bounds);
  }

  /** This thread's scratch array, at least one instance long. */
  private static float[] scratch(int inputs) {
    float[] features = SCRATCH.get();
    return features.length < inputs ? new float[inputs] : features;
  }

  /** The first (rows, inputs) values of {@code features} in an array of their own. */
  private static Instances exact(
      float[] features, int rows, int inputs, String[] ids, int[] bounds) {
    if (features.length <= SCRATCH_FLOATS) {
      SCRATCH.set(features); // keep the grown array for this thread's next request
    }
    return new Instances(Arrays.copyOf(features, rows * inputs), rows, ids, bounds);
  }

  /** Largest scratch array a thread keeps between requests (1 MiB); bigger bodies allocate. */
  private static final int SCRATCH_FLOATS = 1 << 18;

  private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[0]);

  private static void listRow(
      JsonParser parser, ServedModel model, int row, float[] features, int offset)
      throws IOException {
    int inputs = model.inputs();
    int column = 0;
    JsonToken token;
    while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
      if (column == inputs) {
        throw badRequest(
            "instance "
                + row
                + " has more than "
                + inputs
                + " values; model '"
                + model.name()
                + "' takes "
                + inputs);
      }
      features[offset + column] = number(parser, token, row, column, null);
      column++;
    }
    if (column != inputs) {
      throw badRequest(
          "instance "
              + row
              + " has "
              + column
              + " values; model '"
              + model.name()
              + "' takes "
              + inputs);
    }
  }

  private static void namedRow(
      JsonParser parser, ServedModel model, int row, float[] features, int offset)
      throws IOException {
    if (!model.hasFeatureNames()) {
      throw badRequest(
          "instance "
              + row
              + " is an object, but model '"
              + model.name()
              + "' declares no feature names; send a list of "
              + model.inputs()
              + " numbers");
    }
    int inputs = model.inputs();
    boolean[] seen = new boolean[inputs];
    int count = 0;
    String name;
    while ((name = parser.nextFieldName()) != null) {
      int column = model.featureIndex(name);
      if (column < 0) {
        throw badRequest(
            "instance "
                + row
                + ": unknown feature '"
                + name
                + "' for model '"
                + model.name()
                + "'");
      }
      if (seen[column]) {
        throw badRequest("instance " + row + ": feature '" + name + "' appears twice");
      }
      seen[column] = true;
      count++;
      features[offset + column] = number(parser, parser.nextToken(), row, column, name);
    }
    if (count != inputs) {
      for (int column = 0; column < inputs; column++) {
        if (!seen[column]) {
          throw badRequest(
              "instance "
                  + row
                  + ": missing feature '"
                  + model.spec().featureNames().get(column)
                  + "'");
        }
      }
    }
  }

  /**
   * The number at the parser's current token, read as the nearest float32 (one rounding, straight
   * from the decimal text). The feature is named ({@code name}) or numbered ({@code column}, when
   * {@code name} is null) only when building an error message: this runs once per feature value,
   * and an eager string per value cost about a sixth of the parse time.
   */
  private static float number(JsonParser parser, JsonToken token, int row, int column, String name)
      throws IOException {
    if (token != JsonToken.VALUE_NUMBER_INT && token != JsonToken.VALUE_NUMBER_FLOAT) {
      throw badRequest(
          "instance "
              + row
              + ", "
              + feature(column, name)
              + ": expected a number, got "
              + describe(token));
    }
    float value = parser.getFloatValue();
    if (!Float.isFinite(value)) {
      throw badRequest(
          "instance "
              + row
              + ", "
              + feature(column, name)
              + ": "
              + parser.getText()
              + " is not a finite float32 value");
    }
    return value;
  }

  private static String feature(int column, String name) {
    return name == null ? "feature " + column : "feature '" + name + "'";
  }

  static String describe(JsonToken token) {
    if (token == null) {
      return "the end of the body";
    }
    return switch (token) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "a list";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> token.asString() == null ? token.name() : "'" + token.asString() + "'";
    };
  }

  private static String location(StreamReadException e) {
    return e.getLocation() == null
        ? "unknown position"
        : "line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
  }

  static HttpError badRequest(String message) {
    return new HttpError(400, message);
  }
}
