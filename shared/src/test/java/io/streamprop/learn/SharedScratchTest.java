package io.streamprop.learn;

import static io.streamprop.learn.state.SameState.assertSameState;

import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The training kernels' work arrays are the thread's, shared by every learner that steps on it
 * ({@code io.streamprop.nn.kernel.KernelScratch}). Learners of different shapes (narrow and wide
 * layers, one to three hidden layers, mini-batches 1 to 32) stepping in turn on one thread, as a
 * trainer's many models do, must each end bit for bit where it ends alone: no learner may read what
 * another left in the scratch.
 */
class SharedScratchTest {
  private static final String[] SPECS = {
    "{\"inputs\": 8, \"classes\": 2, \"hidden\": [16], \"batch_size\": 4, \"seed\": 1}",
    "{\"inputs\": 54, \"classes\": 7, \"hidden\": [64, 32], \"batch_size\": 32, \"seed\": 2}",
    "{\"inputs\": 3, \"classes\": 5, \"hidden\": [2, 9, 4], \"batch_size\": 1, \"seed\": 3}",
    "{\"inputs\": 20, \"task\": \"regression\", \"targets\": 2, \"hidden\": [7], \"batch_size\": 8,"
        + " \"seed\": 4}",
    "{\"inputs\": 130, \"classes\": 3, \"hidden\": [5], \"batch_size\": 16, \"seed\": 5}"
  };
  private static final int EXAMPLES = 400;

  @Test
  void learnersSteppingInTurnOnOneThread_endAsEachAlone() {
    ModelSpec[] specs = new ModelSpec[SPECS.length];
    OnlineLearner[] alone = new OnlineLearner[SPECS.length];
    OnlineLearner[] together = new OnlineLearner[SPECS.length];
    for (int m = 0; m < SPECS.length; m++) {
      specs[m] = SpecJson.parse(SPECS[m]);
      alone[m] = OnlineLearner.create(specs[m]);
      together[m] = OnlineLearner.create(specs[m]);
      SplittableRandom random = new SplittableRandom(m);
      for (int i = 0; i < EXAMPLES; i++) {
        alone[m].learn(features(specs[m], random), label(specs[m], random));
      }
    }
    SplittableRandom[] randoms = new SplittableRandom[SPECS.length];
    for (int m = 0; m < SPECS.length; m++) {
      randoms[m] = new SplittableRandom(m);
    }
    for (int i = 0; i < EXAMPLES; i++) {
      for (int m = 0; m < SPECS.length; m++) {
        int model = (i % 2 == 0) ? m : SPECS.length - 1 - m; // both orders
        together[model].learn(
            features(specs[model], randoms[model]), label(specs[model], randoms[model]));
      }
    }

    for (int m = 0; m < SPECS.length; m++) {
      assertSameState(together[m].state(), alone[m].state());
    }
  }

  private static float[] features(ModelSpec spec, SplittableRandom random) {
    float[] x = new float[spec.inputs()];
    for (int j = 0; j < x.length; j++) {
      x[j] = (float) (4 * random.nextDouble() - 2);
    }
    return x;
  }

  private static float[] label(ModelSpec spec, SplittableRandom random) {
    if (spec.task() == ModelSpec.Task.REGRESSION) {
      return new float[] {(float) random.nextGaussian(), (float) random.nextGaussian()};
    }
    return new float[] {random.nextInt(spec.outputs())};
  }
}
