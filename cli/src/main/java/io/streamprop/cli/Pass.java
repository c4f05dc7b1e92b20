package io.streamprop.cli;

import io.streamprop.features.FeatureRow;
import io.streamprop.learn.OnlineLearner;
import io.streamprop.learn.StepResult;
import io.streamprop.learn.population.PopulationLearner;
import io.streamprop.spec.ModelSpec;
import java.nio.file.Path;

/**
 * One prequential pass of a data file through a learner, in file order: every row goes to {@link
 * OnlineLearner#learn} (a featurized row, for a spec with raw {@code features}), which scores each
 * full mini-batch and then learns from it; the step results add up in a {@link Tally}. Rows that
 * fill no complete mini-batch by the end of the file stay pending inside the learner (as they would
 * in the trainer), neither scored nor learned yet.
 *
 * @param rows rows read from the file
 * @param tally prequential figures of the complete mini-batches
 * @param seconds wall time of the pass, reading and parsing included
 */
record Pass(long rows, Tally tally, double seconds) {

  static Pass run(OnlineLearner learner, Path data, Progress progress, String progressPrefix) {
    return run(learner.spec(), Learns.of(learner), data, progress, progressPrefix);
  }

  /** What learns the rows: a learner, or a population of them. */
  interface Learns {
    /** An example of a spec of numbers. */
    StepResult learn(float[] features, float[] label);

    /** A featurized example of a spec with raw features, of the given weight. */
    StepResult learn(float[] dense, int[][] ids, float[] label, float weight);

    static Learns of(OnlineLearner learner) {
      return new Learns() {
        @Override
        public StepResult learn(float[] features, float[] label) {
          return learner.learn(features, label);
        }

        @Override
        public StepResult learn(float[] dense, int[][] ids, float[] label, float weight) {
          return learner.learn(dense, ids, label, weight);
        }
      };
    }

    static Learns of(PopulationLearner population) {
      return new Learns() {
        @Override
        public StepResult learn(float[] features, float[] label) {
          return population.learn(features, label);
        }

        @Override
        public StepResult learn(float[] dense, int[][] ids, float[] label, float weight) {
          return population.learn(dense, ids, label, weight);
        }
      };
    }
  }

  /** A pass through anything that {@link Learns}, of the spec's shape. */
  static Pass run(
      ModelSpec spec, Learns learner, Path data, Progress progress, String progressPrefix) {
    Tally tally = new Tally(spec);
    long start = System.nanoTime();
    long[] rows = {0};
    try {
      if (spec.hasFeatures()) {
        DataReader.forEachRaw(
            data,
            spec,
            example -> {
              FeatureRow row = example.row();
              if (count(
                  learner.learn(row.dense(), row.ids(), example.label(), example.weight()),
                  rows,
                  tally)) {
                progress.update(progressPrefix, rows[0], tally);
              }
            });
      } else {
        DataReader.forEach(
            data,
            spec,
            (features, label) -> {
              if (count(learner.learn(features, label), rows, tally)) {
                progress.update(progressPrefix, rows[0], tally);
              }
            });
      }
    } finally {
      // Also on a bad row: the error message must start on a clean line.
      progress.finish();
    }
    return new Pass(rows[0], tally, (System.nanoTime() - start) / 1e9);
  }

  /** Counts one row and its step, if it completed a mini-batch; true if it did. */
  private static boolean count(StepResult step, long[] rows, Tally tally) {
    rows[0]++;
    if (step == null) {
      return false;
    }
    tally.add(step);
    return true;
  }

  /** Rows per second of wall time. */
  double rowsPerSecond() {
    return rows / Math.max(seconds, 1e-9);
  }
}
