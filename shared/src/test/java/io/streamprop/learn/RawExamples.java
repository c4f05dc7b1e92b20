package io.streamprop.learn;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamprop.features.FeatureRow;
import io.streamprop.features.FeaturizedBatch;
import io.streamprop.features.Featurizer;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A small mixed raw-features spec and a seeded stream of its events: two numeric fields (one
 * missing in about a quarter of the events), an embedded categorical (16 buckets × 3), a boolean
 * (sometimes missing), a tiny categorical (one-hot of 3) and an embedded token bag (32 buckets × 4,
 * one to four words), featurized by the {@link Featurizer}.
 */
final class RawExamples {
  private RawExamples() {}

  static final String FEATURES =
      "\"features\": [{\"name\": \"amount\", \"kind\": \"numeric\"},"
          + " {\"name\": \"age\", \"kind\": \"numeric\"},"
          + " {\"name\": \"country\", \"kind\": \"categorical\", \"buckets\": 16,"
          + " \"embedding_dim\": 3},"
          + " {\"name\": \"vip\", \"kind\": \"boolean\"},"
          + " {\"name\": \"device\", \"kind\": \"categorical\", \"buckets\": 3},"
          + " {\"name\": \"query\", \"kind\": \"tokens\", \"buckets\": 32, \"embedding_dim\": 4}]";

  private static final String[] COUNTRIES = {"ID", "FR", "US", "BR", "JP", "NG", "DE"};
  private static final String[] WORDS = {"red", "shoes", "running", "blue", "cheap", "bag", "hat"};

  /** The mixed spec with the rest of a spec's keys, e.g. {@code "classes": 3, "batch_size": 4}. */
  static ModelSpec spec(String rest) {
    return SpecJson.parse("{" + FEATURES + ", " + rest.replace('\'', '"') + "}");
  }

  /** {@code n} seeded events, featurized. */
  static List<FeatureRow> rows(ModelSpec spec, int n, long seed) {
    Featurizer featurizer = new Featurizer(spec.features());
    FeaturizedBatch batch = featurizer.newBatch(1);
    SplittableRandom random = new SplittableRandom(seed);
    List<FeatureRow> rows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      batch.clear();
      featurizer.add(event(random), batch);
      rows.add(FeatureRow.of(batch, 0));
    }
    return rows;
  }

  /** One event; fields are null or absent now and then. */
  static ObjectNode event(SplittableRandom random) {
    ObjectNode e = JsonNodeFactory.instance.objectNode();
    if (random.nextInt(4) != 0) {
      e.put("amount", 100 * random.nextDouble() - 20);
    } else {
      e.putNull("amount");
    }
    e.put("age", 18 + random.nextInt(60));
    e.put("country", COUNTRIES[random.nextInt(COUNTRIES.length)]);
    if (random.nextInt(5) != 0) {
      e.put("vip", random.nextBoolean());
    }
    e.put("device", random.nextBoolean() ? "ios" : "android");
    StringBuilder query = new StringBuilder();
    for (int w = random.nextInt(4); w >= 0; w--) {
      query.append(WORDS[random.nextInt(WORDS.length)]).append(' ');
    }
    e.put("query", query.toString().trim());
    return e;
  }

  /** Class labels in [0, classes), seeded. */
  static float[][] labels(int n, int classes, long seed) {
    SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
    float[][] labels = new float[n][];
    for (int i = 0; i < n; i++) {
      labels[i] = new float[] {random.nextInt(classes)};
    }
    return labels;
  }

  /** Feeds the rows and labels [from, to) to the learner; the last step's result (or null). */
  static StepResult learn(
      OnlineLearner learner, List<FeatureRow> rows, float[][] labels, int from, int to) {
    StepResult last = null;
    for (int i = from; i < to; i++) {
      StepResult r = learner.learn(rows.get(i).dense(), rows.get(i).ids(), labels[i], 1f);
      last = r == null ? last : r;
    }
    return last;
  }
}
