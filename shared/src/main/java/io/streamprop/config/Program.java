package io.streamprop.config;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The programs that read a configuration, each with its keys. One properties file (or one
 * environment) may serve them all: a program ignores the keys of the others, and refuses a key that
 * none of them knows under a namespace they use ({@code streamprop.http.prot}), as a typo.
 */
public enum Program {
  TRAINER("trainer", TrainerKeys.DEFAULTS),
  SCORER("scorer", ScorerKeys.DEFAULTS),
  /** The command line's cluster commands ({@code produce}, {@code model}): the topic names. */
  COMMAND_LINE("command-line", Topics.DEFAULTS);

  private final String label;
  private final Map<String, String> defaults;

  Program(String label, Map<String, String> defaults) {
    this.label = label;
    this.defaults = defaults;
  }

  /** The program's name in messages: "unknown scorer key". */
  String label() {
    return label;
  }

  /** Every key the program reads, with its default ("" for "not set"). */
  Map<String, String> defaults() {
    return defaults;
  }

  /** Whether any program reads {@code key}. */
  static boolean anyKnows(String key) {
    for (Program program : values()) {
      if (program.defaults.containsKey(key)) {
        return true;
      }
    }
    return false;
  }

  /** Every known {@code streamprop.} key under {@code streamprop.<namespace>.}, sorted. */
  static Set<String> keysUnder(String namespace) {
    Set<String> keys = new TreeSet<>();
    for (Program program : values()) {
      for (String key : program.defaults.keySet()) {
        if (namespace.equals(namespaceOf(key))) {
          keys.add(key);
        }
      }
    }
    return keys;
  }

  /** {@code http} for {@code streamprop.http.port}; null for a key outside {@code streamprop.}. */
  static String namespaceOf(String key) {
    if (!key.startsWith(Settings.PREFIX)) {
      return null;
    }
    String rest = key.substring(Settings.PREFIX.length());
    int dot = rest.indexOf('.');
    return dot < 0 ? rest : rest.substring(0, dot);
  }
}
