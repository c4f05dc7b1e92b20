package io.streamprop.learn;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamprop.learn.population.PopulationLearner;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecDefaults;
import io.streamprop.spec.SpecJson;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Learning on real data with the default spec: single-pass prequential (test-then-train) accuracy
 * in the files' stream order. The thresholds sit a few points below what the engine measured (see
 * {@code docs/learning-quality.md}, which also lists scikit-learn's and PyTorch's numbers on the
 * same streams): a broken backward pass, optimizer hookup or standardization falls far below them
 * (a majority-class guess gets 0.33, 0.40, 0.63, 0.10 and 0.04).
 */
class LearningQualityTest {

  @ParameterizedTest(name = "{0} >= {1}")
  @CsvSource({
    "iris,          0.70",
    "wine,          0.84",
    "breast_cancer, 0.88",
    "digits,        0.86",
    "letter,        0.74"
  })
  void defaultSpec_singlePassPrequentialAccuracy_atLeastThreshold(String name, double threshold) {
    Datasets.Dataset data = Datasets.load(name);
    OnlineLearner learner =
        OnlineLearner.create(
            SpecJson.parse(
                "{\"inputs\": "
                    + data.inputs()
                    + ", \"classes\": "
                    + data.classes()
                    + ", \"learner\": \"single\"}"));

    double accuracy = Datasets.prequentialAccuracy(learner, data);

    assertThat(accuracy).as("%s prequential accuracy", name).isGreaterThanOrEqualTo(threshold);
    assertThat(learner.skippedSteps()).isZero();
  }

  /**
   * Regression with the default spec ({@code {"inputs": n, "task": "regression"}}): single-pass
   * prequential MSE in the target's units must beat the running-mean baseline (each example
   * predicted by the mean of the labels before it) by the given factor. Measured ratios (see {@code
   * docs/learning-quality.md}): diabetes 0.66, 0.63, 0.64 for seeds 42, 7, 1 (mean 0.64; 442 rows
   * make one seed's trajectory noisy, so the mean of three seeds is asserted); diamonds5k 0.080. He
   * normal on the output layer (as on the hidden layer) gives a mean of 0.77 on diabetes, so that
   * threshold also guards the output layer's initialization; raw-scale targets from standardized
   * inputs give 3.9 on diabetes, no standardization at all 1.39 and 0.90.
   */
  @ParameterizedTest(name = "{0}: mse <= {1} x running mean")
  @CsvSource({"diabetes, 0.72, 42 7 1", "diamonds5k, 0.12, 42"})
  void defaultSpec_regression_prequentialMseBeatsTheRunningMean(
      String name, double maxRatio, String seeds) {
    Datasets.Dataset data = Datasets.load(name);
    int scored = (data.rows() / SpecDefaults.BATCH_SIZE) * SpecDefaults.BATCH_SIZE;
    double baseline = Datasets.runningMeanMse(data, scored);
    double ratioSum = 0;
    String[] seedList = seeds.split(" ");
    for (String seed : seedList) {
      OnlineLearner learner =
          OnlineLearner.create(
              SpecJson.parse(
                  "{\"inputs\": "
                      + data.inputs()
                      + ", \"task\": \"regression\", \"learner\": \"single\", \"seed\": "
                      + seed
                      + "}"));

      ratioSum += Datasets.prequentialMse(learner, data) / baseline;

      assertThat(learner.skippedSteps()).isZero();
    }

    assertThat(ratioSum / seedList.length)
        .as("%s prequential MSE / running-mean MSE", name)
        .isLessThanOrEqualTo(maxRatio);
  }

  /**
   * The default for an open spec, the population ({@code learner: population}, the standard plan):
   * its prequential accuracy is that of the member served before each mini-batch. Measured (see
   * {@code docs/learning-quality.md}): iris 0.853, wine 0.927, breast_cancer 0.958, digits 0.932,
   * letter 0.844, spambase 0.938, shuttle 0.9976, where the fixed default single learner measures
   * 0.792, 0.903, 0.923, 0.907, 0.780, 0.916 and 0.9915. Selection that serves a bad member,
   * replacements that break the members, or a warm-up that does not step every example fall below
   * these thresholds (the earlier plan of four rates without a warm-up: digits 0.910, breast_cancer
   * 0.916, letter 0.793; two members of the wider network after the warm-up instead of three:
   * letter 0.815; without the members' weight averages: letter 0.839; without the symlog members:
   * spambase 0.929, shuttle 0.9934; without the warm-up's linear members: iris 0.827, breast_cancer
   * 0.931). breast_cancer, spambase and shuttle hold the goals, 0.955, 0.93 and 0.995.
   */
  @ParameterizedTest(name = "{0} >= {1}")
  @CsvSource({
    "iris,          0.83",
    "wine,          0.90",
    "breast_cancer, 0.955",
    "digits,        0.925",
    "letter,        0.83",
    "spambase,      0.93",
    "shuttle,       0.995"
  })
  void openSpec_population_singlePassPrequentialAccuracy_atLeastThreshold(
      String name, double threshold) {
    Datasets.Dataset data = Datasets.load(name);
    ModelSpec spec =
        SpecJson.parse("{\"inputs\": " + data.inputs() + ", \"classes\": " + data.classes() + "}");
    PopulationLearner population = PopulationLearner.create(spec);

    double accuracy = Datasets.prequentialAccuracy(population::learn, data);

    assertThat(spec.learner()).isEqualTo(ModelSpec.Learner.POPULATION);
    assertThat(accuracy).as("%s prequential accuracy", name).isGreaterThanOrEqualTo(threshold);
  }

  /**
   * Regression with the open spec's population: prequential MSE against the running mean over the
   * same examples (every one: the warm-up steps each of the first 2,000, and diamonds5k's other
   * 3,000 fill whole mini-batches). Measured ratios: diabetes 0.62 (seed 42; 0.67 without the
   * warm-up's linear members), diamonds5k 0.065 (the fixed default: 0.66 and 0.080).
   */
  @ParameterizedTest(name = "{0}: mse <= {1} x running mean")
  @CsvSource({"diabetes, 0.65", "diamonds5k, 0.075"})
  void openSpec_population_regression_prequentialMseBeatsTheRunningMean(
      String name, double maxRatio) {
    Datasets.Dataset data = Datasets.load(name);
    PopulationLearner population =
        PopulationLearner.create(
            SpecJson.parse("{\"inputs\": " + data.inputs() + ", \"task\": \"regression\"}"));
    long[] scored = {0};
    Datasets.Learns counted =
        (features, label) -> {
          StepResult step = population.learn(features, label);
          scored[0] += step == null ? 0 : step.examples();
          return step;
        };

    double mse = Datasets.prequentialMse(counted, data);
    double ratio = mse / Datasets.runningMeanMse(data, (int) scored[0]);

    assertThat(ratio)
        .as("%s prequential MSE / running-mean MSE", name)
        .isLessThanOrEqualTo(maxRatio);
  }
}
