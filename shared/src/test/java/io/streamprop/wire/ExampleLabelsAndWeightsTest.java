package io.streamprop.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Labels given by class name, and the optional example weight, in {@link ExampleParser}. */
class ExampleLabelsAndWeightsTest {
  private static final ModelSpec NAMED =
      SpecJson.parse("{\"inputs\": 2, \"class_names\": [\"stay\", \"churned\", \"paused\"]}");
  private static final ModelSpec INDEXED = SpecJson.parse("{\"inputs\": 2, \"classes\": 3}");

  private static Example parse(ModelSpec spec, String json) {
    return new ExampleParser(spec).parse(json.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
  }

  private static ExampleException rejected(ModelSpec spec, String json) {
    try {
      parse(spec, json);
    } catch (ExampleException e) {
      return e;
    }
    throw new AssertionError("accepted: " + json);
  }

  @Test
  void labelByName_isItsIndex() {
    assertThat(parse(NAMED, "{'features': [1, 2], 'label': 'churned'}").label())
        .containsExactly(1f);
    assertThat(parse(NAMED, "{'features': [1, 2], 'label': 'paused'}").label()).containsExactly(2f);
  }

  @Test
  void labelByIndex_stillWorks_withNamesDeclared() {
    assertThat(parse(NAMED, "{'features': [1, 2], 'label': 0}").label()).containsExactly(0f);
    assertThat(parse(INDEXED, "{'features': [1, 2], 'label': 2.0}").label()).containsExactly(2f);
  }

  @Test
  void unknownName_labelOutOfRange_namingTheValueAndTheNames() {
    ExampleException e = rejected(NAMED, "{'features': [1, 2], 'label': 'Churned'}");

    assertThat(e.reason()).isEqualTo(RejectReason.LABEL_OUT_OF_RANGE);
    assertThat(e.reason().code()).isEqualTo("label_out_of_range");
    assertThat(e)
        .hasMessage(
            "label: \"Churned\" is not a class of this model; its classes are \"stay\","
                + " \"churned\", \"paused\"");
  }

  @Test
  void indexOutOfRange_withNames_listsTheNamesToo() {
    ExampleException e = rejected(NAMED, "{'features': [1, 2], 'label': 3}");

    assertThat(e.reason()).isEqualTo(RejectReason.LABEL_OUT_OF_RANGE);
    assertThat(e).hasMessageContaining("0..2").hasMessageContaining("\"paused\"");
  }

  @Test
  void stringLabel_withoutNames_badJson_asBefore() {
    ExampleException e = rejected(INDEXED, "{'features': [1, 2], 'label': 'churned'}");

    assertThat(e.reason()).isEqualTo(RejectReason.BAD_JSON);
    assertThat(e).hasMessageContaining("label: expected a class index");
  }

  @Test
  void noWeight_weighsOne() {
    assertThat(parse(INDEXED, "{'features': [1, 2], 'label': 1}").weight()).isEqualTo(1f);
  }

  @ParameterizedTest
  @CsvSource({"0, 0", "0.25, 0.25", "3, 3", "1e30, 1e30", "-0.0, 0"})
  void weight_readAsFloat(String written, float expected) {
    Example e = parse(NAMED, "{'weight': " + written + ", 'features': [1, 2], 'label': 'stay'}");

    assertThat(e.weight()).isEqualTo(expected);
    assertThat(Float.floatToRawIntBits(e.weight()))
        .as("never -0")
        .isEqualTo(Float.floatToRawIntBits(expected));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "-1|-1",
        "-1e-9|-1e-9",
        "NaN|NaN",
        "Infinity|Infinity",
        "1e39|1e39",
        "null|null",
        "\"two\"|\"two\"",
        "true|a boolean",
        "[1]|a list",
        "{'w': 1}|an object",
      })
  void badWeight_weightInvalid_namingFieldAndValue(String written, String shown) {
    ExampleException e =
        rejected(INDEXED, "{'features': [1, 2], 'label': 1, 'weight': " + written + "}");

    assertThat(e.reason()).isEqualTo(RejectReason.WEIGHT_INVALID);
    assertThat(e.reason().code()).isEqualTo("weight_invalid");
    assertThat(e)
        .hasMessage("weight: must be a finite number >= 0 (float32: < 3.4e38), got " + shown);
  }

  @Test
  void duplicateWeight_badJson() {
    assertThat(
            rejected(INDEXED, "{'features': [1, 2], 'label': 1, 'weight': 1, 'weight': 2}")
                .reason())
        .isEqualTo(RejectReason.BAD_JSON);
  }
}
