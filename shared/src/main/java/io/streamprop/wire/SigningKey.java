package io.streamprop.wire;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A secret shared by trainer and scorer that signs snapshots with HMAC-SHA256 (RFC 2104, FIPS
 * 198-1). The key is at least {@link #MIN_BYTES} bytes (the HMAC-SHA256 output size; shorter keys
 * weaken it, RFC 2104 §3). It comes from configuration: {@value #CONFIG_KEY} holds it in base64, or
 * {@value #CONFIG_KEY_FILE} names a file whose content is the base64 key (surrounding whitespace
 * ignored), for keys mounted as secrets. {@link #toString()} never shows the key.
 */
public final class SigningKey {
  /** Config key: the signing key in base64 (standard alphabet, padding optional). */
  public static final String CONFIG_KEY = "streamprop.snapshot.signing.key";

  /** Config key: path of a file holding the signing key in base64. */
  public static final String CONFIG_KEY_FILE = "streamprop.snapshot.signing.key.file";

  /** Shortest key accepted: 32 bytes, the size of an HMAC-SHA256 output. */
  public static final int MIN_BYTES = 32;

  /** Bytes of an HMAC-SHA256 signature. */
  public static final int SIGNATURE_BYTES = 32;

  private static final String ALGORITHM = "HmacSHA256";

  private final SecretKeySpec key;

  private SigningKey(byte[] raw) {
    if (raw.length < MIN_BYTES) {
      throw new IllegalArgumentException(
          "snapshot signing key is "
              + raw.length
              + " bytes; it needs at least "
              + MIN_BYTES
              + " (generate one with: openssl rand -base64 32)");
    }
    this.key = new SecretKeySpec(raw.clone(), ALGORITHM);
  }

  /** A key from raw bytes (at least 32). */
  public static SigningKey of(byte[] raw) {
    if (raw == null) {
      throw new IllegalArgumentException("snapshot signing key is missing (null)");
    }
    return new SigningKey(raw);
  }

  /** A key from its base64 text. */
  public static SigningKey fromBase64(String base64) {
    if (base64 == null || base64.isBlank()) {
      throw new IllegalArgumentException("snapshot signing key is empty");
    }
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(base64.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "snapshot signing key is not valid base64: " + e.getMessage(), e);
    }
    return new SigningKey(raw);
  }

  /** A key from a file holding its base64 text. */
  public static SigningKey fromFile(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read the snapshot signing key file " + file + ": " + e, e);
    }
    try {
      return fromBase64(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage() + " (in file " + file + ")", e);
    }
  }

  /**
   * The key configured in {@code config} under {@value #CONFIG_KEY} or {@value #CONFIG_KEY_FILE},
   * or null when neither is set (blank counts as unset).
   *
   * @throws IllegalArgumentException if both are set, or the key is unreadable, not base64, or
   *     shorter than 32 bytes
   */
  public static SigningKey fromConfig(Map<String, ?> config) {
    String inline = text(config.get(CONFIG_KEY));
    String file = text(config.get(CONFIG_KEY_FILE));
    if (inline != null && file != null) {
      throw new IllegalArgumentException(
          "set only one of " + CONFIG_KEY + " and " + CONFIG_KEY_FILE + ", not both");
    }
    if (inline != null) {
      return fromBase64(inline);
    }
    return file == null ? null : fromFile(Path.of(file));
  }

  private static String text(Object value) {
    return value == null || value.toString().isBlank() ? null : value.toString().strip();
  }

  /** The HMAC-SHA256 of {@code bytes[offset, offset + length)}: 32 bytes. */
  public byte[] sign(byte[] bytes, int offset, int length) {
    try {
      // Mac instances are not thread-safe; a fresh one per call keeps this class shareable.
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      mac.update(bytes, offset, length);
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available in this JVM", e);
    }
  }

  /**
   * True if {@code signature} is the HMAC-SHA256 of the given bytes. The comparison takes the same
   * time wherever the first differing byte is ({@link MessageDigest#isEqual}), so response timing
   * leaks nothing about the expected signature.
   */
  public boolean verify(byte[] bytes, int offset, int length, byte[] signature) {
    return MessageDigest.isEqual(sign(bytes, offset, length), signature);
  }

  @Override
  public String toString() {
    return "SigningKey[HmacSHA256, " + key.getEncoded().length + " bytes, hidden]";
  }
}
