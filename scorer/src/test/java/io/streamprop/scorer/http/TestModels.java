package io.streamprop.scorer.http;

import io.streamprop.scorer.registry.Inference;
import io.streamprop.scorer.registry.ModelInfo;
import io.streamprop.scorer.registry.ServedModel;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import java.time.Instant;
import java.util.List;

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
}
