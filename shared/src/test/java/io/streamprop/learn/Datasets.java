package io.streamprop.learn;

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
 * The test datasets in {@code src/test/resources/data} (CSV, optionally gzipped: header, numeric
 * features, a final {@code label} column), read into memory in file order, which is the stream
 * order.
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

  /** Reads a dataset file ({@code .csv} or {@code .csv.gz}) of the same format from disk. */
  public static Dataset loadFile(java.nio.file.Path file) {
    String name = file.getFileName().toString().replaceFirst("\\.csv(\\.gz)?$", "");
    try (InputStream raw = java.nio.file.Files.newInputStream(file)) {
      InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
      return read(name, in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads {@code /data/<name>.csv} (or, if there is none, {@code .csv.gz}) from the classpath. */
  public static Dataset load(String name) {
    String resource = "/data/" + name + ".csv";
    boolean gzip = Datasets.class.getResource(resource) == null;
    if (gzip) {
      resource += ".gz";
    }
    try (InputStream file = Datasets.class.getResourceAsStream(resource)) {
      if (file == null) {
        throw new IllegalArgumentException("no test dataset " + resource);
      }
      return read(name, gzip ? new GZIPInputStream(file) : file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Dataset read(String name, InputStream in) throws IOException {
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
  }

  /**
   * Prequential (test-then-train) mean squared error of one single pass over a one-target
   * regression set, in stream order and in the target's own units, from the learner's {@link
   * StepResult}s (examples in complete mini-batches only).
   */
  public static double prequentialMse(OnlineLearner learner, Dataset data) {
    return prequentialMse(learner::learn, data);
  }

  /** Something that learns one example at a time and reports its steps: a learner, a population. */
  public interface Learns {
    StepResult learn(float[] features, float[] label);
  }

  /** {@link #prequentialMse(OnlineLearner, Dataset)} of any {@link Learns}. */
  public static double prequentialMse(Learns learner, Dataset data) {
    double squaredErrors = 0;
    long scored = 0;
    for (int i = 0; i < data.rows(); i++) {
      StepResult result = learner.learn(data.features()[i], new float[] {data.labels()[i]});
      if (result != null) {
        squaredErrors += result.squaredErrorSum();
        scored += result.examples();
      }
    }
    return squaredErrors / scored;
  }

  /**
   * The prequential MSE of the running-mean baseline over the first {@code rows} examples: each
   * example is predicted by the mean of the labels before it (0 before the first), then joins it.
   */
  public static double runningMeanMse(Dataset data, int rows) {
    double mean = 0;
    double squaredErrors = 0;
    for (int i = 0; i < rows; i++) {
      double error = data.labels()[i] - mean;
      squaredErrors += error * error;
      mean += error / (i + 1);
    }
    return squaredErrors / rows;
  }

  /** Prequential (test-then-train) accuracy of one single pass over the data, in stream order. */
  public static double prequentialAccuracy(OnlineLearner learner, Dataset data) {
    return prequentialAccuracy(learner::learn, data);
  }

  /** {@link #prequentialAccuracy(OnlineLearner, Dataset)} of any {@link Learns}. */
  public static double prequentialAccuracy(Learns learner, Dataset data) {
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
