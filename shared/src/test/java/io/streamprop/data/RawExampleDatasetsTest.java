package io.streamprop.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamprop.features.FeatureKind;
import io.streamprop.features.FeatureSpec;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.ModelSpec.Task;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every dataset in {@code examples/data/raw/} gets a sensible inferred spec, from its CSV and from
 * its JSON lines: the task and class names of its label, and the kinds of docs/data.md. The one
 * difference between the two files is Soybean: its digit codes are numbers in the CSV (a column
 * numeric in every row stays numeric) and JSON strings in the JSON lines (categorical).
 */
class RawExampleDatasetsTest {
  static final Path RAW = Path.of("..", "examples", "data", "raw");

  private static Map<FeatureKind, Long> kindCounts(ModelSpec spec) {
    return spec.features().features().stream()
        .collect(Collectors.groupingBy(FeatureSpec::kind, Collectors.counting()));
  }

  private static ModelSpec infer(String file) throws Exception {
    return SpecInference.infer(RAW.resolve(file));
  }

  @ParameterizedTest
  @ValueSource(strings = {"csv", "jsonl"})
  void houseVotes_sixteenCategoricalVotes_twoParties(String format) throws Exception {
    ModelSpec spec = infer("house_votes_84." + format);

    assertThat(spec.task()).isEqualTo(Task.CLASSIFICATION);
    assertThat(spec.classNames()).containsExactly("democrat", "republican");
    assertThat(kindCounts(spec)).isEqualTo(Map.of(FeatureKind.CATEGORICAL, 16L));
  }

  @ParameterizedTest
  @ValueSource(strings = {"csv", "jsonl"})
  void titanic_sexAndClassCategorical_ageNumeric(String format) throws Exception {
    ModelSpec spec = infer("titanic." + format);

    assertThat(spec.classNames()).containsExactly("no", "yes");
    assertThat(spec.features().features().stream().map(f -> f.name() + ":" + f.kind()))
        .containsExactly("sex:CATEGORICAL", "age:NUMERIC", "passengerClass:CATEGORICAL");
  }

  @ParameterizedTest
  @ValueSource(strings = {"csv", "jsonl"})
  void chile_fourVotesSorted_threeCategoricalFourNumeric(String format) throws Exception {
    ModelSpec spec = infer("chile." + format);

    assertThat(spec.classNames()).containsExactly("A", "N", "U", "Y");
    assertThat(kindCounts(spec))
        .isEqualTo(Map.of(FeatureKind.CATEGORICAL, 3L, FeatureKind.NUMERIC, 4L));
  }

  @ParameterizedTest
  @ValueSource(strings = {"csv.gz", "jsonl.gz"})
  void diamonds_priceRegression_cutColorClarityCategorical(String format) throws Exception {
    ModelSpec spec = infer("diamonds." + format);

    assertThat(spec.task()).isEqualTo(Task.REGRESSION);
    assertThat(spec.outputs()).isEqualTo(1);
    assertThat(spec.classNames()).isEmpty();
    assertThat(
            spec.features().features().stream()
                .filter(f -> f.kind() == FeatureKind.CATEGORICAL)
                .map(FeatureSpec::name))
        .containsExactly("cut", "color", "clarity");
    assertThat(kindCounts(spec).get(FeatureKind.NUMERIC)).isEqualTo(6L);
  }

  @ParameterizedTest
  @ValueSource(strings = {"csv", "jsonl"})
  void soybean_nineteenDiseasesInCodePointOrder(String format) throws Exception {
    ModelSpec spec = infer("soybean." + format);

    assertThat(spec.classNames()).hasSize(19);
    assertThat(spec.classNames().get(0)).isEqualTo("2-4-d-injury"); // '2' < 'a'
    assertThat(spec.classNames()).isSortedAccordingTo(LabelInference.CODE_POINT_ORDER);
    assertThat(spec.features().size()).isEqualTo(35);
    // CSV: digit codes are numbers, numeric with a missing indicator; JSON lines: strings.
    FeatureKind expected = format.equals("csv") ? FeatureKind.NUMERIC : FeatureKind.CATEGORICAL;
    assertThat(kindCounts(spec)).isEqualTo(Map.of(expected, 35L));
  }

  @ParameterizedTest
  @ValueSource(strings = {"soybean", "house_votes_84", "titanic", "chile"})
  void csvAndJsonLines_sameLabelsAndFeatureNames(String name) throws Exception {
    ModelSpec csv = infer(name + ".csv");
    ModelSpec json = infer(name + ".jsonl");

    assertThat(json.classNames()).isEqualTo(csv.classNames());
    List<String> csvNames = csv.features().features().stream().map(FeatureSpec::name).toList();
    assertThat(json.features().features().stream().map(FeatureSpec::name))
        .containsExactlyElementsOf(csvNames);
  }
}
