package io.streamprop.learn;

import static org.assertj.core.api.Assertions.assertThat;

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
    "iris,          0.65",
    "wine,          0.80",
    "breast_cancer, 0.88",
    "digits,        0.85",
    "letter,        0.72"
  })
  void defaultSpec_singlePassPrequentialAccuracy_atLeastThreshold(String name, double threshold) {
    Datasets.Dataset data = Datasets.load(name);
    OnlineLearner learner =
        OnlineLearner.create(
            SpecJson.parse(
                "{\"inputs\": " + data.inputs() + ", \"classes\": " + data.classes() + "}"));

    double accuracy = Datasets.prequentialAccuracy(learner, data);

    assertThat(accuracy).as("%s prequential accuracy", name).isGreaterThanOrEqualTo(threshold);
    assertThat(learner.skippedSteps()).isZero();
  }
}
