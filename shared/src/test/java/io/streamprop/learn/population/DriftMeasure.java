package io.streamprop.learn.population;

import io.streamprop.learn.Datasets;
import io.streamprop.learn.OnlineLearner;
import io.streamprop.learn.StepResult;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Long-form measurement behind "When the stream changes" in {@code docs/learning-quality.md}: a
 * real classification stream with a sudden, documented change from one position on, learned in one
 * prequential pass by the fixed default (the open spec with {@code learner: single}) and by the
 * default population (the open spec) side by side. Not a test; run with {@code
 * examples/drift/drift.sh} or by hand:
 *
 * <pre>
 * java -cp ... io.streamprop.learn.population.DriftMeasure FILE CHANGE OUT.csv [key=value...]
 * </pre>
 *
 * <p>FILE is a dataset CSV (or .csv.gz) path or the name of a test dataset. CHANGE (see {@link
 * Change}) is applied to every example from position {@code at} on (default: the middle). Keys:
 * {@code at}, {@code rows} (use only the first rows), {@code window} (examples, a multiple of the
 * mini-batch; default 512), {@code before} (examples before the change that define the pre-change
 * level; default 2,000), {@code plan} (a {@link PopulationMeasure#plan} name), {@code seed}.
 *
 * <p>OUT.csv has one row per mini-batch of the fixed learner: {@code position} (examples seen),
 * {@code changed} (1 once the step holds changed examples), the windowed prequential accuracy of
 * the fixed learner and of the population (over the last {@code window} examples; empty until the
 * first window is full), and the population's served learning rate.
 */
public final class DriftMeasure {
  private DriftMeasure() {}

  /** A sudden change of the stream, applied to every example from the change position on. */
  enum Change {
    /** Label meaning switched: class k becomes class (k + 1) mod K (every class changes). */
    LABELS,
    /** Input columns reversed: column j holds what column d − 1 − j held (images turn 180°). */
    FEATURES,
    /** No change: the stream as recorded. */
    NONE;

    float[] features(float[] x) {
      if (this != FEATURES) {
        return x;
      }
      float[] out = new float[x.length];
      for (int j = 0; j < x.length; j++) {
        out[j] = x[x.length - 1 - j];
      }
      return out;
    }

    float label(float y, int classes) {
      return this == LABELS ? (y + 1) % classes : y;
    }
  }

  /**
   * Windowed prequential accuracy of one learner, per mini-batch.
   *
   * @param position examples seen after each step, [steps]
   * @param windowed accuracy over the last {@code window} examples after each step (NaN until the
   *     first window is full), [steps]
   */
  record Curve(long[] position, double[] windowed) {
    /** Mean windowed accuracy over the steps whose position is in (from, to]. */
    double mean(long from, long to) {
      double sum = 0;
      int n = 0;
      for (int s = 0; s < position.length; s++) {
        if (position[s] > from && position[s] <= to && !Double.isNaN(windowed[s])) {
          sum += windowed[s];
          n++;
        }
      }
      return sum / n;
    }

    /**
     * Examples after {@code at} until the windowed accuracy, having dropped more than {@code
     * tolerance} below {@code level} after the change, is first back within it; 0 if it never
     * dropped, -1 if it never came back.
     */
    long recovery(long at, double level, double tolerance) {
      boolean dropped = false;
      for (int s = 0; s < position.length; s++) {
        if (position[s] <= at) {
          continue;
        }
        boolean within = windowed[s] >= level - tolerance;
        if (!within) {
          dropped = true;
        } else if (dropped) {
          return position[s] - at;
        }
      }
      return dropped ? -1 : 0;
    }
  }

  /**
   * Accumulates step results into a sliding window of the last {@code capacity} examples, whole
   * steps (a population steps every example during its warm-up, a mini-batch after it).
   */
  static final class Window {
    private final int[] correct; // per step in the window, a ring of at most capacity steps
    private final int[] examples;
    private final int capacity; // examples
    private int first; // oldest step in the ring
    private int size; // steps in the ring
    private long sumCorrect;
    private long sumExamples;

    Window(int capacity) {
      this.correct = new int[capacity + 1];
      this.examples = new int[capacity + 1];
      this.capacity = capacity;
    }

    /**
     * Adds a step and returns the window's accuracy, or NaN while it does not yet hold {@code
     * capacity} examples.
     */
    double add(StepResult step) {
      int next = (first + size) % correct.length;
      correct[next] = step.correct();
      examples[next] = step.examples();
      size++;
      sumCorrect += step.correct();
      sumExamples += step.examples();
      while (sumExamples - examples[first] >= capacity) {
        sumCorrect -= correct[first];
        sumExamples -= examples[first];
        first = (first + 1) % correct.length;
        size--;
      }
      return accuracy();
    }

    /** The window's accuracy, or NaN while it does not yet hold {@code capacity} examples. */
    double accuracy() {
      return sumExamples >= capacity ? sumCorrect / (double) sumExamples : Double.NaN;
    }
  }

  /** Runs both learners over the changed stream; fills the curves and the served rates. */
  static Curve[] run(
      Datasets.Dataset data,
      int rows,
      Change change,
      long at,
      int window,
      PopulationPlan plan,
      DriftPlan driftPlan,
      long seed,
      double[] rates,
      long[] alarms) {
    int classes = data.classes();
    String open =
        "{\"inputs\": " + data.inputs() + ", \"classes\": " + classes + ", \"seed\": " + seed;
    ModelSpec single = SpecJson.parse(open + ", \"learner\": \"single\"}");
    ModelSpec population = SpecJson.parse(open + "}");
    int batch = single.batchSize();
    if (window % batch != 0) {
      throw new IllegalArgumentException(
          "window must be a multiple of the mini-batch " + batch + ", got " + window);
    }
    OnlineLearner fixed = OnlineLearner.create(single);
    PopulationLearner pop = PopulationLearner.create(population, plan, driftPlan);
    Window fw = new Window(window);
    Window pw = new Window(window);
    int steps = rows / batch;
    long[] position = new long[steps];
    double[] fixedAcc = new double[steps];
    double[] popAcc = new double[steps];
    int s = 0;
    for (int i = 0; i < rows && s < steps; i++) {
      boolean changed = i >= at;
      float[] x = changed ? change.features(data.features()[i]) : data.features()[i];
      float[] y = {changed ? change.label(data.labels()[i], classes) : data.labels()[i]};
      StepResult f = fixed.learn(x, y);
      StepResult p = pop.learn(x, y);
      if (p != null) {
        pw.add(p); // every example during the population's warm-up
      }
      if (f != null) {
        position[s] = i + 1;
        fixedAcc[s] = fw.add(f);
        popAcc[s] = pw.accuracy();
        rates[s] = pop.leaderLearner().spec().optimizer().learningRate();
        alarms[s] = pop.alarms();
        s++;
      }
    }
    return new Curve[] {new Curve(position, fixedAcc), new Curve(position, popAcc)};
  }

  public static void main(String[] args) throws IOException {
    Path path = Path.of(args[0]);
    Datasets.Dataset data = Files.exists(path) ? Datasets.loadFile(path) : Datasets.load(args[0]);
    Change change = Change.valueOf(args[1].toUpperCase(Locale.ROOT));
    Path out = Path.of(args[2]);
    int rows = data.rows();
    long at = -1;
    int window = 512;
    long before = 2000;
    String planName = "standard";
    String driftName = "standard";
    long seed = 42;
    for (int a = 3; a < args.length; a++) {
      String[] kv = args[a].split("=", 2);
      switch (kv[0]) {
        case "rows" -> rows = Math.min(rows, Integer.parseInt(kv[1]));
        case "at" -> at = Long.parseLong(kv[1]);
        case "window" -> window = Integer.parseInt(kv[1]);
        case "before" -> before = Long.parseLong(kv[1]);
        case "plan" -> planName = kv[1];
        case "drift" -> driftName = kv[1];
        case "seed" -> seed = Long.parseLong(kv[1]);
        default -> throw new IllegalArgumentException("unknown key " + kv[0] + " in " + args[a]);
      }
    }
    if (at < 0) {
      at = rows / 2;
    }
    double[] rates = new double[rows];
    long[] alarms = new long[rows];
    Curve[] curves =
        run(
            data,
            rows,
            change,
            at,
            window,
            PopulationMeasure.parse(planName),
            driftPlan(driftName),
            seed,
            rates,
            alarms);
    try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out))) {
      w.println("position,changed,fixed,population,population_rate,alarms");
      for (int s = 0; s < curves[0].position().length; s++) {
        w.printf(
            Locale.ROOT,
            "%d,%d,%s,%s,%.6g,%d%n",
            curves[0].position()[s],
            curves[0].position()[s] > at ? 1 : 0,
            cell(curves[0].windowed()[s]),
            cell(curves[1].windowed()[s]),
            rates[s],
            alarms[s]);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    String[] names = {"fixed", "population"};
    long[] recovery = new long[2];
    double fixedLevel = curves[0].mean(at - before, at);
    for (int k = 0; k < 2; k++) {
      double level = curves[k].mean(at - before, at);
      recovery[k] = curves[k].recovery(at, level, 0.02);
      System.out.printf(
          Locale.ROOT,
          "%-12s %-8s %-10s at %d window %d: pre-change %.4f, after %.4f, recovery %d examples"
              + " (to the fixed default's level: %d)%n",
          data.name(),
          change.name().toLowerCase(Locale.ROOT),
          names[k],
          at,
          window,
          level,
          curves[k].mean(at, rows),
          recovery[k],
          curves[k].recovery(at, fixedLevel, 0.02));
    }
    System.out.printf(
        Locale.ROOT,
        "%-12s %-8s population/fixed recovery ratio %.2f (plan %s, drift %s, seed %d; alarms"
            + " %s)%n",
        data.name(),
        change.name().toLowerCase(Locale.ROOT),
        recovery[0] > 0 && recovery[1] >= 0 ? recovery[1] / (double) recovery[0] : Double.NaN,
        planName,
        driftName,
        seed,
        alarmPositions(curves[0].position(), alarms));
  }

  /**
   * A drift plan: {@code standard}, {@code off} (none), or its numbers separated by commas (block,
   * tolerance, threshold, forgetting, minimum blocks, relearn examples, relearn window and,
   * optionally, relabel per class; absent, 0).
   */
  static DriftPlan driftPlan(String name) {
    if (name.equals("standard")) {
      return DriftPlan.standard();
    }
    if (name.equals("off")) {
      return null;
    }
    String[] v = name.split(",");
    return new DriftPlan(
        Integer.parseInt(v[0]),
        Double.parseDouble(v[1]),
        Double.parseDouble(v[2]),
        Double.parseDouble(v[3]),
        Long.parseLong(v[4]),
        Long.parseLong(v[5]),
        Double.parseDouble(v[6]),
        v.length > 7 ? Integer.parseInt(v[7]) : 0);
  }

  /** The positions where the alarm count went up, e.g. "[10008, 15000]". */
  private static String alarmPositions(long[] position, long[] alarms) {
    StringBuilder out = new StringBuilder("[");
    long seen = 0;
    for (int s = 0; s < position.length; s++) {
      if (alarms[s] > seen) {
        out.append(out.length() > 1 ? ", " : "").append(position[s]);
        seen = alarms[s];
      }
    }
    return out.append("]").toString();
  }

  private static String cell(double v) {
    return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.4f", v);
  }
}
