package io.streamprop.trainer.testing;

import io.streamprop.learn.OnlineLearner;
import io.streamprop.learn.StepResult;
import io.streamprop.spec.ModelSpec;
import io.streamprop.wire.ExampleJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * A classification dataset from {@code src/test/resources/data} (CSV: features, then {@code
 * label}), with the offline reference: the same rows fed to an {@link OnlineLearner} in order.
 */
public record Dataset(int inputs, List<float[]> features, List<float[]> labels) {

  /** Reads a CSV or CSV.GZ resource, at most {@code maxRows} rows. */
  public static Dataset load(String resource, int maxRows) {
    try (InputStream raw = Dataset.class.getResourceAsStream("/data/" + resource)) {
      if (raw == null) {
        throw new IllegalArgumentException("no test resource /data/" + resource);
      }
      InputStream in = resource.endsWith(".gz") ? new GZIPInputStream(raw) : raw;
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      int inputs = reader.readLine().split(",").length - 1;
      List<float[]> features = new ArrayList<>();
      List<float[]> labels = new ArrayList<>();
      String line;
      while ((line = reader.readLine()) != null && features.size() < maxRows) {
        String[] cells = line.split(",");
        float[] row = new float[inputs];
        for (int i = 0; i < inputs; i++) {
          row[i] = Float.parseFloat(cells[i]);
        }
        features.add(row);
        labels.add(new float[] {Float.parseFloat(cells[inputs])});
      }
      return new Dataset(inputs, features, labels);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int size() {
    return features.size();
  }

  /** Row {@code i} as the JSON value of an examples record. */
  public byte[] json(int i) {
    return ExampleJson.writeBytes(features.get(i), labels.get(i), ModelSpec.Task.CLASSIFICATION);
  }

  /** The offline reference: a new model fed rows {@code [0, rows)} in order. */
  public Offline train(ModelSpec spec, int rows) {
    OnlineLearner learner = OnlineLearner.create(spec);
    long scored = 0;
    long correct = 0;
    for (int i = 0; i < rows; i++) {
      StepResult step = learner.learn(features.get(i), labels.get(i));
      if (step != null) {
        scored += step.examples();
        correct += step.correct();
      }
    }
    return new Offline(learner, scored, correct);
  }

  /** An offline-trained model and its prequential counts. */
  public record Offline(OnlineLearner learner, long scored, long correct) {}
}
