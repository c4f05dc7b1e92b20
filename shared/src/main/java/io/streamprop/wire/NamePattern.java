package io.streamprop.wire;

import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A pattern for state array names whose answers are remembered: a snapshot holds a few dozen names
 * and every model of a spec has the same ones, so a trainer that encodes and decodes thousands of
 * models a second would otherwise run the same regular expressions on the same strings millions of
 * times. The memo is bounded ({@value #MAX_REMEMBERED} names; past that, names are matched as they
 * come), so names from hostile snapshots cannot grow it.
 */
final class NamePattern {
  static final int MAX_REMEMBERED = 4096;

  /** The answer for a name that does not match. */
  private static final String[] NO_MATCH = new String[0];

  private final Pattern pattern;
  private final ConcurrentHashMap<String, String[]> remembered = new ConcurrentHashMap<>();

  NamePattern(String regex) {
    this.pattern = Pattern.compile(regex);
  }

  /** True if the whole name matches. */
  boolean matches(String name) {
    return groups(name) != null;
  }

  /**
   * The capturing groups of a whole-name match (index 0 is group 1), or null if the name does not
   * match. The array is shared: do not change it.
   */
  String[] groups(String name) {
    String[] groups = remembered.get(name);
    if (groups == null) {
      Matcher m = pattern.matcher(name);
      groups = NO_MATCH;
      if (m.matches()) {
        groups = new String[m.groupCount()];
        for (int g = 0; g < groups.length; g++) {
          groups[g] = m.group(g + 1);
        }
      }
      if (remembered.size() < MAX_REMEMBERED) {
        remembered.put(name, groups);
      }
    }
    return groups == NO_MATCH ? null : groups;
  }

  @Override
  public String toString() {
    return pattern.pattern();
  }
}
