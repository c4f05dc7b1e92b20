package io.streamprop.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamprop.spec.SpecException;
import io.streamprop.spec.SpecJson;
import org.junit.jupiter.api.Test;

/** Jackson's own messages, read as a user reads them: about the input, not about Jackson. */
class JsonErrorsTest {
  private static final ObjectMapper STRICT =
      new ObjectMapper()
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

  private static String messageFor(String json) {
    JsonProcessingException e =
        catchThrowableOfType(JsonProcessingException.class, () -> STRICT.readTree(json));
    assertThat(e).as(json).isNotNull();
    return JsonErrors.message(e);
  }

  @Test
  void anUnclosedObject_saysSo_withoutJacksonsSourceLocation() {
    assertThat(messageFor("{\"features\": {\"a\": 1}"))
        .isEqualTo("Unexpected end-of-input: expected close marker for Object");
  }

  @Test
  void aNameGivenTwice_namesIt_withoutJacksonsNodeClassOrSetting() {
    assertThat(messageFor("{\"sex\": \"male\", \"sex\": \"female\"}"))
        .isEqualTo("Duplicate field 'sex'");
  }

  @Test
  void twoValues_sayTheTrailingToken_withoutTheBoundTypeOrSetting() {
    assertThat(messageFor("{\"a\": 1} {\"b\": 2}"))
        .isEqualTo("Trailing token (of type START_OBJECT) found after value");
  }

  @Test
  void everyMessage_isFreeOfJacksonsWords() {
    for (String json :
        new String[] {
          "{\"a\": ", "{\"a\": 1, \"a\": 2}", "[1] [2]", "{\"a\" 1}", "nul", "{'a': 1}"
        }) {
      assertThat(messageFor(json))
          .as(json)
          .isNotBlank()
          .doesNotContain("Source", "REDACTED", "Feature", "`", "com.fasterxml", "\n");
    }
  }

  @Test
  void aSpecOfTwoObjects_isOneLineAboutTheInput() {
    SpecException e =
        catchThrowableOfType(
            SpecException.class, () -> SpecJson.parse("{\"inputs\": 2} {\"inputs\": 3}"));
    assertThat(e.getMessage())
        .contains("not valid JSON: Trailing token")
        .doesNotContain("DeserializationFeature", "com.fasterxml");
  }
}
