package io.streamprop.spec;

/**
 * Reads, validates and writes model specs as JSON (format in {@code docs/spec.md}). Missing fields
 * take defaults chosen to work on tabular data without tuning.
 */
public final class SpecJson {
  private SpecJson() {}

  /**
   * Parses and validates a spec.
   *
   * @throws SpecException naming the field and the bad value
   */
  public static ModelSpec parse(String json) {
    throw new UnsupportedOperationException("not written yet");
  }

  /** The full spec with every field written out; {@link #parse} of it gives an equal spec. */
  public static String write(ModelSpec spec) {
    throw new UnsupportedOperationException("not written yet");
  }
}
