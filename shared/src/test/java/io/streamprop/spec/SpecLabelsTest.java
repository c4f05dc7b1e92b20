package io.streamprop.spec;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamprop.spec.ModelSpec.ClassWeight;
import io.streamprop.spec.ModelSpec.ClassWeightMode;
import io.streamprop.spec.ModelSpec.Task;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The label keys of a spec: {@code class_names} and {@code class_weight}. */
class SpecLabelsTest {

  private static ModelSpec parse(String json) {
    return SpecJson.parse(json.replace('\'', '"'));
  }

  private static SpecException rejected(String json) {
    try {
      parse(json);
    } catch (SpecException e) {
      return e;
    }
    throw new AssertionError("accepted: " + json);
  }

  @Test
  void classNamesWithoutClasses_classificationWithTheirCount() {
    ModelSpec spec = parse("{'inputs': 4, 'class_names': ['setosa', 'versicolor', 'virginica']}");

    assertThat(spec.task()).isEqualTo(Task.CLASSIFICATION);
    assertThat(spec.outputs()).isEqualTo(3);
    assertThat(spec.classNames()).containsExactly("setosa", "versicolor", "virginica");
    assertThat(spec.className(1)).isEqualTo("versicolor");
    assertThat(spec.classWeight()).isEqualTo(ClassWeight.NONE);
  }

  @Test
  void withoutClassNames_classNameIsTheIndex() {
    assertThat(parse("{'inputs': 4, 'classes': 3}").className(2)).isEqualTo("2");
  }

