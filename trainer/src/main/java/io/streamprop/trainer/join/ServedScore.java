package io.streamprop.trainer.join;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import java.io.IOException;

/**
 * How good a served prediction was, once its label is known: the loss and whether it was right, of
 * the prediction as logged (not of the model now). Classification: log loss {@code -ln p[y]} (p
 * floored at {@value #MIN_PROBABILITY}) and whether the most probable class (the first, on a tie)
 * is {@code y}; regression: the squared error averaged over the targets, no accuracy.
 *
 * @param loss the loss, NaN when the prediction cannot be read
 * @param correct 1 right, 0 wrong, -1 not a classification (or unreadable)
 */
record ServedScore(double loss, int correct) {
  static final double MIN_PROBABILITY = 1e-15;

  private static final JsonFactory FACTORY =
      JsonFactory.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

  static final ServedScore UNREADABLE = new ServedScore(Double.NaN, -1);

  /**
   * Scores {@code prediction} (the logged JSON: {@code {"class", "probabilities"}}, a number, a
   * list, or {@code {"value"}} / {@code {"values"}}) against {@code label} (the class index, or the
   * targets).
   */
  static ServedScore of(byte[] prediction, float[] label, boolean classification) {
    try (JsonParser p = FACTORY.createParser(prediction)) {
      JsonToken t = p.nextToken();
      double[] values = null;
      if (t == JsonToken.START_OBJECT) {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String key = p.currentName();
          JsonToken v = p.nextToken();
          if (key.equals("probabilities") || key.equals("value") || key.equals("values")) {
            values = numbers(p, v, label.length);
          } else {
            p.skipChildren();
          }
        }
      } else {
        values = numbers(p, t, label.length);
      }
      if (values == null) {
        return UNREADABLE;
      }
      return classification ? classification(values, (int) label[0]) : regression(values, label);
    } catch (IOException | RuntimeException e) {
      return UNREADABLE;
    }
  }

  private static ServedScore classification(double[] probabilities, int y) {
    if (y < 0 || y >= probabilities.length) {
      return UNREADABLE;
    }
    int best = 0;
    for (int k = 1; k < probabilities.length; k++) {
      if (probabilities[k] > probabilities[best]) {
        best = k;
      }
    }
    double loss = -StrictMath.log(Math.max(probabilities[y], MIN_PROBABILITY));
    return new ServedScore(loss, best == y ? 1 : 0);
  }

  private static ServedScore regression(double[] values, float[] targets) {
    if (values.length != targets.length) {
      return UNREADABLE;
    }
    double sum = 0;
    for (int i = 0; i < values.length; i++) {
      double d = values[i] - targets[i]; // dLoss/dValue = 2d / n: the error the model would learn
      sum += d * d;
    }
    return new ServedScore(sum / values.length, -1);
  }

  /** A number (a list of one) or a list of numbers; null for anything else. */
  private static double[] numbers(JsonParser p, JsonToken t, int hint) throws IOException {
    if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
      return new double[] {p.getDoubleValue()};
    }
    if (t != JsonToken.START_ARRAY) {
      p.skipChildren();
      return null;
    }
    double[] values = new double[Math.max(hint, 4)];
    int n = 0;
    JsonToken v;
    while ((v = p.nextToken()) == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_NUMBER_FLOAT) {
      if (n == values.length) {
        values = java.util.Arrays.copyOf(values, 2 * n);
      }
      values[n++] = p.getDoubleValue();
    }
    if (v != JsonToken.END_ARRAY) {
      return null;
    }
    return java.util.Arrays.copyOf(values, n);
  }
}
