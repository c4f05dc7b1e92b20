package io.streamprop.scorer.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.streamprop.features.FeatureRow;
import io.streamprop.features.FeatureSchema;
import io.streamprop.features.FeaturizedBatch;
import io.streamprop.features.Featurizer;
import io.streamprop.scorer.registry.ServedModel;
import io.streamprop.wire.ExampleException;
import io.streamprop.wire.JsonErrors;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The instances of a predict request for a model with raw features: {@code {"instances":
 * [{"country": "ID", "amount": 12.5, "is_new": true, "referrer": null, "query": "red shoes"},
 * ...]}}, each object featurized by the model's {@link Featurizer}, the code path of the trainer's
 * parser, so an instance gets the very inputs its example got in training: missing values (null, an
 * absent name, an empty string) as in training, names the schema does not know ignored (or a 400
 * when it is closed).
 *
 * <p>Each instance is read as a JSON tree as the trainer reads the {@code features} of an example
 * (exact decimals, so numbers become float32 in one rounding; a name given twice refused). A value
 * the featurizer refuses is a 400 naming the instance, the field and the value: {@code instance 3,
 * features.country: must be a string, a number or a boolean (categorical feature), got [1]}.
 */
final class RawInstances {
  private RawInstances() {}

  /** As the trainer's parser reads raw features: exact decimals, duplicate names refused. */
  private static final ObjectReader TREE =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
          .build()
          .reader();

  /**
   * Most network input values one request may make (16 MiB of floats): an instance of raw features
   * can be as short as {@code {}} and still make {@code inputs} values, so the body size alone does
   * not bound the work as it does for vectors.
   */
  static final long MAX_INPUT_VALUES = 1L << 22;

  /**
   * The featurized instances of a body, one row each, in order; its ids (null when absent); the
   * byte range of instance i in the body at [2i, 2i + 1] of {@code bounds}.
   */
  record Parsed(FeatureRow[] rows, String[] ids, int[] bounds) {}

  /** The objects of a body and the byte range of each. */
  private record Objects(List<JsonNode> instances, int[] bounds) {}

  /** The featurized instances of {@code body}, one row each, in order, and its ids. */
  static Parsed parse(byte[] body, ServedModel model) {
    Instances.Body<Objects> read = Instances.read(body, parser -> objects(parser, model));
    List<JsonNode> instances = read.instances().instances();
    Ids.check(read.ids(), instances.size());
    Featurizer featurizer = model.featurizer();
    FeaturizedBatch batch = featurizer.newBatch(instances.size());
    FeatureRow[] rows = new FeatureRow[instances.size()];
    for (int i = 0; i < rows.length; i++) {
      try {
        featurizer.add(instances.get(i), batch);
      } catch (ExampleException e) {
        throw Instances.badRequest("instance " + i + ", " + e.getMessage());
      }
      rows[i] = FeatureRow.of(batch, i);
    }
    return new Parsed(rows, read.ids(), read.instances().bounds());
  }

  private static Objects objects(JsonParser parser, ServedModel model) throws IOException {
    if (parser.currentToken() != JsonToken.START_ARRAY) {
      throw Instances.badRequest(
          "'instances' must be a list of instances, got "
              + Instances.describe(parser.currentToken()));
    }
    List<JsonNode> instances = new ArrayList<>();
    int[] bounds = new int[16];
    long maxRows = MAX_INPUT_VALUES / model.inputs();
    JsonToken token;
    while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
      int row = instances.size();
      if (row == maxRows) {
        throw Instances.badRequest(
            "too many instances in one request: more than "
                + maxRows
                + " instances of "
                + model.inputs()
                + " inputs each; send fewer instances per request");
      }
      if (token != JsonToken.START_OBJECT) {
        throw Instances.badRequest(
            "instance "
                + row
                + " must be an object of raw features by name, got "
                + Instances.describe(token)
                + "; model '"
                + model.name()
                + "' takes features "
                + names(model.spec().features()));
      }
      if (2 * row + 2 > bounds.length) {
        bounds = Arrays.copyOf(bounds, bounds.length * 2);
      }
      bounds[2 * row] = (int) parser.currentTokenLocation().getByteOffset();
      try {
        instances.add(TREE.readTree(parser));
        bounds[2 * row + 1] = (int) parser.currentLocation().getByteOffset();
      } catch (MismatchedInputException e) {
        // Reading a tree, the one mismatch there is: a name given twice.
        throw Instances.badRequest(
            "instance " + row + ": a name is given twice: " + JsonErrors.message(e));
      }
    }
    if (instances.isEmpty()) {
      throw Instances.badRequest("'instances' is empty; send at least one instance");
    }
    return new Objects(instances, bounds);
  }

  private static String names(FeatureSchema schema) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < schema.size() && out.length() < 120; i++) {
      out.append(i == 0 ? "" : ", ").append(schema.feature(i).name());
    }
    return out.length() < 120 ? out.toString() : out + ", ...";
  }
}
