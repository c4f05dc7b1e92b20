package io.streamprop.spec;

/**
 * Model ids: the Kafka record key of a model's examples, spec and snapshots, and the {@code model}
 * tag of its metrics. An id is 1 to 249 characters of {@code [A-Za-z0-9._-]}, the same alphabet and
 * length as a Kafka topic name, so an id is always safe in a topic name, a file name, a URL path
 * segment and a metric tag.
 */
public final class ModelIds {
  private ModelIds() {}

  public static final int MAX_LENGTH = 249;

  /**
   * Returns the id if it is valid.
   *
   * @throws IllegalArgumentException naming the problem (empty, too long, or the first bad
   *     character and its position)
   */
  public static String validate(String id) {
    if (id == null || id.isEmpty()) {
      throw new IllegalArgumentException("model id must not be empty");
    }
    if (id.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "model id must be at most " + MAX_LENGTH + " characters, got " + id.length());
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (!isAllowed(c)) {
        throw new IllegalArgumentException(
            "model id \""
                + SpecValidator.abbreviate(id)
                + "\" has "
                + describe(c)
                + " at position "
                + i
                + "; use only letters, digits, '.', '_' and '-'");
      }
    }
    return id;
  }

  /** True when {@link #validate} would accept the id. */
  public static boolean isValid(String id) {
    if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      if (!isAllowed(id.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isAllowed(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '.'
        || c == '_'
        || c == '-';
  }

  private static String describe(char c) {
    if (c >= 0x21 && c < 0x7f) {
      return "'" + c + "'";
    }
    return String.format("character U+%04X", (int) c);
  }
}
