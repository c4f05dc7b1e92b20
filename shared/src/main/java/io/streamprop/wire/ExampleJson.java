package io.streamprop.wire;

import io.streamprop.spec.ModelSpec.Task;
import java.nio.charset.StandardCharsets;

/**
 * Writes examples in the {@code examples} topic's JSON form, for producers and tests: {@code
 * {"features":[5.1,3.5,1.4,0.2],"label":0}}. Floats are written with {@link Float#toString}, which
 * {@link ExampleParser} reads back to the very same float. What a producer in another language
 * writes instead is in {@code docs/examples.md}.
 */
public final class ExampleJson {
  private ExampleJson() {}

  /**
   * The example as JSON text.
   *
   * @param features all finite
   * @param label classification: one class index ({@code label[0]}, written as an integer);
   *     regression: the targets (one target is written as a number, more as a list)
   * @throws IllegalArgumentException for a non-finite value or a non-integral class index
   */
  public static String write(float[] features, float[] label, Task task) {
    StringBuilder out = new StringBuilder(16 + 12 * features.length);
    out.append("{\"features\":[");
    for (int i = 0; i < features.length; i++) {
      if (i > 0) {
        out.append(',');
      }
      appendFinite(out, features[i], "features[" + i + "]");
    }
    out.append("],\"label\":");
    if (task == Task.CLASSIFICATION) {
      if (label.length != 1) {
        throw new IllegalArgumentException(
            "a classification label is one class index, got " + label.length + " values");
      }
      float c = label[0];
      if (!(c >= 0) || c != Math.rint(c) || c > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("label must be a class index >= 0, got " + c);
      }
      out.append((int) c);
    } else if (label.length == 1) {
      appendFinite(out, label[0], "label");
    } else {
      out.append('[');
      for (int i = 0; i < label.length; i++) {
        if (i > 0) {
          out.append(',');
        }
        appendFinite(out, label[i], "label[" + i + "]");
      }
      out.append(']');
    }
    return out.append('}').toString();
  }

  /** {@link #write} as UTF-8 bytes, ready to be a record value. */
  public static byte[] writeBytes(float[] features, float[] label, Task task) {
    return write(features, label, task).getBytes(StandardCharsets.US_ASCII);
  }

  private static void appendFinite(StringBuilder out, float value, String field) {
    if (!Float.isFinite(value)) {
      throw new IllegalArgumentException(field + " must be finite, got " + value);
    }
    out.append(value);
  }
}
