package io.streamprop.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamprop.spec.ModelSpec.Activation;
import io.streamprop.spec.ModelSpec.Loss;
import io.streamprop.spec.ModelSpec.OptimizerName;
import io.streamprop.spec.ModelSpec.ScheduleName;
import io.streamprop.spec.ModelSpec.Task;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SpecJsonTest {

  private static SpecException rejected(String json) {
    try {
      SpecJson.parse(json);
    } catch (SpecException e) {
      return e;
    }
    throw new AssertionError("accepted: " + json);
  }

  @Test
  void smallestClassificationSpec_parses_withEveryDefault() {
    ModelSpec spec = SpecJson.parse("{\"inputs\": 4, \"classes\": 3}");

    assertThat(spec.task()).isEqualTo(Task.CLASSIFICATION);
    assertThat(spec.inputs()).isEqualTo(4);
    assertThat(spec.outputs()).isEqualTo(3);
    assertThat(spec.featureNames()).isEmpty();
    assertThat(spec.hidden()).isEqualTo(SpecDefaults.HIDDEN);
    assertThat(spec.activation()).isEqualTo(SpecDefaults.ACTIVATION);
    assertThat(spec.loss()).isEqualTo(Loss.SOFTMAX_CROSS_ENTROPY);
    assertThat(spec.optimizer()).isEqualTo(SpecDefaults.optimizer());
    assertThat(spec.schedule()).isEqualTo(SpecDefaults.schedule());
    assertThat(spec.snapshot()).isEqualTo(SpecDefaults.snapshot());
    assertThat(spec.batchSize()).isEqualTo(SpecDefaults.BATCH_SIZE);
    assertThat(spec.clipNorm()).isEqualTo(SpecDefaults.CLIP_NORM);
    assertThat(spec.standardize()).isEqualTo(SpecDefaults.STANDARDIZE);
    assertThat(spec.seed()).isEqualTo(SpecDefaults.SEED);
    assertThat(spec.outputWidth()).isEqualTo(3);
  }

  @Test
  void smallestRegressionSpec_parses_withOneTargetAndMse() {
    ModelSpec spec = SpecJson.parse("{\"inputs\": 10, \"task\": \"regression\"}");

    assertThat(spec.task()).isEqualTo(Task.REGRESSION);
    assertThat(spec.outputs()).isEqualTo(1);
    assertThat(spec.loss()).isEqualTo(Loss.MSE);
  }

  @Test
  void targetsWithoutTask_parses_asRegression() {
    assertThat(SpecJson.parse("{\"inputs\": 3, \"targets\": 2}").task()).isEqualTo(Task.REGRESSION);
  }

  @Test
  void featureNamesWithoutInputs_parses_withInputsFromNames() {
    ModelSpec spec = SpecJson.parse("{\"feature_names\": [\"a\", \"b\"], \"classes\": 2}");

    assertThat(spec.inputs()).isEqualTo(2);
    assertThat(spec.featureNames()).containsExactly("a", "b");
  }

  @Test
  void everyFieldSet_writeThenParse_givesEqualSpec() {
    String json =
        "{\"task\":\"classification\",\"inputs\":3,\"feature_names\":[\"x\",\"y\",\"z\"],"
            + "\"classes\":2,\"hidden\":[8,4,2],\"activation\":\"gelu\",\"init\":\"xavier_normal\","
            + "\"batch_norm\":true,\"dropout\":0.25,\"loss\":\"binary_cross_entropy\","
            + "\"huber_delta\":2.5,\"optimizer\":{\"name\":\"adamw\",\"learning_rate\":0.01,"
            + "\"momentum\":0.5,\"beta1\":0.8,\"beta2\":0.99,\"rho\":0.95,\"epsilon\":1e-6,"
            + "\"weight_decay\":0.01},\"schedule\":{\"name\":\"inverse_time\",\"warmup_steps\":100,"
            + "\"decay_steps\":500,\"decay_rate\":2.0},\"clip_norm\":0,\"batch_size\":32,"
            + "\"standardize\":false,\"seed\":-7,\"snapshot\":{\"every_examples\":0,"
            + "\"every_seconds\":0.5}}";
    ModelSpec spec = SpecJson.parse(json);

    assertThat(spec.activation()).isEqualTo(Activation.GELU);
    assertThat(spec.outputWidth()).isEqualTo(1);
    assertThat(spec.optimizer().name()).isEqualTo(OptimizerName.ADAMW);
    assertThat(spec.optimizer().epsilon()).isEqualTo(1e-6);
    assertThat(spec.schedule().name()).isEqualTo(ScheduleName.INVERSE_TIME);
    assertThat(spec.seed()).isEqualTo(-7);
    assertThat(SpecJson.parse(SpecJson.write(spec))).isEqualTo(spec);
    assertThat(SpecJson.parse(SpecJson.writePretty(spec))).isEqualTo(spec);
  }

  @Test
  void equalSpecs_write_giveIdenticalCanonicalText() {
    ModelSpec a = SpecJson.parse("{\"classes\": 3, \"inputs\": 4, \"seed\": 1}");
    ModelSpec b = SpecJson.parse("{\"seed\": 1.0, \"inputs\": 4, \"classes\": 3}");

    assertThat(SpecJson.write(a)).isEqualTo(SpecJson.write(b));
    assertThat(SpecJson.write(a))
        .startsWith("{\"task\":\"classification\",\"inputs\":4,\"feature_names\":[],\"classes\":3,")
        .endsWith("\"snapshot\":{\"every_examples\":10000,\"every_seconds\":5.0}}");
  }

  @Test
  void optimizerAndScheduleNames_asShorthand_takeDefaultHyperParameters() {
    ModelSpec spec =
        SpecJson.parse(
            "{\"inputs\": 2, \"classes\": 2, \"optimizer\": \"nesterov\", \"schedule\": \"step\"}");

    assertThat(spec.optimizer().name()).isEqualTo(OptimizerName.NESTEROV);
    assertThat(spec.optimizer().learningRate()).isEqualTo(SpecDefaults.LEARNING_RATE);
    assertThat(spec.schedule().name()).isEqualTo(ScheduleName.STEP);
  }

  @Test
  void unknownTopLevelKey_rejected_namingKeyAndAllowedKeys() {
    SpecException e = rejected("{\"inputs\": 4, \"classes\": 3, \"hiden\": [8]}");

    assertThat(e.field()).isEqualTo("hiden");
    assertThat(e.getMessage()).contains("unknown key").contains("hidden").contains("batch_size");
  }

  @Test
  void unknownNestedKey_rejected_withItsPath() {
    SpecException e = rejected("{\"inputs\": 4, \"classes\": 3, \"optimizer\": {\"lr\": 0.1}}");

    assertThat(e.field()).isEqualTo("optimizer.lr");
    assertThat(e.getMessage()).contains("learning_rate");
  }

  @Test
  void negativeLearningRate_rejected_withPathAndValue() {
    SpecException e =
        rejected("{\"inputs\": 4, \"classes\": 3, \"optimizer\": {\"learning_rate\": -0.1}}");

    assertThat(e.getMessage())
        .isEqualTo("optimizer.learning_rate: must be > 0 and finite, got -0.1");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"classes\": 3}|inputs",
        "{\"inputs\": 4}|task",
        "{\"inputs\": 0, \"classes\": 3}|inputs",
        "{\"inputs\": 100001, \"classes\": 3}|inputs",
        "{\"inputs\": 4, \"classes\": 1}|classes",
        "{\"inputs\": 4, \"classes\": 10001}|classes",
        "{\"inputs\": 4, \"task\": \"regression\", \"targets\": 0}|targets",
        "{\"inputs\": 4, \"task\": \"regression\", \"classes\": 3}|classes",
        "{\"inputs\": 4, \"classes\": 3, \"targets\": 3}|targets",
        "{\"inputs\": 4, \"classes\": 3, \"hidden\": [8, 0]}|hidden[1]",
        "{\"inputs\": 4, \"classes\": 3, \"hidden\": [65537]}|hidden[0]",
        "{\"inputs\": 4, \"classes\": 3, \"hidden\": [8.5]}|hidden[0]",
        "{\"inputs\": 4, \"classes\": 3, \"hidden\": 8}|hidden",
        "{\"inputs\": 4, \"classes\": 3, \"dropout\": 1}|dropout",
        "{\"inputs\": 4, \"classes\": 3, \"dropout\": -0.1}|dropout",
        "{\"inputs\": 4, \"classes\": 3, \"loss\": \"mse\"}|loss",
        "{\"inputs\": 4, \"classes\": 3, \"loss\": \"binary_cross_entropy\"}|loss",
        "{\"inputs\": 4, \"task\": \"regression\", \"loss\": \"softmax_cross_entropy\"}|loss",
        "{\"inputs\": 4, \"task\": \"regression\", \"loss\": \"binary_cross_entropy\"}|loss",
        "{\"inputs\": 4, \"classes\": 3, \"loss\": \"hinge\"}|loss",
        "{\"inputs\": 4, \"task\": \"regression\", \"loss\": \"huber\", \"huber_delta\": 0}|huber_delta",
        "{\"inputs\": 4, \"classes\": 3, \"optimizer\": {\"beta1\": 1.0}}|optimizer.beta1",
        "{\"inputs\": 4, \"classes\": 3, \"optimizer\": {\"beta2\": -0.5}}|optimizer.beta2",
        "{\"inputs\": 4, \"classes\": 3, \"optimizer\": {\"momentum\": 1}}|optimizer.momentum",
        "{\"inputs\": 4, \"classes\": 3, \"optimizer\": {\"rho\": 2}}|optimizer.rho",
        "{\"inputs\": 4, \"classes\": 3, \"optimizer\": {\"name\": \"nesterov\", \"momentum\": 0}}|optimizer.momentum",
        "{\"inputs\": 4, \"classes\": 3, \"optimizer\": {\"epsilon\": 0}}|optimizer.epsilon",
        "{\"inputs\": 4, \"classes\": 3, \"optimizer\": {\"weight_decay\": -1}}|optimizer.weight_decay",
        "{\"inputs\": 4, \"classes\": 3, \"optimizer\": {\"learning_rate\": 1e400}}|optimizer.learning_rate",
        "{\"inputs\": 4, \"classes\": 3, \"optimizer\": {\"name\": \"lbfgs\"}}|optimizer.name",
        "{\"inputs\": 4, \"classes\": 3, \"optimizer\": 3}|optimizer",
        "{\"inputs\": 4, \"classes\": 3, \"schedule\": {\"decay_steps\": 0}}|schedule.decay_steps",
        "{\"inputs\": 4, \"classes\": 3, \"schedule\": {\"warmup_steps\": -1}}|schedule.warmup_steps",
        "{\"inputs\": 4, \"classes\": 3, \"schedule\": {\"name\": \"step\", \"decay_rate\": 1.5}}|schedule.decay_rate",
        "{\"inputs\": 4, \"classes\": 3, \"clip_norm\": -1}|clip_norm",
        "{\"inputs\": 4, \"classes\": 3, \"batch_size\": 0}|batch_size",
        "{\"inputs\": 4, \"classes\": 3, \"batch_size\": 65537}|batch_size",
        "{\"inputs\": 4, \"classes\": 3, \"batch_norm\": \"yes\"}|batch_norm",
        "{\"inputs\": 4, \"classes\": 3, \"seed\": 1.5}|seed",
        "{\"inputs\": 4, \"classes\": 3, \"snapshot\": {\"every_examples\": 0, \"every_seconds\": 0}}|snapshot",
        "{\"inputs\": 4, \"classes\": 3, \"snapshot\": {\"every_seconds\": -1}}|snapshot.every_seconds",
        "{\"inputs\": 4, \"classes\": 3, \"activation\": \"ReLU\"}|activation",
        "{\"inputs\": \"4\", \"classes\": 3}|inputs",
        "{\"inputs\": 3, \"feature_names\": [\"a\", \"b\"], \"classes\": 3}|feature_names",
        "{\"feature_names\": [\"a\", \"a\"], \"classes\": 3}|feature_names[1]",
        "{\"feature_names\": [\"a\", \" \"], \"classes\": 3}|feature_names[1]",
        "{\"feature_names\": [\"a\", 2], \"classes\": 3}|feature_names[1]",
        "{\"inputs\": 4, \"classes\": 3, \"inputs\": 5}|spec",
        "{\"inputs\": 4, \"classes\": 3|spec",
        "[4, 3]|spec",
        "{\"inputs\": 4, \"classes\": 3} {}|spec",
      })
  void invalidSpec_rejected_namingTheField(String json, String field) {
    SpecException e = rejected(json);

    assertThat(e.field()).isEqualTo(field);
    assertThat(e.getMessage()).startsWith(field + ": ");
  }

  @Test
  void wrongEnumValue_rejected_listingTheChoices() {
    SpecException e = rejected("{\"inputs\": 4, \"classes\": 3, \"activation\": \"swish\"}");

    assertThat(e.getMessage())
        .isEqualTo(
            "activation: must be one of identity, sigmoid, tanh, relu, leaky_relu, elu, gelu;"
                + " got \"swish\"");
  }

  @Test
  void bytes_parsedAsStrictUtf8() {
    byte[] good = "{\"feature_names\": [\"été\"], \"classes\": 2}".getBytes(StandardCharsets.UTF_8);
    byte[] latin1 =
        "{\"feature_names\": [\"été\"], \"classes\": 2}".getBytes(StandardCharsets.ISO_8859_1);

    assertThat(SpecJson.parse(good).featureNames()).containsExactly("été");
    assertThatThrownBy(() -> SpecJson.parse(latin1))
        .isInstanceOf(SpecException.class)
        .hasMessage("spec: not valid UTF-8 text");
  }

  @Test
  void integralFloat_accepted_asInteger() {
    assertThat(SpecJson.parse("{\"inputs\": 4.0, \"classes\": 3, \"hidden\": [64.0]}").hidden())
        .containsExactly(64);
  }

  @Test
  void hugeModel_rejected_beforeItCanOutgrowASnapshot() {
    SpecException e = rejected("{\"inputs\": 10000, \"classes\": 10, \"hidden\": [4096, 4096]}");

    assertThat(e.field()).isEqualTo("hidden");
    assertThat(e.getMessage()).contains("parameters").contains("4000000");
  }

  @Test
  void bigBatchOfWideInputs_rejected_naming_batchSize() {
    SpecException e =
        rejected("{\"inputs\": 100000, \"classes\": 2, \"hidden\": [], \"batch_size\": 64}");

    assertThat(e.field()).isEqualTo("batch_size");
  }

  @Test
  void largestAcceptedModels_haveSnapshotBounds_withinTheLimit() {
    List<String> specs =
        List.of(
            "{\"inputs\": 784, \"classes\": 10, \"hidden\": [2048, 1024], \"batch_norm\": true}",
            "{\"inputs\": 100000, \"classes\": 2, \"hidden\": [39], \"batch_size\": 19}",
            "{\"inputs\": 10, \"task\": \"regression\", \"targets\": 10000, \"hidden\": [390]}");
    for (String json : specs) {
      ModelSpec spec = SpecJson.parse(json);
      assertThat(SpecLimits.parameterCount(spec)).isLessThanOrEqualTo(SpecLimits.MAX_PARAMETERS);
      assertThat(SpecLimits.snapshotBytesUpperBound(spec))
          .isLessThanOrEqualTo(SpecLimits.MAX_SNAPSHOT_BYTES);
    }
  }

  @Test
  void parameterCount_countsWeightsBiasesAndBatchNorm() {
    ModelSpec plain = SpecJson.parse("{\"inputs\": 54, \"classes\": 7, \"hidden\": [64, 32]}");
    ModelSpec bn =
        SpecJson.parse(
            "{\"inputs\": 54, \"classes\": 7, \"hidden\": [64, 32], \"batch_norm\": true}");

    assertThat(SpecLimits.parameterCount(plain))
        .isEqualTo(54 * 64 + 64 + 64 * 32 + 32 + 32 * 7 + 7);
    assertThat(SpecLimits.parameterCount(bn))
        .isEqualTo(SpecLimits.parameterCount(plain) + 2 * (64 + 32));
  }

  @Test
  void listsOfASpec_areImmutable() {
    ModelSpec spec = SpecJson.parse("{\"feature_names\": [\"a\", \"b\"], \"classes\": 2}");

    assertThatThrownBy(() -> spec.hidden().add(3))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> spec.featureNames().set(0, "c"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void constructor_validates_soThatNoInvalidSpecExists() {
    ModelSpec valid = SpecJson.parse("{\"inputs\": 4, \"classes\": 3}");

    assertThatThrownBy(
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
                    1.5,
                    valid.loss(),
                    valid.huberDelta(),
                    valid.optimizer(),
                    valid.schedule(),
                    valid.clipNorm(),
                    valid.batchSize(),
                    valid.standardize(),
                    valid.seed(),
                    valid.snapshot(),
                    valid.classNames(),
                    valid.classWeight(),
                    valid.features(),
                    valid.learner(),
                    valid.inputTransform()))
        .isInstanceOf(SpecException.class)
        .hasMessage("dropout: must be in [0, 1), got 1.5");
  }

  @Test
  void inputTransform_autoForAPopulation_noneForOneLearner_writtenOnlyWhenNotTheDefault() {
    ModelSpec open = SpecJson.parse("{\"inputs\": 4, \"classes\": 3}");
    assertThat(open.inputTransform()).isEqualTo(ModelSpec.InputTransform.AUTO);
    assertThat(SpecJson.write(open)).doesNotContain("input_transform");
    ModelSpec single = SpecJson.parse("{\"inputs\": 4, \"classes\": 3, \"learner\": \"single\"}");
    assertThat(single.inputTransform()).isEqualTo(ModelSpec.InputTransform.NONE);
    assertThat(SpecJson.write(single)).doesNotContain("input_transform");
    assertThat(single.withLearner(ModelSpec.Learner.SINGLE)).isEqualTo(single);
    assertThat(open.withLearner(ModelSpec.Learner.SINGLE).inputTransform())
        .isEqualTo(ModelSpec.InputTransform.NONE);

    ModelSpec symlog =
        SpecJson.parse(
            "{\"inputs\": 4, \"classes\": 3, \"optimizer\": \"adam\","
                + " \"input_transform\": \"symlog\"}");
    assertThat(SpecJson.write(symlog)).contains("\"input_transform\":\"symlog\"");
    assertThat(SpecJson.parse(SpecJson.write(symlog))).isEqualTo(symlog);
    ModelSpec fixedNone =
        SpecJson.parse("{\"inputs\": 4, \"classes\": 3, \"input_transform\": \"none\"}");
    assertThat(SpecJson.write(fixedNone)).contains("\"input_transform\":\"none\"");
    assertThat(SpecJson.parse(SpecJson.write(fixedNone))).isEqualTo(fixedNone);
  }

  @Test
  void inputTransform_autoForOneLearnerOrUnknown_rejected_namingTheKey() {
    assertThatThrownBy(
            () ->
                SpecJson.parse(
                    "{\"inputs\": 4, \"classes\": 3, \"learner\": \"single\","
                        + " \"input_transform\": \"auto\"}"))
        .isInstanceOf(SpecException.class)
        .hasMessageStartingWith("input_transform: auto races the transforms in a population");
    assertThatThrownBy(
            () -> SpecJson.parse("{\"inputs\": 4, \"classes\": 3, \"input_transform\": \"log\"}"))
        .isInstanceOf(SpecException.class)
        .hasMessageStartingWith("input_transform:");
  }
}
