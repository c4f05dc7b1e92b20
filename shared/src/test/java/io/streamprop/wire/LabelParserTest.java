package io.streamprop.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.streamprop.spec.SpecJson;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * {@link LabelParser}: the id of a label record's key, the record's value, and the label against a
 * model's spec; every reject reason each can give, with the field it names, and what is kept as
 * given.
 */
class LabelParserTest {
  private static final int MAX = 1 << 10;
  private static final ExampleParser IRIS =
      new ExampleParser(
          SpecJson.parse(
              "{\"inputs\": 4, \"classes\": 3, \"class_names\": [\"a\", \"b\", \"c\"]}"));
  private static final ExampleParser TWO_TARGETS =
      new ExampleParser(
          SpecJson.parse("{\"task\": \"regression\", \"inputs\": 2, \"targets\": 2}"));

  // ---- the id (the record key)

  @Test
  void id_utf8OfOneTo256Bytes_accepted() {
    assertThat(LabelParser.id(utf8("order-17"))).isEqualTo("order-17");
    assertThat(LabelParser.id(utf8("é".repeat(128)))).hasSize(128); // 256 bytes
  }

  @Test
  void id_missingEmptyOrTooLong_missingField() {
    assertRejected(
        () -> LabelParser.id(null), RejectReason.MISSING_FIELD, "id: the record has no key");
    assertRejected(() -> LabelParser.id(new byte[0]), RejectReason.MISSING_FIELD, "got 0");
    assertRejected(() -> LabelParser.id(new byte[257]), RejectReason.MISSING_FIELD, "got 257");
  }

  @Test
  void id_notUtf8_badJson() {
    assertRejected(
        () -> LabelParser.id(new byte[] {'a', (byte) 0xC3}),
        RejectReason.BAD_JSON,
        "id: the key is not valid UTF-8");
  }

  // ---- the value

  @Test
  void parse_keepsLabelAndWeightAsGiven_skipsOtherKeys() {
    LabelParser.Label l =
        parse("{\"id\": {\"x\": [1]}, \"label\": 1.50, \"model\": \"iris\", \"weight\": 5e-1}");
    assertThat(text(l.label())).isEqualTo("1.50");
    assertThat(l.model()).isEqualTo("iris");
    assertThat(text(l.weight())).isEqualTo("5e-1");
    assertThat(text(parse("{\"label\": [1, 2.5]}").label())).isEqualTo("[1, 2.5]");
    assertThat(text(parse("{\"label\": \"b\"}").label())).isEqualTo("\"b\"");
    assertThat(parse("{\"label\": 0}").model()).isNull();
    assertThat(parse("{\"label\": 0}").weight()).isNull();
  }

  @Test
  void parse_nullValue_badJson() {
    assertRejected(() -> LabelParser.parse(null, MAX), RejectReason.BAD_JSON, "no value");
  }

  @Test
  void parse_overTheLimit_oversize() {
    byte[] value = utf8("{\"label\": 1, \"pad\": \"" + "x".repeat(MAX) + "\"}");
    assertRejected(
        () -> LabelParser.parse(value, MAX), RejectReason.OVERSIZE, "more than the limit of 1024");
  }

  @Test
  void parse_badSyntaxOrShape_badJson() {
    assertBadJson("[1]", "must be a JSON object");
    assertBadJson("{\"label\": 1", "not valid JSON");
    assertBadJson("{\"label\": 1,}", "not valid JSON at byte");
    assertBadJson("{\"label\": 1} {\"label\": 2}", "found more after the label object");
    assertBadJson("{\"label\": 1, \"label\": 2}", "duplicate key \"label\"");
    assertBadJson("{\"label\": 1, \"model\": \"m\", \"model\": \"m\"}", "duplicate key \"model\"");
    assertBadJson("{\"label\": 1, \"weight\": 1, \"weight\": 1}", "duplicate key \"weight\"");
    assertBadJson("{\"label\": 1, \"model\": 7}", "model: expected a non-empty model id string");
    assertBadJson("{\"label\": 1, \"model\": \"\"}", "got \"\"");
    assertBadJson("{\"label\": {\"class\": 1}}", "label: expected a class index");
    assertBadJson("{\"label\": true}", "label: expected a class index");
  }

  @Test
  void parse_nullLabel_notFinite() {
    assertRejected(() -> parse("{\"label\": null}"), RejectReason.NOT_FINITE, "label:");
  }

  @Test
  void parse_noLabel_missingField() {
    assertRejected(
        () -> parse("{\"model\": \"iris\", \"weight\": 1}"),
        RejectReason.MISSING_FIELD,
        "label: missing");
  }

  @Test
  void parse_weightNegativeNotANumberOrBeyondFloat_weightInvalid() {
    for (String w : new String[] {"-1", "-0.5", "\"2\"", "null", "NaN", "1e39", "[1]"}) {
      assertRejected(
          () -> parse("{\"label\": 1, \"weight\": " + w + "}"),
          RejectReason.WEIGHT_INVALID,
          "weight: must be a finite number >= 0");
    }
    assertThat(text(parse("{\"label\": 1, \"weight\": 0}").weight())).isEqualTo("0");
  }

  // ---- the label against a spec

  @Test
  void label_classIndexOrName_readAsTheIndex() {
    assertThat(LabelParser.label(IRIS, utf8("2"))).containsExactly(2f);
    assertThat(LabelParser.label(IRIS, utf8("\"b\""))).containsExactly(1f);
    assertThat(LabelParser.label(TWO_TARGETS, utf8("[1.5, -2]"))).containsExactly(1.5f, -2f);
  }

  @Test
  void label_classOutOfRangeOrUnknownName_labelOutOfRange() {
    assertRejected(
        () -> LabelParser.label(IRIS, utf8("3")), RejectReason.LABEL_OUT_OF_RANGE, "0..2");
    assertRejected(
        () -> LabelParser.label(IRIS, utf8("1.5")), RejectReason.LABEL_OUT_OF_RANGE, "got 1.5");
    assertRejected(
        () -> LabelParser.label(IRIS, utf8("\"d\"")),
        RejectReason.LABEL_OUT_OF_RANGE,
        "\"d\" is not a class of this model");
  }

  @Test
  void label_wrongNumberOfTargets_wrongWidth() {
    assertRejected(
        () -> LabelParser.label(TWO_TARGETS, utf8("1")), RejectReason.WRONG_WIDTH, "got a single");
    assertRejected(
        () -> LabelParser.label(TWO_TARGETS, utf8("[1, 2, 3]")), RejectReason.WRONG_WIDTH, "got 3");
  }

  @Test
  void label_notFinite_notFinite() {
    assertRejected(
        () -> LabelParser.label(TWO_TARGETS, utf8("[1, 1e39]")), RejectReason.NOT_FINITE, "label");
  }

  @Test
  void label_stringForARegression_badJson() {
    assertRejected(
        () -> LabelParser.label(TWO_TARGETS, utf8("\"x\"")), RejectReason.BAD_JSON, "label:");
    assertRejected(() -> LabelParser.label(IRIS, utf8("[1")), RejectReason.BAD_JSON, "label");
  }

  private static LabelParser.Label parse(String value) {
    return LabelParser.parse(utf8(value), MAX);
  }

  private static void assertBadJson(String value, String message) {
    assertRejected(() -> parse(value), RejectReason.BAD_JSON, message);
  }

  private static void assertRejected(Supplier<?> call, RejectReason reason, String message) {
    ExampleException e = catchThrowableOfType(ExampleException.class, call::get);
    assertThat(e).as("rejected with %s", reason).isNotNull();
    assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
    assertThat(e.getMessage()).contains(message);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
