package io.streamprop.config;

import io.streamprop.wire.SigningKey;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A program's configuration as {@link ConfigLoader} merged it: its own keys (each with a value, the
 * default if no layer set it) and the Kafka properties to pass through. The typed getters check the
 * value and fail with a message that names the key, the value and where it was set: {@code
 * streamprop.http.port must be an integer, got 'x' (from environment variable
 * STREAMPROP_HTTP_PORT)}.
 */
public final class Settings {
  /** Prefix of the programs' own keys; every other key is a Kafka property. */
  public static final String PREFIX = "streamprop.";

  private final Program program;
  private final Map<String, String> values;
  private final Map<String, String> origins;

  Settings(Program program, Map<String, String> values, Map<String, String> origins) {
    this.program = program;
    this.values = Map.copyOf(values);
    this.origins = Map.copyOf(origins);
  }

  /** The value of {@code key}, or "" when it has none. */
  public String string(String key) {
    return values.getOrDefault(key, "");
  }

  /** The value of {@code key}, or empty when it is not set (or blank). */
  public Optional<String> optional(String key) {
    String value = string(key);
    return value.isEmpty() ? Optional.empty() : Optional.of(value);
  }

  /** An integer in {@code [min, max]}. */
  public int integer(String key, int min, int max) {
    String value = string(key);
    int parsed;
    try {
      parsed = Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw invalid(key, "must be an integer, got '" + value + "'");
    }
    if (parsed < min || parsed > max) {
      throw invalid(key, "must be " + range(min, max) + ", got " + value);
    }
    return parsed;
  }

  /** A finite number in {@code [min, max]}. */
  public double number(String key, double min, double max) {
    String value = string(key);
    double parsed;
    try {
      parsed = Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw invalid(key, "must be a number, got '" + value + "'");
    }
    if (!(parsed >= min && parsed <= max)) {
      throw invalid(key, "must be " + range(plain(min), plain(max)) + ", got " + value);
    }
    return parsed;
  }

  /** {@code true} or {@code false}, in any case. */
  public boolean bool(String key) {
    String value = string(key).toLowerCase(Locale.ROOT);
    if (!value.equals("true") && !value.equals("false")) {
      throw invalid(key, "must be true or false, got '" + string(key) + "'");
    }
    return value.equals("true");
  }

  /**
   * The key snapshots are signed with ({@value SigningKey#CONFIG_KEY} in base64, or {@value
   * SigningKey#CONFIG_KEY_FILE}), or null when neither is set; see {@code docs/security.md}.
   */
  public SigningKey signingKey() {
    try {
      return SigningKey.fromConfig(values);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage(), e);
    }
  }

  /** Every key outside {@code streamprop.}: the Kafka properties to pass through (a copy). */
  public Map<String, String> kafka() {
    Map<String, String> kafka = new TreeMap<>();
    values.forEach(
        (key, value) -> {
          if (!key.startsWith(PREFIX)) {
            kafka.put(key, value);
          }
        });
    return kafka;
  }

  /** A failure of {@code key}'s value: "KEY PROBLEM (from SOURCE)". */
  public ConfigException invalid(String key, String problem) {
    return new ConfigException(key + " " + problem + from(key));
  }

  /** " (from SOURCE)" for a key some layer set, "" for a default. */
  String from(String key) {
    String origin = origins.get(key);
    return origin == null ? "" : " (from " + origin + ")";
  }

  private static String range(Object min, Object max) {
    if (max instanceof Integer m && m == Integer.MAX_VALUE) {
      return "at least " + min;
    }
    return "in [" + min + ", " + max + "]";
  }

  /** 1e9 as "1000000000", 0.5 as "0.5". */
  private static String plain(double value) {
    return value == Math.rint(value) && Math.abs(value) < 1e15
        ? Long.toString((long) value)
        : Double.toString(value);
  }

  /** Whether a key's value is hidden when the configuration is printed. */
  static boolean secret(String key) {
    return key.contains("password")
        || key.contains("jaas")
        || key.contains("secret")
        || key.endsWith(".tokens")
        || key.equals(SigningKey.CONFIG_KEY);
  }

  /** Every key and value, secrets hidden: for the log. */
  @Override
  public String toString() {
    Map<String, String> shown = new TreeMap<>(values);
    shown.replaceAll((key, value) -> secret(key) && !value.isEmpty() ? "[hidden]" : value);
    return program.label() + " configuration " + shown;
  }
}
