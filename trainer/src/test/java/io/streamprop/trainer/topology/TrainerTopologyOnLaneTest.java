package io.streamprop.trainer.topology;

import io.streamprop.config.TrainerKeys;
import java.util.Map;

/**
 * Every case of {@link TrainerTopologyTest} with every model learning on the learning lane (its
 * specs are small, so by default they learn on the stream thread): the same dead letters, the same
 * snapshots, and models bit-identical to the offline ones.
 */
class TrainerTopologyOnLaneTest extends TrainerTopologyTest {
  @Override
  Map<String, String> settings() {
    return Map.of(TrainerKeys.LEARNING_LANE_MIN_WEIGHTS, "0");
  }
}
