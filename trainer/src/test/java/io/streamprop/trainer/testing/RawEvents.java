package io.streamprop.trainer.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamprop.data.RawDataFile;
import io.streamprop.features.FeatureRow;
import io.streamprop.features.FeaturizedBatch;
import io.streamprop.features.Featurizer;
import io.streamprop.learn.OnlineLearner;
import io.streamprop.learn.population.PopulationLearner;
import io.streamprop.spec.ModelSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Raw events of a churn-like model ({@code src/test/resources/data/raw-events.jsonl}, made by
 * {@code raw_events.py} beside it): numbers, nulls, absent keys, empty strings, booleans in every
 * form, categories as strings and numbers with new values late in the stream, tokens as text and as
 * lists, labels by class name and index, example weights. Also one bad event of every reason a
 * raw-features classifier can meet, and the offline reference.
 */
public final class RawEvents {
  private RawEvents() {}

  /** The events' spec: a closed schema of the four kinds, class names, a small network. */
  public static String spec(String snapshot) {
    return "{\"features\": ["
        + "{\"name\": \"amount\", \"kind\": \"numeric\"},"
        + "{\"name\": \"country\", \"kind\": \"categorical\", \"buckets\": 64,"
        + " \"embedding_dim\": 4, \"max_length\": 16},"
        + "{\"name\": \"device\", \"kind\": \"categorical\", \"buckets\": 4},"
        + "{\"name\": \"is_new\", \"kind\": \"boolean\"},"
        + "{\"name\": \"query\", \"kind\": \"tokens\", \"buckets\": 256, \"embedding_dim\": 4,"
        + " \"bigrams\": true, \"max_tokens\": 8}],"
        + " \"closed_schema\": true, \"class_names\": [\"stay\", \"churned\"],"
        + " \"learner\": \"single\", \"hidden\": [8], \"batch_size\": 4, \"snapshot\": "
        + snapshot
        + "}";
  }

  /** Every line of the event file, as the record values a producer sends. */
  public static List<byte[]> load() {
    try (InputStream in = RawEvents.class.getResourceAsStream("/data/raw-events.jsonl")) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      List<byte[]> values = new ArrayList<>();
      for (String line : text.split("\n")) {
        if (!line.isEmpty()) {
          values.add(line.getBytes(StandardCharsets.UTF_8));
        }
      }
      return values;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A bad record value and the reason the trainer must give it. */
  public record Bad(String reason, byte[] value) {
    Bad(String reason, String value) {
      this(reason, value.getBytes(StandardCharsets.UTF_8));
    }
  }

  /**
   * One bad event of each kind (several for some reasons), each value different from every other,
   * with no newline and no tab in it (so that kcat can send each as one line).
   *
   * @param maxBytes the trainer's example size limit; the oversize event is just above it
   */
  public static List<Bad> bad(int maxBytes) {
    List<Bad> bad = new ArrayList<>();
    bad.add(new Bad("bad_json", "{\"features\": {\"amount\": 1"));
    bad.add(new Bad("bad_json", "{\"features\": [12.5, 1, 0], \"label\": \"stay\"}"));
    bad.add(
        new Bad("bad_json", "{\"features\": {\"amount\": 1, \"amount\": 2}, \"label\": \"stay\"}"));
    byte[] garbage = new byte[40];
    for (int i = 0; i < garbage.length; i++) {
      garbage[i] = (byte) (0xFF - 3 * i); // from 0xFF down, never '\n' nor '\t'
    }
    bad.add(new Bad("bad_json", garbage));
    bad.add(new Bad("missing_field", "{\"features\": {\"amount\": 1}, \"n\": 1}"));
    bad.add(new Bad("missing_field", "{\"label\": \"stay\", \"n\": 2}"));
    bad.add(new Bad("unknown_feature", "{\"features\": {\"referer\": \"x\"}, \"label\": 0}"));
    bad.add(new Bad("not_finite", "{\"features\": {\"amount\": NaN}, \"label\": 0}"));
    bad.add(new Bad("not_finite", "{\"features\": {\"amount\": -1e39}, \"label\": 0}"));
    bad.add(new Bad("label_out_of_range", "{\"features\": {}, \"label\": \"Churned\"}"));
    bad.add(new Bad("label_out_of_range", "{\"features\": {}, \"label\": 2}"));
    bad.add(new Bad("weight_invalid", "{\"features\": {}, \"label\": 0, \"weight\": -1}"));
    bad.add(new Bad("feature_type_mismatch", "{\"features\": {\"amount\": \"12\"}, \"label\": 0}"));
    bad.add(
        new Bad("feature_type_mismatch", "{\"features\": {\"is_new\": \"maybe\"}, \"label\": 0}"));
    bad.add(
        new Bad("feature_type_mismatch", "{\"features\": {\"country\": [\"ID\"]}, \"label\": 0}"));
    bad.add(new Bad("feature_type_mismatch", "{\"features\": {\"query\": 42}, \"label\": 0}"));
    bad.add(
        new Bad(
            "feature_too_long",
            "{\"features\": {\"country\": \"Democratic Republic\"}, \"label\": 0}"));
    bad.add(
        new Bad(
            "too_many_tokens",
            "{\"features\": {\"query\": \"where is my order it is very late now\"}, \"label\": 1}"));
    String pad = "x".repeat(maxBytes);
    bad.add(
        new Bad("oversize", "{\"features\": {\"query\": \"" + pad + "\"}, \"label\": \"stay\"}"));
    return bad;
  }

  /**
   * The offline reference: a new model fed {@code values} in order, each featurized the way the
   * command line does it (the JSON-lines reader's tree, then the featurizer), not by the trainer's
   * parser.
   */
  public static OnlineLearner train(ModelSpec spec, List<byte[]> values) {
    OnlineLearner learner = OnlineLearner.create(spec);
    feed(spec, values, learner::learn);
    return learner;
  }

  /** {@link #train} for a population of the spec. */
  public static PopulationLearner trainPopulation(ModelSpec spec, List<byte[]> values) {
    PopulationLearner population = PopulationLearner.create(spec);
    feed(spec, values, population::learn);
    return population;
  }

  /** What learns one featurized event. */
  private interface Learns {
    void learn(float[] dense, int[][] ids, float[] label, float weight);
  }

  private static void feed(ModelSpec spec, List<byte[]> values, Learns learner) {
    Featurizer featurizer = new Featurizer(spec.features());
    FeaturizedBatch batch = featurizer.newBatch(1);
    for (byte[] value : values) {
      JsonNode event;
      try {
        event = RawDataFile.JSON.readTree(value);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      batch.clear();
      featurizer.add(event.get("features"), batch);
      FeatureRow row = FeatureRow.of(batch, 0);
      JsonNode label = event.get("label");
      float y = label.isTextual() ? spec.classNames().indexOf(label.textValue()) : label.intValue();
      float weight = event.has("weight") ? event.get("weight").floatValue() : 1f;
      learner.learn(row.dense(), row.ids(), new float[] {y}, weight);
    }
  }
}
