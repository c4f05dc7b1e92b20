package io.streamprop.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Reads a program's configuration, the one way every streamprop program does. Four layers, each
 * overriding the one before:
 *
 * <ol>
 *   <li>the program's built-in defaults ({@link TrainerKeys}, {@link ScorerKeys}, {@link Topics});
 *   <li>the properties file ({@code --config FILE}); Java properties files have no inline comments:
 *       {@code k=v # note} makes {@code v # note} the value;
 *   <li>the environment, by {@link EnvironmentVariables}' rule;
 *   <li>flags ({@code --bootstrap-server}, {@code --port}, ...).
 * </ol>
 *
 * Keys and values are trimmed. Keys that start with {@code streamprop.} are the programs' own: a
 * key of another program is dropped (one file may serve all), and a key that no program knows under
 * a namespace one of them uses ({@code streamprop.http.prot}) is an error that names it and where
 * it was set. Every other key is a Kafka property and is kept as it is, to pass through to the
 * Kafka clients. {@code bootstrap.servers} must be set.
 */
public final class ConfigLoader {
  /** The one key every program needs: where Kafka is. */
  public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";

  private ConfigLoader() {}

  /**
   * The merged and checked configuration of {@code program}.
   *
   * @throws ConfigException if the file cannot be read, a key is unknown, or {@value
   *     #BOOTSTRAP_SERVERS} is not set
   */
  public static Settings load(Program program, ConfigSources sources) {
    Map<String, String> values = new TreeMap<>(program.defaults());
    Map<String, String> origins = new TreeMap<>();
    if (sources.file() != null) {
      String origin = sources.file().toString();
      readFile(sources.file(), sources.fileOption())
          .forEach((key, value) -> put(values, origins, key, value, origin));
    }
    new TreeMap<>(sources.environment())
        .forEach(
            (variable, value) -> {
              String key = EnvironmentVariables.keyFor(variable);
              if (key != null) {
                put(values, origins, key, value, "environment variable " + variable);
              }
            });
    sources.flags().forEach((key, value) -> put(values, origins, key, value, "the command line"));
    checkKeys(program, values, origins);
    if (values.getOrDefault(BOOTSTRAP_SERVERS, "").isEmpty()) {
      throw new ConfigException(
          BOOTSTRAP_SERVERS
              + " is not set: pass --bootstrap-server HOST:PORT, set "
              + BOOTSTRAP_SERVERS
              + " in the "
              + sources.fileOption()
              + " file, or set "
              + EnvironmentVariables.variableFor(BOOTSTRAP_SERVERS));
    }
    return new Settings(program, values, origins);
  }

  private static void put(
      Map<String, String> values,
      Map<String, String> origins,
      String key,
      String value,
      String origin) {
    values.put(key.strip(), value.strip());
    origins.put(key.strip(), origin);
  }

  /** Drops the other programs' keys; refuses keys no program knows in a namespace they use. */
  private static void checkKeys(
      Program program, Map<String, String> values, Map<String, String> origins) {
    for (Iterator<String> keys = values.keySet().iterator(); keys.hasNext(); ) {
      String key = keys.next();
      String namespace = Program.namespaceOf(key);
      if (namespace == null || program.defaults().containsKey(key)) {
        continue;
      }
      if (!Program.anyKnows(key) && !Program.keysUnder(namespace).isEmpty()) {
        throw new ConfigException(
            "unknown "
                + program.label()
                + " key '"
                + key
                + "' (from "
                + origins.get(key)
                + "); the keys under "
                + Settings.PREFIX
                + namespace
                + ". are "
                + String.join(", ", Program.keysUnder(namespace)));
      }
      keys.remove();
      origins.remove(key);
    }
  }

  private static Map<String, String> readFile(Path file, String option) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (NoSuchFileException e) {
      throw new ConfigException(
          "cannot read config file: " + option + ": no such file: " + file, e);
    } catch (IOException | IllegalArgumentException e) {
      // Properties.load throws IllegalArgumentException on a malformed \\uXXXX escape.
      throw new ConfigException(
          "cannot read config file: " + option + " " + file + ": " + e.getMessage(), e);
    }
    Map<String, String> result = new TreeMap<>();
    for (String name : properties.stringPropertyNames()) {
      result.put(name, properties.getProperty(name));
    }
    return result;
  }
}
