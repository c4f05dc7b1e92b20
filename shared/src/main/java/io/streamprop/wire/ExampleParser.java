package io.streamprop.wire;

import io.streamprop.spec.ModelSpec;

/**
 * Parses the JSON value of an {@code examples} record, {@code {"features": [...], "label": ...}},
 * straight into float arrays, and validates it against a spec (width, finiteness, label range,
 * feature names). Thread-safe.
 */
public final class ExampleParser {

  public ExampleParser(ModelSpec spec) {
    throw new UnsupportedOperationException("not written yet");
  }

  /**
   * @throws ExampleException with the reason and a message a person can act on
   */
  public Example parse(byte[] json) {
    throw new UnsupportedOperationException("not written yet");
  }
}
