package io.streamprop.scorer.registry;

import java.time.Instant;

/**
 * What the scorer knows about a served snapshot besides its weights, for {@code GET /v1/models} and
 * the metrics.
 *
 * @param examples examples the model had learned from when the snapshot was taken
 * @param steps optimizer steps taken
 * @param skippedSteps steps skipped because loss or gradients were not finite
 * @param trainingLoss latest training (prequential) loss recorded in the snapshot, NaN if none
 * @param snapshotCreatedAt when the trainer wrote the snapshot (the Kafka record timestamp)
 * @param loadedAt when this scorer started serving it
 * @param loadSeconds time spent decoding, building and warming it, in seconds
 * @param snapshotBytes size of the encoded snapshot
 * @param specJson the spec as JSON, written once at load time (a population's: the user's spec)
 * @param population which member of a population is served and why; null for a single learner
 */
public record ModelInfo(
    long examples,
    long steps,
    long skippedSteps,
    double trainingLoss,
    Instant snapshotCreatedAt,
    Instant loadedAt,
    double loadSeconds,
    int snapshotBytes,
    String specJson,
    PopulationInfo population) {

  /** The information of a single learner's snapshot. */
  public ModelInfo(
      long examples,
      long steps,
      long skippedSteps,
      double trainingLoss,
      Instant snapshotCreatedAt,
      Instant loadedAt,
      double loadSeconds,
      int snapshotBytes,
      String specJson) {
    this(
        examples,
        steps,
        skippedSteps,
        trainingLoss,
        snapshotCreatedAt,
        loadedAt,
        loadSeconds,
        snapshotBytes,
        specJson,
        null);
  }
}
