package io.streamprop.scorer.config;

/** Configuration that cannot be used; the message names the key or argument and the bad value. */
public final class ConfigException extends IllegalArgumentException {
  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
