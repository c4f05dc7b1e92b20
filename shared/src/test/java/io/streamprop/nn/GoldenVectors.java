package io.streamprop.nn;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reading golden vectors written by the PyTorch scripts in {@code shared/src/test/python}, and the
 * one tolerance every golden test holds the engine to: float32 precision, |java − torch| ≤ ABS +
 * REL·|torch|.
 */
public final class GoldenVectors {
  public static final double ABS = 2e-5;
  public static final double REL = 2e-5;

  private GoldenVectors() {}

  /** A JSON array of numbers as floats. */
  public static float[] floats(JsonNode array) {
    float[] values = new float[array.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) array.get(i).asDouble();
    }
    return values;
  }

  /** Fails naming the first element of {@code actual} that is not within the tolerance. */
  public static void assertClose(String what, float[] actual, float[] expected) {
    assertThat(actual).as(what + " length").hasSameSizeAs(expected);
    for (int i = 0; i < expected.length; i++) {
      double diff = Math.abs((double) actual[i] - expected[i]);
      if (!(diff <= ABS + REL * Math.abs(expected[i]))) {
        throw new AssertionError(
            String.format(
                "%s[%d]: java %.8g vs torch %.8g (|diff| %.3g)",
                what, i, actual[i], expected[i], diff));
      }
    }
  }
}
