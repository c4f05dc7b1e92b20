package io.streamprop.config;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where a program's configuration comes from, above its built-in defaults and in order of
 * precedence: a Java properties file, the environment, and flags (already turned into keys, such as
 * {@code --bootstrap-server} into {@code bootstrap.servers}; also the values a program that embeds
 * a service sets, as the demo does).
 *
 * @param file the properties file, or null for none
 * @param fileOption the option that named the file ({@code --config}), for messages
 * @param environment the process environment; see {@link EnvironmentVariables}
 * @param flags keys and values that override every other source
 */
public record ConfigSources(
    Path file, String fileOption, Map<String, String> environment, Map<String, String> flags) {

  public ConfigSources {
    environment = Map.copyOf(environment);
    flags = Map.copyOf(flags);
  }

  /** Values alone, above the defaults: no file, no environment. */
  public static ConfigSources of(Map<String, String> values) {
    return new ConfigSources(null, "--config", Map.of(), values);
  }
}
