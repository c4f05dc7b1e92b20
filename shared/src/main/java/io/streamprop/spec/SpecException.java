package io.streamprop.spec;

/** A spec that cannot be used; the message names the field and the bad value. */
public final class SpecException extends IllegalArgumentException {
  private final String field;

  public SpecException(String field, String message) {
    super(field + ": " + message);
    this.field = field;
  }

  /** The JSON path of the offending field, e.g. {@code optimizer.learning_rate}. */
  public String field() {
    return field;
  }
}
