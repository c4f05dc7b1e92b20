package io.streamprop.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SigningKeyTest {
  private static final String KEY_32 = Base64.getEncoder().encodeToString(new byte[32]);

  @Test
  void noKeyConfigured_fromConfig_null() {
    assertThat(SigningKey.fromConfig(Map.of())).isNull();
    assertThat(SigningKey.fromConfig(Map.of(SigningKey.CONFIG_KEY, " "))).isNull();
  }

  @Test
  void base64Key_fromConfig_signsLikeRawKey() {
    SigningKey key = SigningKey.fromConfig(Map.of(SigningKey.CONFIG_KEY, KEY_32));
    byte[] data = {1, 2, 3};

    assertThat(key.sign(data, 0, 3)).isEqualTo(SigningKey.of(new byte[32]).sign(data, 0, 3));
    assertThat(key.sign(data, 0, 3)).hasSize(SigningKey.SIGNATURE_BYTES);
  }

  @Test
  void keyFile_fromConfig_readsBase64WithNewline(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("key");
    Files.writeString(file, KEY_32 + "\n");

    SigningKey key = SigningKey.fromConfig(Map.of(SigningKey.CONFIG_KEY_FILE, file.toString()));

    byte[] data = {9};
    assertThat(key.verify(data, 0, 1, SigningKey.of(new byte[32]).sign(data, 0, 1))).isTrue();
  }

  @Test
  void shortKey_refused_namesTheLength() {
    String short16 = Base64.getEncoder().encodeToString(new byte[16]);

    assertThatThrownBy(() -> SigningKey.fromConfig(Map.of(SigningKey.CONFIG_KEY, short16)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("16 bytes; it needs at least 32");
  }

  @Test
  void notBase64_refused() {
    assertThatThrownBy(() -> SigningKey.fromBase64("not*base64!"))
        .hasMessageContaining("not valid base64");
  }

  @Test
  void missingFile_refused_namesTheFile(@TempDir Path dir) {
    Path missing = dir.resolve("nope");

    assertThatThrownBy(() -> SigningKey.fromFile(missing))
        .hasMessageContaining("cannot read the snapshot signing key file")
        .hasMessageContaining(missing.toString());
  }

  @Test
  void bothKeyAndFile_refused() {
    assertThatThrownBy(
            () ->
                SigningKey.fromConfig(
                    Map.of(SigningKey.CONFIG_KEY, KEY_32, SigningKey.CONFIG_KEY_FILE, "/x")))
        .hasMessageContaining("not both");
  }

  @Test
  void toString_hidesTheKey() {
    assertThat(SigningKey.fromBase64(KEY_32).toString()).contains("hidden").doesNotContain(KEY_32);
  }
}
