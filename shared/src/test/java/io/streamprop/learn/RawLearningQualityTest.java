package io.streamprop.learn;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamprop.data.RawExamples;
import io.streamprop.data.SpecInference;
import io.streamprop.features.FeatureRow;
import io.streamprop.learn.population.PopulationLearner;
import io.streamprop.spec.ModelSpec;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Learning on the mixed-type datasets of {@code examples/data/raw/} with the spec inferred from
 * each CSV ({@code streamprop spec --data FILE}: class names, categorical, numeric and missing
 * values, every other field its default): one prequential pass in file order, mini-batches of 8,
 * only complete batches scored, each scored before the model learns from it, which is the protocol
 * of {@code examples/references/raw_references.py}, with the learner {@code streamprop evaluate}
 * runs for that spec (the population, since an inferred spec leaves the learning choices open).
 * Each accuracy must reach its threshold, a margin below what was measured, and be at or above the
 * best reference model of {@code raw_references.json} (seed 42), as each is (docs/data.md,
 * "Reference scores"). The categorical columns of house_votes_84, titanic, chile and diamonds have
 * at most 8 values each, so their inferred features are one-hot blocks, not embeddings.
 *
 * <p>Soybean's CSV holds its codes as digits, so its inferred features are numeric (a column that
 * is a number in every row stays numeric), not categorical as the references take them.
 *
 * <p>Measure the figures with {@code examples/references/compare_raw.sh}, which runs {@code
 * streamprop evaluate --json} on the same files with the same inferred specs.
 */
class RawLearningQualityTest {
  private static final Path RAW = Path.of("..", "examples", "data", "raw");
  private static final Path REFERENCES =
      Path.of("..", "examples", "references", "raw_references.json");

  /**
   * Measured: soybean 0.836 (0.795 before the warm-up's linear members, which the threshold
   * guards), house_votes_84 0.926, titanic 0.779, chile 0.657.
   */
  @ParameterizedTest(name = "{0}: accuracy >= {1} and >= the best reference")
  @CsvSource({
    "soybean,        0.82",
    "house_votes_84, 0.91",
    "titanic,        0.76",
    "chile,          0.64"
  })
  void inferredSpec_singlePassPrequentialAccuracy_atLeastTheBestReference(
      String name, double threshold) throws IOException {
    Prequential run = prequential(name + ".csv");

    double best = best(name).get("accuracy").asDouble();
    assertThat(run.accuracy())
        .as("%s prequential accuracy (best reference %s)", name, best)
        .isGreaterThanOrEqualTo(threshold)
        .isGreaterThanOrEqualTo(best);
    // The references score complete mini-batches of 8; the population's warm-up steps (and scores)
    // each of the first 2,000 examples, so it also scores the references' unfilled last batch.
    assertThat(run.scored).isGreaterThanOrEqualTo(best(name).path("scored").asLong(run.scored));
    assertThat(run.skipped).isZero();
  }

  /**
   * diamonds (regression, price in USD): prequential MSE at or below the lowest MSE of the
   * reference models at seed 42 (the references rank by MAE, which a step does not report).
   */
  @ParameterizedTest(name = "{0}: mse <= {1} and <= every reference")
  @CsvSource({"diamonds, 700000"}) // measured 632,792
  void inferredSpec_regression_prequentialMse_atMostTheBestReference(String name, double threshold)
      throws IOException {
    Prequential run = prequential(name + ".csv.gz");

    double best = Double.POSITIVE_INFINITY;
    for (JsonNode r : references().get("results")) {
      if (r.get("dataset").asText().equals(name) && r.has("seeds")) {
        best = Math.min(best, r.get("mse").asDouble());
      }
    }
    assertThat(run.mse())
        .as("%s prequential MSE (best reference %s)", name, best)
        .isLessThanOrEqualTo(threshold)
        .isLessThanOrEqualTo(best);
    assertThat(run.skipped).isZero();
  }

  /** Sums of one prequential pass. */
  static final class Prequential {
    long scored;
    long correct;
    double squaredErrors;
    long skipped;

    double accuracy() {
      return (double) correct / scored;
    }

    double mse() {
      return squaredErrors / scored;
    }
  }

  /** One pass over {@code file} with its inferred spec, in file order. */
  static Prequential prequential(String file) throws IOException {
    Path path = RAW.resolve(file);
    ModelSpec spec = SpecInference.infer(path);
    PopulationLearner learner = PopulationLearner.create(spec);
    Prequential run = new Prequential();
    try (RawExamples examples = RawExamples.open(path, spec)) {
      RawExamples.RawExample example;
      while ((example = examples.next()) != null) {
        FeatureRow row = example.row();
        StepResult step = learner.learn(row.dense(), row.ids(), example.label(), 1f);
        if (step != null) {
          run.scored += step.examples();
          run.correct += step.correct();
          run.squaredErrors += step.squaredErrorSum();
          run.skipped += step.skipped() ? 1 : 0;
        }
      }
    }
    return run;
  }

  private static JsonNode references() throws IOException {
    return new ObjectMapper().readTree(REFERENCES.toFile());
  }

  /** The best reference of a dataset, with the scored count of its results. */
  private static JsonNode best(String name) throws IOException {
    JsonNode all = references();
    JsonNode best = all.get("best").get(name).get("best").deepCopy();
    for (JsonNode r : all.get("results")) {
      if (r.get("dataset").asText().equals(name)) {
        ((com.fasterxml.jackson.databind.node.ObjectNode) best).set("scored", r.get("scored"));
      }
    }
    return best;
  }
}
