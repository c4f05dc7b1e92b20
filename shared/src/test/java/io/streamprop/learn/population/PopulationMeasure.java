package io.streamprop.learn.population;

import io.streamprop.data.RawExamples;
import io.streamprop.data.SpecInference;
import io.streamprop.features.FeatureRow;
import io.streamprop.learn.Datasets;
import io.streamprop.learn.OnlineLearner;
import io.streamprop.learn.StepResult;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Long-form measurement behind {@code docs/learning-quality.md}: single-pass prequential accuracy
 * (classification) or MSE (regression) of the fixed default single learner and of populations, per
 * dataset. Not a test; run with {@code bench/population-quality.sh} or by hand:
 *
 * <pre>
 * java -cp ... io.streamprop.learn.population.PopulationMeasure PLAN FILE...
 * </pre>
 *
 * where a FILE is a dataset CSV (or .csv.gz) path or the name of a test dataset, and PLAN is one of
 * the plans named in {@link #plan}.
 */
public final class PopulationMeasure {
  private PopulationMeasure() {}

  static PopulationPlan plan(String name) {
    PopulationPlan s = PopulationPlan.standard();
    return switch (name) {
      case "standard" -> s;
      // the standard plan before the warm-up's wider race: one width, every member runs on
      case "onewidth" -> with(s, s.rateFactors(), List.of(1), s.warmupExamples(), 0);
      case "lr5" -> withRates(s, List.of(0.03, 0.1, 0.3, 1.0, 3.0));
      case "lr4w2" -> withWidths(s, List.of(1, 2));
      case "lr3" -> withRates(s, List.of(0.1, 0.3, 1.0));
      case "lr3w2" -> withWidths(withRates(s, List.of(0.1, 0.3, 1.0)), List.of(1, 2));
      case "noprune" ->
          new PopulationPlan(
              s.rateFactors(),
              s.widthFactors(),
              s.lossWindowExamples(),
              Long.MAX_VALUE / 2,
              s.pruneMargin(),
              s.perturbation(),
              s.minRateFactor(),
              s.maxRateFactor());
      case "w200" ->
          new PopulationPlan(
              s.rateFactors(),
              s.widthFactors(),
              200,
              s.rungExamples(),
              s.pruneMargin(),
              s.perturbation(),
              s.minRateFactor(),
              s.maxRateFactor());
      case "w1000" ->
          new PopulationPlan(
              s.rateFactors(),
              s.widthFactors(),
              1000,
              s.rungExamples(),
              s.pruneMargin(),
              s.perturbation(),
              s.minRateFactor(),
              s.maxRateFactor());
      default -> throw new IllegalArgumentException("unknown plan " + name);
    };
  }

  static PopulationPlan withRates(PopulationPlan s, List<Double> rates) {
    return new PopulationPlan(
        rates,
        s.widthFactors(),
        s.lossWindowExamples(),
        s.rungExamples(),
        s.pruneMargin(),
        s.perturbation(),
        s.minRateFactor(),
        s.maxRateFactor());
  }

  static PopulationPlan withWidths(PopulationPlan s, List<Integer> widths) {
    return new PopulationPlan(
        s.rateFactors(),
        widths,
        s.lossWindowExamples(),
        s.rungExamples(),
        s.pruneMargin(),
        s.perturbation(),
        s.minRateFactor(),
        s.maxRateFactor());
  }

  /**
   * A plan of the earlier kind, without weight averages or linear members, with every other field
   * but the rates, widths, warm-up and keep from {@code s}.
   */
  static PopulationPlan with(
      PopulationPlan s, List<Double> rates, List<Integer> widths, long warmup, int keep) {
    return new PopulationPlan(
        rates,
        widths,
        s.lossWindowExamples(),
        s.rungExamples(),
        s.pruneMargin(),
        s.perturbation(),
        s.minRateFactor(),
        s.maxRateFactor(),
        warmup,
        keep);
  }

  /**
   * {@code p} with these rates, widths, warm-up and keep, and every other field its own: its
   * average window, and its linear members while a budget keeps them valid (a plan option).
   */
  private static PopulationPlan modified(
      PopulationPlan p, List<Double> rates, List<Integer> widths, long warmup, int keep) {
    return new PopulationPlan(
        rates,
        widths,
        p.lossWindowExamples(),
        p.rungExamples(),
        p.pruneMargin(),
        p.perturbation(),
        p.minRateFactor(),
        p.maxRateFactor(),
        warmup,
        keep,
        p.averageWindowExamples(),
        keep > 0 ? p.linearRateFactors() : List.of());
  }

  /** The plan with linear members in its warm-up at these rate factors (empty: none). */
  static PopulationPlan withLinear(PopulationPlan s, List<Double> linear) {
    return new PopulationPlan(
        s.rateFactors(),
        s.widthFactors(),
        s.lossWindowExamples(),
        s.rungExamples(),
        s.pruneMargin(),
        s.perturbation(),
        s.minRateFactor(),
        s.maxRateFactor(),
        s.warmupExamples(),
        s.warmupKeep(),
        s.averageWindowExamples(),
        linear);
  }

  /** The plan with members' weights averaged over this many examples (0: none). */
  static PopulationPlan withAverage(PopulationPlan s, double window) {
    return new PopulationPlan(
        s.rateFactors(),
        s.widthFactors(),
        s.lossWindowExamples(),
        s.rungExamples(),
        s.pruneMargin(),
        s.perturbation(),
        s.minRateFactor(),
        s.maxRateFactor(),
        s.warmupExamples(),
        s.warmupKeep(),
        window);
  }

  private static List<Double> factors(String csv) {
    return java.util.Arrays.stream(csv.split(",")).map(Double::valueOf).toList();
  }

  /**
   * A plan by name with options, separated by ':': {@code wN} a warm-up of N examples, {@code kN} a
   * budget of N single steps for the members kept after it (0: all), {@code rA,B,..} rate factors,
   * {@code xA,B,..} width factors, {@code lA,B,..} linear members' rate factors ({@code l0}: none);
   * {@code bN} (the open spec's batch size) and {@code sN} (its seed) are read by {@link #main}.
   */
  static PopulationPlan parse(String arg) {
    String[] parts = arg.split(":");
    PopulationPlan p = plan(parts[0]);
    for (int i = 1; i < parts.length; i++) {
      String v = parts[i].substring(1);
      p =
          switch (parts[i].charAt(0)) {
            case 'w' ->
                modified(
                    p,
                    p.rateFactors(),
                    p.widthFactors(),
                    Long.parseLong(v),
                    v.equals("0") ? 0 : p.warmupKeep());
            case 'k' ->
                modified(
                    p, p.rateFactors(), p.widthFactors(), p.warmupExamples(), Integer.parseInt(v));
            case 'r' ->
                modified(p, factors(v), p.widthFactors(), p.warmupExamples(), p.warmupKeep());
            case 'x' ->
                modified(
                    p,
                    p.rateFactors(),
                    factors(v).stream().map(Double::intValue).toList(),
                    p.warmupExamples(),
                    p.warmupKeep());
            case 'a' -> withAverage(p, Double.parseDouble(v));
            case 'l' -> withLinear(p, v.equals("0") ? List.of() : factors(v));
            case 'b', 's', 't' -> p;
            default -> throw new IllegalArgumentException("unknown plan option " + parts[i]);
          };
    }
    return p;
  }

  /** The value of option {@code c} in a plan argument, or null. */
  private static String option(String arg, char c) {
    String[] parts = arg.split(":");
    for (int i = 1; i < parts.length; i++) {
      if (parts[i].charAt(0) == c) {
        return parts[i].substring(1);
      }
    }
    return null;
  }

  /**
   * A raw (mixed-type) file with its inferred spec, as {@code RawLearningQualityTest} and {@code
   * streamprop evaluate} run it: prequential accuracy, or MSE for regression.
   */
  static void raw(String planName, PopulationPlan plan, Path path) {
    try {
      ModelSpec spec = SpecInference.infer(path);
      PopulationLearner population = PopulationLearner.create(spec, plan);
      long scored = 0;
      long correct = 0;
      double squared = 0;
      try (RawExamples examples = RawExamples.open(path, spec)) {
        RawExamples.RawExample example;
        while ((example = examples.next()) != null) {
          FeatureRow row = example.row();
          StepResult step = population.learn(row.dense(), row.ids(), example.label(), 1f);
          if (step != null) {
            scored += step.examples();
            correct += step.correct();
            squared += step.squaredErrorSum();
          }
        }
      }
      System.out.printf(
          Locale.ROOT,
          "%-14s %-8s population %s (%d scored) switches %d replaced %d leader %s%n",
          path.getFileName(),
          planName,
          spec.task() == ModelSpec.Task.REGRESSION
              ? String.format(Locale.ROOT, "mse %.1f", squared / scored)
              : String.format(Locale.ROOT, "accuracy %.4f", (double) correct / scored),
          scored,
          population.switches(),
          population.replacements(),
          population.leaderLearner().spec().inputTransform());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * Prequential accuracy of an exponentially weighted mixture of the members' class probabilities
   * (Hedge with log loss at η = 1, losses discounted as the population's recent loss: Freund and
   * Schapire 1997; Cesa-Bianchi and Lugosi 2006, ch. 3), against the leader's prediction measured
   * the same way (each example predicted by the members' current weights and statistics before it
   * is given to the population). Prints both.
   */
  static void hedge(PopulationPlan plan, String name) {
    Datasets.Dataset data = Datasets.load(name);
    ModelSpec spec =
        SpecJson.parse("{\"inputs\": " + data.inputs() + ", \"classes\": " + data.classes() + "}");
    PopulationLearner pop = PopulationLearner.create(spec, plan);
    int n = pop.size();
    double gamma = Math.exp(-1 / plan.lossWindowExamples());
    double[] loss = new double[n];
    io.streamprop.learn.Predictor[] predictors = new io.streamprop.learn.Predictor[n];
    long[] at = new long[n];
    java.util.Arrays.fill(at, -1);
    long leaderCorrect = 0;
    long mixCorrect = 0;
    for (int r = 0; r < data.rows(); r++) {
      int label = (int) data.labels()[r];
      double[] mix = new double[data.classes()];
      double min = Double.POSITIVE_INFINITY;
      for (int i = 0; i < n; i++) {
        min = Math.min(min, loss[i]);
      }
      double total = 0;
      float[][] p = new float[n][];
      for (int i = 0; i < n; i++) {
        if (at[i] != pop.member(i).steps() || predictors[i] == null) {
          predictors[i] = pop.member(i).predictor();
          at[i] = pop.member(i).steps();
        }
        p[i] = predictors[i].predict(data.features()[r], 1);
        double w = Math.exp(-(loss[i] - min));
        total += w;
        for (int c = 0; c < mix.length; c++) {
          mix[c] += w * p[i][c];
        }
      }
      if (argmax(mix) == label) {
        mixCorrect++;
      }
      float[] lead = p[pop.leader()];
      double[] leadD = new double[lead.length];
      for (int c = 0; c < lead.length; c++) {
        leadD[c] = lead[c];
      }
      if (argmax(leadD) == label) {
        leaderCorrect++;
      }
      for (int i = 0; i < n; i++) {
        loss[i] = gamma * loss[i] - Math.log(Math.max(p[i][label], 1e-12));
      }
      pop.learn(data.features()[r], new float[] {label});
    }
    System.out.printf(
        Locale.ROOT,
        "%-14s leader %.4f  hedge %.4f%n",
        name,
        leaderCorrect / (double) data.rows(),
        mixCorrect / (double) data.rows());
  }

  private static int argmax(double[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }

  public static void main(String[] args) {
    if (args[0].equals("hedge")) {
      for (int a = 1; a < args.length; a++) {
        hedge(PopulationPlan.standard(), args[a]);
      }
      return;
    }
    // PLAN[:OPTION...], see parse: e.g. standard:s7 (seed 7), lr3:w2000:b32
    PopulationPlan plan = parse(args[0]);
    String batch = option(args[0], 'b') == null ? "" : ", \"batch_size\": " + option(args[0], 'b');
    if (option(args[0], 's') != null) {
      batch += ", \"seed\": " + option(args[0], 's');
    }
    if (option(args[0], 't') != null) {
      batch += ", \"input_transform\": \"" + option(args[0], 't') + "\"";
    }
    for (int a = 1; a < args.length; a++) {
      if (args[a].startsWith("raw:")) {
        raw(args[0], plan, Path.of(args[a].substring(4)));
        continue;
      }
      Path path = Path.of(args[a]);
      Datasets.Dataset data = Files.exists(path) ? Datasets.loadFile(path) : Datasets.load(args[a]);
      boolean regression = data.name().startsWith("diabetes") || data.name().startsWith("diamonds");
      String open =
          regression
              ? "{\"inputs\": " + data.inputs() + ", \"task\": \"regression\""
              : "{\"inputs\": " + data.inputs() + ", \"classes\": " + data.classes();
      open += batch;
      ModelSpec single = SpecJson.parse(open + ", \"learner\": \"single\"}");
      ModelSpec population = SpecJson.parse(open + "}");
      long t0 = System.nanoTime();
      OnlineLearner learner = OnlineLearner.create(single);
      double s =
          regression
              ? Datasets.prequentialMse(learner, data)
              : Datasets.prequentialAccuracy(learner, data);
      long t1 = System.nanoTime();
      PopulationLearner pop = PopulationLearner.create(population, plan);
      double p =
          regression
              ? Datasets.prequentialMse(pop::learn, data)
              : Datasets.prequentialAccuracy(pop::learn, data);
      long t2 = System.nanoTime();
      StringBuilder members = new StringBuilder();
      for (Standing st : pop.standings()) {
        members.append(
            String.format(
                Locale.ROOT,
                " [%s%.4g %s%s %.4g]",
                st.leader() ? "*" : "",
                st.learningRate(),
                st.hidden(),
                st.inputTransform() == ModelSpec.InputTransform.SYMLOG ? " symlog" : "",
                st.recentLoss()));
      }
      System.out.printf(
          Locale.ROOT,
          "%-14s %-8s single %.4f  population %.4f  (%.1fs / %.1fs) switches %d replaced %d%s%s%n",
          data.name(),
          args[0],
          s,
          p,
          (t1 - t0) / 1e9,
          (t2 - t1) / 1e9,
          pop.switches(),
          pop.replacements(),
          pop.averageServed() ? " average served" : "",
          members);
    }
  }
}
