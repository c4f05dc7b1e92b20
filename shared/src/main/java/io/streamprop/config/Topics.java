package io.streamprop.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The names of the topics, as a program uses them: each name is configurable and {@value #PREFIX}
 * goes before all of them (for shared clusters), so {@code streamprop.topic.prefix=prod.} makes
 * {@code prod.examples}. The trainer, the scorer, the command line and the demo all take their
 * topic names from here. Contracts of the topics: {@code docs/topics.md}.
 *
 * @param examples labeled examples, keyed by model id
 * @param specs model specs (compacted)
 * @param snapshots model snapshots (compacted)
 * @param deadLetters records that cannot be trained on, unchanged, with the reason
 * @param predictions the prediction log: one record per predicted instance, keyed by its id
 * @param labels delayed labels, keyed by the id of the prediction they label
 */
public record Topics(
    String examples,
    String specs,
    String snapshots,
    String deadLetters,
    String predictions,
    String labels) {
  public static final String PREFIX = "streamprop.topic.prefix";
  public static final String EXAMPLES = "streamprop.topic.examples";
  public static final String SPECS = "streamprop.topic.specs";
  public static final String SNAPSHOTS = "streamprop.topic.snapshots";
  public static final String DEAD_LETTERS = "streamprop.topic.dead.letters";
  public static final String PREDICTIONS = "streamprop.topic.predictions";
  public static final String LABELS = "streamprop.topic.labels";

  /**
   * Prediction requests the scorer answers on {@code predictions} when it consumes them ({@link
   * #predictionRequests}); not a component of the record, which holds the topics every program
   * names.
   */
  public static final String PREDICTION_REQUESTS = "streamprop.topic.prediction.requests";

  /** The keys above with their defaults: no prefix, and the names of the contract. */
  public static final Map<String, String> DEFAULTS = defaults();

  // Kafka's own rule for topic names (org.apache.kafka.common.internals.Topic).
  private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

  private static Map<String, String> defaults() {
    Map<String, String> keys = new LinkedHashMap<>();
    keys.put(PREFIX, "");
    keys.put(EXAMPLES, "examples");
    keys.put(SPECS, "model-specs");
    keys.put(SNAPSHOTS, "model-snapshots");
    keys.put(DEAD_LETTERS, "dead-letters");
    keys.put(PREDICTIONS, "predictions");
    keys.put(LABELS, "labels");
    keys.put(PREDICTION_REQUESTS, "prediction-requests");
    return Collections.unmodifiableMap(keys);
  }

  /** The topics {@code settings} name: the prefix, then each name. */
  public static Topics from(Settings settings) {
    return new Topics(
        name(settings, EXAMPLES),
        name(settings, SPECS),
        name(settings, SNAPSHOTS),
        name(settings, DEAD_LETTERS),
        name(settings, PREDICTIONS),
        name(settings, LABELS));
  }

  /** The prediction requests topic {@code settings} name, prefix applied. */
  public static String predictionRequests(Settings settings) {
    return name(settings, PREDICTION_REQUESTS);
  }

  private static String name(Settings settings, String key) {
    String name = settings.string(PREFIX) + settings.string(key);
    if (settings.string(key).isEmpty() || !LEGAL.matcher(name).matches()) {
      throw new ConfigException(
          PREFIX
              + " + "
              + key
              + " = '"
              + name
              + "' is not a Kafka topic name (1 to 249 letters, digits, '.', '_' or '-')"
              + (settings.from(key).isEmpty() ? settings.from(PREFIX) : settings.from(key)));
    }
    return name;
  }
}