  @Test
  void specWithoutLabelKeys_writesNeither_sameTextAsBefore() {
    String json = SpecJson.write(parse("{'inputs': 4, 'classes': 3, 'learner': 'single'}"));

    assertThat(json).doesNotContain("class_names").doesNotContain("class_weight");
    // The exact text a spec without these keys wrote before they existed.
    assertThat(json)
        .isEqualTo(
            "{\"task\":\"classification\",\"inputs\":4,\"feature_names\":[],\"classes\":3,"
                + "\"hidden\":[64],\"activation\":\"relu\",\"init\":\"auto\",\"batch_norm\":false,"
                + "\"dropout\":0.0,\"loss\":\"softmax_cross_entropy\",\"huber_delta\":1.0,"
                + "\"optimizer\":{\"name\":\"adam\",\"learning_rate\":0.01,\"momentum\":0.9,"
                + "\"beta1\":0.9,\"beta2\":0.999,\"rho\":0.9,\"epsilon\":1.0E-8,"
                + "\"weight_decay\":0.0},\"schedule\":{\"name\":\"constant\",\"warmup_steps\":0,"
                + "\"decay_steps\":1000,\"decay_rate\":0.5},\"clip_norm\":5.0,\"batch_size\":8,"
                + "\"standardize\":true,\"seed\":42,\"snapshot\":{\"every_examples\":10000,"
                + "\"every_seconds\":5.0}}");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{'inputs': 2, 'class_names': ['no', 'yes'], 'class_weight': 'balanced'}",
        "{'inputs': 2, 'classes': 3, 'class_weight': [0.5, 2, 0]}",
        "{'inputs': 2, 'class_names': ['a', 'b'], 'class_weight': {'b': 3, 'a': 0.25}}",
        "{'inputs': 2, 'classes': 2, 'loss': 'binary_cross_entropy', 'class_weight': [1, 9]}",
      })
  void labelKeys_roundTrip(String json) {
    ModelSpec spec = parse(json);
    assertThat(SpecJson.parse(SpecJson.write(spec))).isEqualTo(spec);
    assertThat(SpecJson.parse(SpecJson.writePretty(spec))).isEqualTo(spec);
  }

  @Test
  void classWeightByName_inClassOrder() {
    ModelSpec spec =
        parse(
            "{'inputs': 2, 'class_names': ['a', 'b', 'c'], 'class_weight': {'c': 3, 'a': 0.5,"
                + " 'b': 1}}");
    assertThat(spec.classWeight().mode()).isEqualTo(ClassWeightMode.EXPLICIT);
    assertThat(spec.classWeight().weights()).containsExactly(0.5, 1.0, 3.0);
    assertThat(SpecJson.write(spec)).contains("\"class_weight\":[0.5,1.0,3.0]");
  }

  @Test
  void balanced_writtenAsTheWord() {
    assertThat(SpecJson.write(parse("{'inputs': 2, 'classes': 2, 'class_weight': 'balanced'}")))
        .contains("\"class_weight\":\"balanced\"");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{'inputs': 2, 'task': 'regression', 'class_names': ['a', 'b']}"
            + "|class_names: is for classification",
        "{'inputs': 2, 'classes': 3, 'class_names': ['a', 'b']}"
            + "|class_names: must name every class: classes is 3, got 2",
        "{'inputs': 2, 'class_names': ['a', 'a']}|class_names[1]: duplicate name \"a\"",
        "{'inputs': 2, 'class_names': ['a', ' ']}|class_names[1]: must be 1..256 characters",
        "{'inputs': 2, 'class_names': ['a', '']}|class_names[1]: must be 1..256 characters",
        "{'inputs': 2, 'class_names': ['a', 3]}|class_names[1]: must be a string, got 3",
        "{'inputs': 2, 'classes': 3, 'class_weight': [1, 2]}"
            + "|class_weight: must give one weight per class: classes is 3, got 2",
        "{'inputs': 2, 'classes': 2, 'class_weight': [1, -0.5]}"
            + "|class_weight[1]: must be >= 0 and finite, got -0.5",
        "{'inputs': 2, 'classes': 2, 'class_weight': [0, 0]}|class_weight: every weight is 0",
        "{'inputs': 2, 'classes': 2, 'class_weight': [1, 'x']}"
            + "|class_weight[1]: must be a number, got \"x\"",
        "{'inputs': 2, 'classes': 2, 'class_weight': 'balance'}"
            + "|class_weight: must be \"balanced\", a list of one weight per class, or an object",
        "{'inputs': 2, 'classes': 2, 'class_weight': {'a': 1}}"
            + "|class_weight: an object of name: weight needs \"class_names\"",
        "{'inputs': 2, 'class_names': ['a', 'b'], 'class_weight': {'a': 1, 'z': 2}}"
            + "|class_weight.z: not a class of this model; its classes are a, b",
        "{'inputs': 2, 'class_names': ['a', 'b'], 'class_weight': {'a': 1}}"
            + "|class_weight: must give a weight for every class; missing b",
        "{'inputs': 2, 'task': 'regression', 'class_weight': 'balanced'}"
            + "|class_weight: is for classification",
      })
  void badLabelKeys_refused_namingFieldAndValue(String json, String message) {
    assertThat(rejected(json)).hasMessageContaining(message);
  }

  @Test
  void codeBuiltSpec_validatedToo() {
    ModelSpec valid = parse("{'inputs': 2, 'classes': 2}");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                new ModelSpec(
                    valid.task(),
                    valid.inputs(),
                    valid.featureNames(),
                    valid.outputs(),
                    valid.hidden(),
                    valid.activation(),
                    valid.init(),
                    valid.batchNorm(),
                    valid.dropout(),
                    valid.loss(),
                    valid.huberDelta(),
                    valid.optimizer(),
                    valid.schedule(),
                    valid.clipNorm(),
                    valid.batchSize(),
                    valid.standardize(),
                    valid.seed(),
                    valid.snapshot(),
                    List.of("x", "y"),
                    new ClassWeight(ClassWeightMode.BALANCED, List.of(1.0, 2.0)),
                    null,
                    ModelSpec.Learner.SINGLE,
                    ModelSpec.InputTransform.NONE))
        .isInstanceOf(SpecException.class)
        .hasMessageContaining("class_weight: only explicit class weights list numbers");
  }
}
