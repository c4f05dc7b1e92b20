package io.streamprop.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ModelIdsTest {

  @Test
  void lettersDigitsDotsUnderscoresDashes_valid() {
    assertThat(ModelIds.validate("iris-v2.prod_1")).isEqualTo("iris-v2.prod_1");
    assertThat(ModelIds.isValid("a".repeat(249))).isTrue();
  }

  @Test
  void emptyOrNull_rejected() {
    assertThatThrownBy(() -> ModelIds.validate("")).hasMessageContaining("must not be empty");
    assertThatThrownBy(() -> ModelIds.validate(null)).hasMessageContaining("must not be empty");
    assertThat(ModelIds.isValid("")).isFalse();
  }

  @Test
  void tooLong_rejected_withLength() {
    assertThatThrownBy(() -> ModelIds.validate("a".repeat(250)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most 249")
        .hasMessageContaining("250");
  }

  @Test
  void badCharacter_rejected_namingItAndItsPosition() {
    assertThatThrownBy(() -> ModelIds.validate("iris/prod"))
        .hasMessage(
            "model id \"iris/prod\" has '/' at position 4; use only letters, digits, '.', '_' and"
                + " '-'");
    assertThatThrownBy(() -> ModelIds.validate("a b")).hasMessageContaining("U+0020");
    assertThat(ModelIds.isValid("modèle")).isFalse();
  }
}
