package io.streamprop.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs one invocation of each benchmark outside JMH, to prove that what the timer measures is the
 * work the score claims: 256 examples learned in whole steps, 256 examples predicted.
 */
class BenchmarkInvocationTest {

  @ParameterizedTest
  @ValueSource(ints = {1, 32, 256})
  void learnInvocation_anyBatch_stepsOverAll256Examples(int batch) {
    TrainBenchmark bench = new TrainBenchmark();
    bench.shape = EngineShape.S;
    bench.batch = batch;
    bench.setUp();

    double lossSum = bench.learn();

    // Random labels cannot be learned in 256 examples, so the summed loss stays near 256·ln 2;
    // a step skipped, or an invocation that covers fewer examples, would show far less.
    double chance = 256 * Math.log(2);
    assertThat(lossSum).isBetween(0.5 * chance, 3 * chance);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 32, 256})
  void predictInvocation_anyBatch_returnsProbabilities(int batch) {
    PredictBenchmark bench = new PredictBenchmark();
    bench.shape = EngineShape.M;
    bench.batch = batch;
    bench.setUp();

    double checksum = bench.predict();

    // one probability in (0, 1) per call, 256 / batch calls
    assertThat(checksum).isGreaterThan(0).isLessThan(256.0 / batch);
  }
}
