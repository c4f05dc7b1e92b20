package io.streamprop.learn;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The test datasets in {@code src/test/resources/data} (CSV: header, numeric features, a final
 * {@code label} column), read into memory in file order, which is the stream order.
 */
public final class Datasets {
  private Datasets() {}

  /** One dataset: rows of features and a label per row. */
  public record Dataset(String name, String[] header, float[][] features, float[] labels) {
    public int rows() {
      return labels.length;
    }

    public int inputs() {
      return features[0].length;
    }

    /** 1 + the largest label, for classification sets. */
    public int classes() {
      float max = 0;
      for (float label : labels) {
        max = Math.max(max, label);
      }
      return (int) max + 1;
    }
  }

  /** Reads {@code /data/<name>.csv} from the test classpath. */
  public static Dataset load(String name) {
    String resource = "/data/" + name + ".csv";
    try (InputStream in = Datasets.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no test dataset " + resource);
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String[] header = reader.readLine().split(",");
      List<float[]> rows = new ArrayList<>();
      List<Float> labels = new ArrayList<>();
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.isEmpty()) {
          continue;
        }
        String[] cells = line.split(",");
        float[] features = new float[cells.length - 1];
        for (int j = 0; j < features.length; j++) {
          features[j] = Float.parseFloat(cells[j]);
        }
        rows.add(features);
        labels.add(Float.parseFloat(cells[cells.length - 1]));
      }
      float[] labelArray = new float[labels.size()];
      for (int i = 0; i < labelArray.length; i++) {
        labelArray[i] = labels.get(i);
      }
      return new Dataset(name, header, rows.toArray(new float[0][]), labelArray);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Prequential (test-then-train) accuracy of one single pass over the data, in stream order. */
  public static double prequentialAccuracy(OnlineLearner learner, Dataset data) {
    long correct = 0;
    long scored = 0;
    for (int i = 0; i < data.rows(); i++) {
      StepResult result = learner.learn(data.features()[i], new float[] {data.labels()[i]});
      if (result != null) {
        correct += result.correct();
        scored += result.examples();
      }
    }
    return correct / (double) scored;
  }
}
