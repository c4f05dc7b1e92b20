package io.streamprop.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExampleParserTest {

  private static final ModelSpec IRIS =
      SpecJson.parse(
          "{\"feature_names\": [\"sepal_length\", \"sepal_width\", \"petal_length\","
              + " \"petal_width\"], \"classes\": 3}");
  private static final ModelSpec POSITIONAL = SpecJson.parse("{\"inputs\": 3, \"classes\": 2}");
  private static final ModelSpec ONE_TARGET =
      SpecJson.parse("{\"inputs\": 2, \"task\": \"regression\"}");
  private static final ModelSpec THREE_TARGETS =
      SpecJson.parse("{\"inputs\": 2, \"task\": \"regression\", \"targets\": 3}");

  private static Example parse(ModelSpec spec, String json) {
    return new ExampleParser(spec).parse(json.getBytes(StandardCharsets.UTF_8));
  }

  private static ExampleException rejected(ModelSpec spec, String json) {
    return rejected(spec, json.getBytes(StandardCharsets.UTF_8));
  }

  private static ExampleException rejected(ModelSpec spec, byte[] json) {
    try {
      new ExampleParser(spec).parse(json);
    } catch (ExampleException e) {
      return e;
    }
    throw new AssertionError("accepted: " + new String(json, StandardCharsets.UTF_8));
  }

  @Test
  void listOfFeaturesAndClassIndex_parsed_intoFloats() {
    Example e = parse(IRIS, "{\"features\": [5.1, 3.5, 1.4, 0.2], \"label\": 2}");

    assertThat(e.features()).containsExactly(5.1f, 3.5f, 1.4f, 0.2f);
    assertThat(e.label()).containsExactly(2f);
  }

  @Test
  void keysInAnyOrderWithExtraProducerFields_parsed_extrasIgnored() {
    Example e =
        parse(
            POSITIONAL,
            "{\"id\": \"a-1\", \"label\": 1, \"meta\": {\"ts\": [1, {\"x\": null}]},"
                + " \"features\": [1, -2e3, 0.5], \"ok\": true}");

    assertThat(e.features()).containsExactly(1f, -2000f, 0.5f);
    assertThat(e.label()).containsExactly(1f);
  }

  @Test
  void namedFeatures_parsed_intoSpecOrder() {
    Example e =
        parse(
            IRIS,
            "{\"features\": {\"petal_width\": 0.2, \"sepal_length\": 5.1, \"petal_length\": 1.4,"
                + " \"sepal_width\": 3.5}, \"label\": 0}");

    assertThat(e.features()).containsExactly(5.1f, 3.5f, 1.4f, 0.2f);
  }

  @Test
  void integralFloatLabel_accepted_asClass() {
    assertThat(parse(IRIS, "{\"features\": [1, 2, 3, 4], \"label\": 2.0}").label())
        .containsExactly(2f);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "2.5|got 2.5",
        "3|got 3",
        "-1|got -1",
        "1e30|got 1e30",
        "2.0000001|got 2.0000001",
      })
  void labelThatIsNotAClassIndex_rejected_withValueAndRange(String label, String got) {
    ExampleException e = rejected(IRIS, "{\"features\": [1, 2, 3, 4], \"label\": " + label + "}");

    assertThat(e.reason()).isEqualTo(RejectReason.LABEL_OUT_OF_RANGE);
    assertThat(e.getMessage()).contains("0..2").endsWith(got);
  }

  @Test
  void tooManyFeatures_rejected_sayingExpectedAndGot() {
    ExampleException e = rejected(IRIS, "{\"features\": [1, 2, 3, 4, 5, 6], \"label\": 0}");

    assertThat(e.reason()).isEqualTo(RejectReason.WRONG_WIDTH);
    assertThat(e.getMessage()).isEqualTo("features: expected 4 numbers, got 6");
  }

  @Test
  void tooFewFeatures_rejected_sayingExpectedAndGot() {
    ExampleException e = rejected(IRIS, "{\"features\": [1, 2], \"label\": 0}");

    assertThat(e.reason()).isEqualTo(RejectReason.WRONG_WIDTH);
    assertThat(e.getMessage()).isEqualTo("features: expected 4 numbers, got 2");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "[1, NaN, 3]|features[1]|NaN",
        "[1, 2, Infinity]|features[2]|Infinity",
        "[-Infinity, 2, 3]|features[0]|-Infinity",
        "[1, 1e39, 3]|features[1]|1e39",
        "[1, 2, -3.5e38]|features[2]|-3.5e38",
        "[null, 2, 3]|features[0]|null",
      })
  void nonFiniteFeature_rejected_namingItsIndex(String features, String field, String shown) {
    ExampleException e = rejected(POSITIONAL, "{\"features\": " + features + ", \"label\": 1}");

    assertThat(e.reason()).isEqualTo(RejectReason.NOT_FINITE);
    assertThat(e.getMessage()).startsWith(field + ": must be a finite number").contains(shown);
  }

  @Test
  void largestFloat_accepted_asFinite() {
    assertThat(
            parse(POSITIONAL, "{\"features\": [3.4028235e38, 1e-45, 0], \"label\": 0}").features())
        .containsExactly(Float.MAX_VALUE, Float.MIN_VALUE, 0f);
  }

  @Test
  void nonFiniteLabel_rejected() {
    assertThat(rejected(ONE_TARGET, "{\"features\": [1, 2], \"label\": NaN}").reason())
        .isEqualTo(RejectReason.NOT_FINITE);
    assertThat(
            rejected(THREE_TARGETS, "{\"features\": [1, 2], \"label\": [1, 1e40, 3]}").getMessage())
        .startsWith("label[1]: must be a finite number");
    assertThat(rejected(IRIS, "{\"features\": [1, 2, 3, 4], \"label\": null}").reason())
        .isEqualTo(RejectReason.NOT_FINITE);
  }

  @Test
  void regressionLabel_acceptedAsNumberOrList() {
    assertThat(parse(ONE_TARGET, "{\"features\": [1, 2], \"label\": 151.5}").label())
        .containsExactly(151.5f);
    assertThat(parse(ONE_TARGET, "{\"features\": [1, 2], \"label\": [151.5]}").label())
        .containsExactly(151.5f);
    assertThat(parse(THREE_TARGETS, "{\"features\": [1, 2], \"label\": [1, -2, 3e-3]}").label())
        .containsExactly(1f, -2f, 0.003f);
  }

  @Test
  void regressionLabelOfWrongWidth_rejected() {
    ExampleException single = rejected(THREE_TARGETS, "{\"features\": [1, 2], \"label\": 4}");
    ExampleException list = rejected(THREE_TARGETS, "{\"features\": [1, 2], \"label\": [4, 5]}");

    assertThat(single.reason()).isEqualTo(RejectReason.WRONG_WIDTH);
    assertThat(single.getMessage()).contains("3 numbers").contains("single number");
    assertThat(list.reason()).isEqualTo(RejectReason.WRONG_WIDTH);
    assertThat(list.getMessage()).isEqualTo("label: expected 3 numbers, got 2");
  }

  @Test
  void unknownFeatureName_rejected_listingTheModelsNames() {
    ExampleException e =
        rejected(
            IRIS,
            "{\"features\": {\"sepal_length\": 1, \"sepal_width\": 2, \"petal_length\": 3,"
                + " \"petal_widht\": 4}, \"label\": 0}");

    assertThat(e.reason()).isEqualTo(RejectReason.UNKNOWN_FEATURE);
    assertThat(e.getMessage())
        .startsWith("features.petal_widht: not a feature")
        .contains("petal_width");
  }

  @Test
  void missingFeatureNames_rejected_namingThem() {
    ExampleException e =
        rejected(IRIS, "{\"features\": {\"sepal_length\": 1, \"petal_length\": 3}, \"label\": 0}");

    assertThat(e.reason()).isEqualTo(RejectReason.MISSING_FIELD);
    assertThat(e.getMessage()).contains("2 of 4").contains("sepal_width, petal_width");
  }

  @Test
  void namedFeatures_forModelWithoutNames_rejected() {
    ExampleException e = rejected(POSITIONAL, "{\"features\": {\"a\": 1}, \"label\": 0}");

    assertThat(e.reason()).isEqualTo(RejectReason.UNKNOWN_FEATURE);
    assertThat(e.getMessage()).contains("declares no feature_names");
  }

  @Test
  void duplicateNameOrKey_rejected() {
    assertThat(
            rejected(
                    IRIS,
                    "{\"features\": {\"sepal_length\": 1, \"sepal_length\": 2, \"petal_length\": 3,"
                        + " \"petal_width\": 4}, \"label\": 0}")
                .reason())
        .isEqualTo(RejectReason.BAD_JSON);
    assertThat(
            rejected(POSITIONAL, "{\"features\": [1, 2, 3], \"label\": 0, \"label\": 1}")
                .getMessage())
        .isEqualTo("duplicate key \"label\"");
  }

  @Test
  void missingFeaturesOrLabel_rejected_asMissingField() {
    ExampleException noFeatures = rejected(POSITIONAL, "{\"label\": 1}");
    ExampleException noLabel = rejected(POSITIONAL, "{\"features\": [1, 2, 3]}");

    assertThat(noFeatures.reason()).isEqualTo(RejectReason.MISSING_FIELD);
    assertThat(noFeatures.getMessage()).startsWith("features: missing");
    assertThat(noLabel.reason()).isEqualTo(RejectReason.MISSING_FIELD);
    assertThat(noLabel.getMessage()).startsWith("label: missing");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"features\": [1, 2, 3], \"label\": 1} x",
        "{\"features\": [1, 2, 3], \"label\": 1}{}",
        "{\"features\": [1, 2, 3], \"label\": 1}]",
        "{\"features\": [1, 2, 3], \"label\": 1",
        "{\"features\": [1, 2, \"3\"], \"label\": 1}",
        "{\"features\": [1, 2, [3]], \"label\": 1}",
        "{\"features\": \"1,2,3\", \"label\": 1}",
        "{\"features\": [1, 2, 3], \"label\": \"1\"}",
        "{\"features\": [1, 2, 3], \"label\": [1]}",
        "{\"features\": [1, 2, 3], \"label\": 01}",
        "[1, 2, 3]",
        "\"features\"",
        "{features: [1, 2, 3], label: 1}",
      })
  void malformedJson_rejected_asBadJson(String json) {
    assertThat(rejected(POSITIONAL, json).reason()).isEqualTo(RejectReason.BAD_JSON);
  }

  @Test
  void utf16OrBinary_rejected_asBadJson() {
    byte[] utf16 = "{\"features\": [1, 2, 3], \"label\": 1}".getBytes(StandardCharsets.UTF_16LE);
    byte[] invalidUtf8 =
        "{\"features\": [1, 2, 3], \"label\": 1, \"x\": \"\u00ff\"}"
            .getBytes(StandardCharsets.ISO_8859_1);
    byte[] binary = {(byte) 0xac, (byte) 0xed, 0, 5, 115, 114};

    assertThat(rejected(POSITIONAL, utf16).getMessage()).contains("not UTF-8");
    assertThat(rejected(POSITIONAL, invalidUtf8).reason()).isEqualTo(RejectReason.BAD_JSON);
    assertThat(rejected(POSITIONAL, binary).reason()).isEqualTo(RejectReason.BAD_JSON);
    assertThat(rejected(POSITIONAL, (byte[]) null).reason()).isEqualTo(RejectReason.BAD_JSON);
    assertThat(rejected(POSITIONAL, "").getMessage()).isEqualTo("record value is empty");
    assertThat(rejected(POSITIONAL, " \n ").getMessage()).isEqualTo("record value is empty");
  }

  @Test
  void byteOrderMarkAndWhitespace_accepted() {
    byte[] json =
        "\ufeff \n{\"features\": [1, 2, 3], \"label\": 1}\n".getBytes(StandardCharsets.UTF_8);

    assertThat(new ExampleParser(POSITIONAL).parse(json).label()).containsExactly(1f);
  }

  @Test
  void valueAboveTheLimit_rejected_asOversize() {
    ExampleParser parser = new ExampleParser(POSITIONAL, 40);
    byte[] small = "{\"features\":[1,2,3],\"label\":1}".getBytes(StandardCharsets.UTF_8);
    byte[] big =
        ("{\"features\":[1,2,3],\"label\":1,\"pad\":\"" + "x".repeat(20) + "\"}")
            .getBytes(StandardCharsets.UTF_8);

    assertThat(parser.parse(small).features()).containsExactly(1f, 2f, 3f);
    assertThatThrownBy(() -> parser.parse(big))
        .isInstanceOf(ExampleException.class)
        .hasMessage("record value is " + big.length + " bytes, more than the limit of 40")
        .extracting(t -> ((ExampleException) t).reason())
        .isEqualTo(RejectReason.OVERSIZE);
  }

  @Test
  void defaultLimit_isOneMebibyte() {
    assertThat(new ExampleParser(POSITIONAL).maxBytes()).isEqualTo(1 << 20);
  }
}
