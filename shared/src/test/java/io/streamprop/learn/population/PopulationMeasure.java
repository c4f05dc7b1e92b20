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

  /** The plan with a warm-up of this many examples at mini-batch 1. */
  static PopulationPlan withWarmup(PopulationPlan s, long warmup) {
    return new PopulationPlan(
        s.rateFactors(),
        s.widthFactors(),
        s.lossWindowExamples(),
        s.rungExamples(),
        s.pruneMargin(),
        s.perturbation(),
        s.minRateFactor(),
        s.maxRateFactor(),
        warmup);
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
          "%-14s %-8s population %s (%d scored) switches %d replaced %d%n",
          path.getFileName(),
          planName,
          spec.task() == ModelSpec.Task.REGRESSION
              ? String.format(Locale.ROOT, "mse %.1f", squared / scored)
              : String.format(Locale.ROOT, "accuracy %.4f", (double) correct / scored),
          scored,
          population.switches(),
          population.replacements());
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
    // PLAN or PLAN:bN (the open spec's batch_size N instead of the default)
    // PLAN:wN: with a warm-up of N examples at mini-batch 1
    String[] planAndBatch = args[0].split(":b");
    String[] planAndWarmup = planAndBatch[0].split(":w");
    PopulationPlan plan = plan(planAndWarmup[0]);
    if (planAndWarmup.length > 1) {
      plan = withWarmup(plan, Long.parseLong(planAndWarmup[1]));
    }
    String batch = planAndBatch.length > 1 ? ", \"batch_size\": " + planAndBatch[1] : "";
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
                " [%s%.4g %s %.4g]",
                st.leader() ? "*" : "",
                st.learningRate(),
                st.hidden(),
                st.recentLoss()));
      }
      System.out.printf(
          Locale.ROOT,
          "%-14s %-8s single %.4f  population %.4f  (%.1fs / %.1fs) switches %d replaced %d%s%n",
          data.name(),
          args[0],
          s,
          p,
          (t1 - t0) / 1e9,
          (t2 - t1) / 1e9,
          pop.switches(),
          pop.replacements(),
          members);
    }
  }
}
