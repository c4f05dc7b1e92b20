package io.streamprop.trainer.config;

/** A configuration that cannot be used; the message names the key and what to do. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
