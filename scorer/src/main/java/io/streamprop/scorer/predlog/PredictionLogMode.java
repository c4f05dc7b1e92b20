package io.streamprop.scorer.predlog;

import java.util.Locale;

/**
 * When the scorer answers a prediction relative to writing it to the prediction log ({@code
 * streamprop.prediction.log.mode}).
 */
public enum PredictionLogMode {
  /**
   * Answer once the broker has acknowledged every record of the request (acks=all, idempotent
   * producer); a failed write is a 503 and the predictions are not answered. Every answered
   * prediction is in the log.
   */
  ACKNOWLEDGED,
  /**
   * Answer at once; the records wait in a bounded buffer for the producer, and a record that finds
   * the buffer full is dropped and counted. A crash loses what the buffer and the producer held.
   */
  ASYNC,
  /** No log. */
  OFF;

  /** The mode a configuration value names ({@code acknowledged}, {@code async}, {@code off}). */
  public static PredictionLogMode parse(String value) {
    for (PredictionLogMode mode : values()) {
      if (mode.name().toLowerCase(Locale.ROOT).equals(value.strip().toLowerCase(Locale.ROOT))) {
        return mode;
      }
    }
    throw new IllegalArgumentException(
        "'" + value + "' is not a prediction log mode; use acknowledged, async or off");
  }

  /** The configuration value of this mode. */
  public String configValue() {
    return name().toLowerCase(Locale.ROOT);
  }
}
