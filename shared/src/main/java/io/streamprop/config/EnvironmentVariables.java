package io.streamprop.config;

import java.util.Locale;

/**
 * The one rule between environment variables and configuration keys. {@code STREAMPROP_X_Y} sets
 * {@code streamprop.x.y}; {@code KAFKA_X_Y} sets the Kafka property {@code x.y}. In both the name
 * is lower-cased, a single {@code _} becomes {@code .} and a double {@code __} stands for a literal
 * {@code _}: {@code KAFKA_SASL_JAAS_CONFIG} → {@code sasl.jaas.config}, {@code
 * KAFKA_PRODUCER_COMPRESSION_TYPE} → {@code producer.compression.type}, {@code KAFKA_A__B} → {@code
 * a_b}. Every other variable is ignored.
 */
public final class EnvironmentVariables {
  public static final String STREAMPROP_PREFIX = "STREAMPROP_";
  public static final String KAFKA_PREFIX = "KAFKA_";

  /** The rule in one line, for usage texts. */
  public static final String HELP =
      "Environment: STREAMPROP_X_Y sets streamprop.x.y, KAFKA_X_Y sets the Kafka property x.y"
          + " (__ stands for a literal _).";

  private EnvironmentVariables() {}

  /**
   * The key {@code variable} sets, or null when it sets none (not {@code STREAMPROP_} or {@code
   * KAFKA_}, or nothing after the prefix).
   */
  public static String keyFor(String variable) {
    if (variable.startsWith(STREAMPROP_PREFIX) && variable.length() > STREAMPROP_PREFIX.length()) {
      return dotted(variable);
    }
    if (variable.startsWith(KAFKA_PREFIX) && variable.length() > KAFKA_PREFIX.length()) {
      return dotted(variable.substring(KAFKA_PREFIX.length()));
    }
    return null;
  }

  /** The variable that sets {@code key}: the inverse of {@link #keyFor}. */
  public static String variableFor(String key) {
    String name = key.replace("_", "__").replace('.', '_').toUpperCase(Locale.ROOT);
    return key.startsWith(Settings.PREFIX) ? name : KAFKA_PREFIX + name;
  }

  private static String dotted(String name) {
    // "__" survives as "_", a single "_" becomes ".": split on the double first.
    String[] parts = name.toLowerCase(Locale.ROOT).split("__", -1);
    for (int i = 0; i < parts.length; i++) {
      parts[i] = parts[i].replace('_', '.');
    }
    return String.join("_", parts);
  }
}
