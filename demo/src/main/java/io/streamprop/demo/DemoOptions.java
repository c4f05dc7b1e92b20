package io.streamprop.demo;

import io.streamprop.spec.ModelIds;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What a demo run uses. A null {@code data} means the bundled dataset (UCI Letter Recognition, CC
 * BY 4.0); a null {@code spec} means the bundled spec for it, or for another file a spec inferred
 * from its header and labels; a null {@code duration} means until Ctrl-C. Port 0 picks a free port.
 * A null {@code labelDelay} streams labeled examples; a delay runs the simulated client instead
 * (predictions over HTTP, each label that long later: {@link DemoClient}). The defaults are those
 * of {@link DemoCommand}'s options.
 */
public record DemoOptions(
    Path data,
    Path spec,
    String modelId,
    double rate,
    Duration duration,
    int port,
    int metricsPort,
    Duration labelDelay) {

  public DemoOptions {
    if (!(rate > 0) || Double.isInfinite(rate)) {
      throw new IllegalArgumentException("--rate must be a positive number, got " + rate);
    }
    if (duration != null && (duration.isNegative() || duration.isZero())) {
      throw new IllegalArgumentException("--duration must be positive, got " + duration);
    }
    if (labelDelay != null && (labelDelay.isNegative() || labelDelay.isZero())) {
      throw new IllegalArgumentException("--label-delay must be positive, got " + labelDelay);
    }
    if (port < 0 || port > 65535 || metricsPort < 0 || metricsPort > 65535) {
      throw new IllegalArgumentException(
          "ports must be 0..65535, got --port " + port + " --metrics-port " + metricsPort);
    }
    if (port != 0 && port == metricsPort) {
      throw new IllegalArgumentException("--port and --metrics-port are both " + port);
    }
    try {
      ModelIds.validate(modelId);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--model: " + e.getMessage(), e);
    }
  }

  /** The options of a demo that streams labeled examples (no {@code --label-delay}). */
  public DemoOptions(
      Path data,
      Path spec,
      String modelId,
      double rate,
      Duration duration,
      int port,
      int metricsPort) {
    this(data, spec, modelId, rate, duration, port, metricsPort, null);
  }
}
