package io.streamprop.cli;

import io.streamprop.learn.OnlineLearner;
import io.streamprop.learn.StepResult;
import io.streamprop.spec.ModelSpec;
import java.nio.file.Path;

/**
 * One prequential pass of a data file through a learner, in file order: every row goes to {@link
 * OnlineLearner#learn}, which scores each full mini-batch and then learns from it; the step results
 * add up in a {@link Tally}. Rows that fill no complete mini-batch by the end of the file stay
 * pending inside the learner (as they would in the trainer), neither scored nor learned yet.
 *
 * @param rows rows read from the file
 * @param tally prequential figures of the complete mini-batches
 * @param seconds wall time of the pass, reading and parsing included
 */
record Pass(long rows, Tally tally, double seconds) {

  static Pass run(OnlineLearner learner, Path data, Progress progress, String progressPrefix) {
    return run(learner.spec(), learner::learn, data, progress, progressPrefix);
  }

  /** What learns the rows: a learner, or a population of them. */
  interface Learns {
    StepResult learn(float[] features, float[] label);
  }

  /** A pass through anything that {@link Learns}, of the spec's shape. */
  static Pass run(
      ModelSpec spec, Learns learner, Path data, Progress progress, String progressPrefix) {
    Tally tally = new Tally(spec);
    long start = System.nanoTime();
    long[] rows = {0};
    try {
      DataReader.forEach(
          data,
          spec,
          (features, label) -> {
            StepResult step = learner.learn(features, label);
            rows[0]++;
            if (step != null) {
              tally.add(step);
              progress.update(progressPrefix, rows[0], tally);
            }
          });
    } finally {
      // Also on a bad row: the error message must start on a clean line.
      progress.finish();
    }
    return new Pass(rows[0], tally, (System.nanoTime() - start) / 1e9);
  }

  /** Rows per second of wall time. */
  double rowsPerSecond() {
    return rows / Math.max(seconds, 1e-9);
  }
}
