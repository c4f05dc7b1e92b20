package io.streamprop.scorer.http;

import io.streamprop.features.FeatureRow;
import io.streamprop.scorer.registry.Inference;
import io.streamprop.scorer.registry.ModelInfo;
import io.streamprop.scorer.registry.ServedModel;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/** Served models with hand-made inference, so that tests know every output exactly. */
final class TestModels {
  private TestModels() {}

  static ModelSpec spec(ModelSpec.Task task, int inputs, List<String> names, int outputs) {
    StringBuilder json = new StringBuilder("{\"inputs\": " + inputs);
    if (task == ModelSpec.Task.CLASSIFICATION) {
      json.append(", \"classes\": ").append(outputs);
    } else {
      json.append(", \"task\": \"regression\", \"targets\": ").append(outputs);
    }
    if (!names.isEmpty()) {
      json.append(", \"feature_names\": [\"").append(String.join("\", \"", names)).append("\"]");
    }
    return SpecJson.parse(json.append('}').toString());
  }

  static ServedModel model(String name, long version, ModelSpec spec, Inference inference) {
    // Like the engine's Predictor, refuse features that are not exactly (rows, inputs).
    Inference strict =
        (features, rows) -> {
          if (rows < 1 || features.length != rows * spec.inputs()) {
            throw new IllegalArgumentException(
                "expected " + rows + " x " + spec.inputs() + " features, got " + features.length);
          }
          return inference.predict(features, rows);
        };
    ModelInfo info =
        new ModelInfo(
            1000,
            62,
            1,
            0.25,
            Instant.parse("2026-01-01T00:00:00Z"),
            Instant.parse("2026-01-01T00:00:01Z"),
            0.002,
            4321,
            "{\"inputs\":" + spec.inputs() + "}");
    return new ServedModel(name, version, spec, strict, info);
  }

  /** Classification, features a..d; the "probabilities" are the first three features. */
  static ServedModel iris(long version) {
    return model(
        "iris",
        version,
        spec(ModelSpec.Task.CLASSIFICATION, 4, List.of("a", "b", "c", "d"), 3),
        (features, rows) -> {
          float[] out = new float[rows * 3];
          for (int row = 0; row < rows; row++) {
            System.arraycopy(features, row * 4, out, row * 3, 3);
          }
          return out;
        });
  }

  /** Regression with one target: the sum of the two features. */
  static ServedModel house(long version) {
    return model(
        "house",
        version,
        spec(ModelSpec.Task.REGRESSION, 2, List.of(), 1),
        (features, rows) -> {
          float[] out = new float[rows];
          for (int row = 0; row < rows; row++) {
            out[row] = features[row * 2] + features[row * 2 + 1];
          }
          return out;
        });
  }

  /** Regression with two targets: the features, swapped. */
  static ServedModel swap(long version) {
    return model(
        "swap",
        version,
        spec(ModelSpec.Task.REGRESSION, 2, List.of(), 2),
        (features, rows) -> {
          float[] out = new float[rows * 2];
          for (int row = 0; row < rows; row++) {
            out[row * 2] = features[row * 2 + 1];
            out[row * 2 + 1] = features[row * 2];
          }
          return out;
        });
  }

  /** A raw-features churn spec: the four kinds, a closed schema, class names. */
  static final String CHURN_SPEC =
      "{\"features\": ["
          + "{\"name\": \"amount\", \"kind\": \"numeric\"},"
          + "{\"name\": \"country\", \"kind\": \"categorical\", \"buckets\": 64,"
          + " \"embedding_dim\": 4, \"max_length\": 16},"
          + "{\"name\": \"device\", \"kind\": \"categorical\", \"buckets\": 4},"
          + "{\"name\": \"is_new\", \"kind\": \"boolean\"},"
          + "{\"name\": \"query\", \"kind\": \"tokens\", \"buckets\": 256,"
          + " \"embedding_dim\": 4, \"bigrams\": true, \"max_tokens\": 8}],"
          + " \"closed_schema\": true, \"class_names\": [\"stay\", \"churned\"]}";

  /**
   * A model of raw features whose inference keeps the rows it was given in {@code seen} and answers
   * P(churned) = 0.75 for a new customer ({@code is_new} true), 0.25 otherwise.
   */
  static ServedModel churn(long version, AtomicReference<FeatureRow[]> seen) {
    ModelSpec spec = SpecJson.parse(CHURN_SPEC);
    int isNew = spec.features().layout().column(spec.features().indexOf("is_new"));
    Inference inference =
        new Inference() {
          @Override
          public float[] predict(float[] features, int rows) {
            throw new AssertionError("a model of raw features was given a vector");
          }

          @Override
          public float[] predict(FeatureRow[] rows) {
            seen.set(rows);
            float[] out = new float[rows.length * 2];
            for (int r = 0; r < rows.length; r++) {
              float p = rows[r].dense()[isNew] == 1f ? 0.75f : 0.25f;
              out[2 * r] = 1 - p;
              out[2 * r + 1] = p;
            }
            return out;
          }
        };
    ModelInfo info =
        new ModelInfo(
            10,
            2,
            0,
            0.5,
            Instant.parse("2026-01-01T00:00:00Z"),
            Instant.parse("2026-01-01T00:00:01Z"),
            0.002,
            999,
            SpecJson.write(spec));
    return new ServedModel("churn", version, spec, inference, info);
  }
}
