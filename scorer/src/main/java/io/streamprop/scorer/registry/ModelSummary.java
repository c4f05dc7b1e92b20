package io.streamprop.scorer.registry;

import java.time.Instant;

/**
 * What the registry knows of a served model without decoding it: enough for the per-model gauges
 * and the version checks, kept in memory for every model whether or not its decoded form is.
 *
 * @param version the served snapshot's version
 * @param examples examples the model had learned from when the snapshot was taken
 * @param snapshotCreatedAt when the trainer wrote the snapshot
 */
public record ModelSummary(long version, long examples, Instant snapshotCreatedAt) {

  static ModelSummary of(ServedModel model) {
    return new ModelSummary(
        model.version(), model.info().examples(), model.info().snapshotCreatedAt());
  }
}
