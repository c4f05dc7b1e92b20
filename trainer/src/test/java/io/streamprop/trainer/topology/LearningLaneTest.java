package io.streamprop.trainer.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamprop.spec.SpecJson;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;

/** The learning lane: order, hand-off, failure, and which models take it. */
class LearningLaneTest {
  @Test
  void threadedLane_runsEveryTaskInOrder_onItsOwnThread_doneAtDrain() {
    LearningLane lane = LearningLane.thread("learning-test", new LearningLane.Meters());
    List<Integer> ran = new ArrayList<>(); // written by the lane only, read after the drain
    List<String> threads = new ArrayList<>();
    for (int i = 0; i < 1000; i++) { // full batches and a partial one
      int task = i;
      lane.submit(
          () -> {
            ran.add(task);
            threads.add(Thread.currentThread().getName());
          });
    }
    lane.drain();
    assertThat(ran).hasSize(1000).isSorted();
    assertThat(threads).containsOnly("learning-test");
    lane.drain(); // nothing pending: returns at once
    lane.stop();
  }

  @Test
  void lanes_countTheStepsTheyRan_andTheStreamThreadsWait() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    LearningLanes lanes = new LearningLanes(0, registry);
    LearningLane lane = lanes.acquire();
    for (int i = 0; i < 100; i++) {
      lane.submit(() -> {});
    }
    lane.drain();
    assertThat(registry.get("streamprop.learning.lane.steps").functionCounter().count())
        .isEqualTo(100);
    assertThat(registry.get("streamprop.learning.lane.wait").functionCounter().count())
        .isNotNegative();
    lanes.release(lane);
  }

  @Test
  void failedTask_failsTheLane_laterTasksDoNotRun_everyDrainThrows() {
    LearningLane lane = LearningLane.thread("learning-test-failure", new LearningLane.Meters());
    AtomicInteger after = new AtomicInteger();
    lane.submit(
        () -> {
          throw new IllegalArgumentException("the example does not fit the spec");
        });
    lane.submit(after::incrementAndGet);
    assertThatThrownBy(lane::drain)
        .isInstanceOf(StreamsException.class)
        .hasMessageContaining("learning-test-failure")
        .hasRootCauseMessage("the example does not fit the spec");
    assertThatThrownBy(lane::drain).isInstanceOf(StreamsException.class);
    assertThat(after).hasValue(0);
    lane.stop();
  }

  @Test
  void inlineLane_runsATaskAtOnce_onTheCallingThread() {
    LearningLane lane = LearningLane.inline();
    List<String> threads = new ArrayList<>();
    lane.submit(() -> threads.add(Thread.currentThread().getName()));
    assertThat(threads).containsExactly(Thread.currentThread().getName());
  }

  @Test
  void modelsOfLargeNetworks_learnOnTheLane_smallOnesAndPopulationsByTheirMembers() {
    LearningLanes lanes = new LearningLanes(4096);
    // 8·16 + 16·2 = 160 weights
    assertThat(
            lanes.onLane(
                SpecJson.parse(
                    "{\"inputs\": 8, \"classes\": 2, \"hidden\": [16],"
                        + " \"learner\": \"single\"}")))
        .isFalse();
    // 100·64 + 64·2 = 6,528
    assertThat(
            lanes.onLane(
                SpecJson.parse(
                    "{\"inputs\": 100, \"classes\": 2, \"hidden\": [64],"
                        + " \"learner\": \"single\"}")))
        .isTrue();
    // 16·64 + 64·3 = 1,216 weights, three members run on: 3,648
    assertThat(lanes.onLane(SpecJson.parse("{\"inputs\": 16, \"classes\": 3}"))).isFalse();
    // 24·64 + 64·3 = 1,728, three members: 5,184
    assertThat(lanes.onLane(SpecJson.parse("{\"inputs\": 24, \"classes\": 3}"))).isTrue();
    assertThat(new LearningLanes(-1).onLane(SpecJson.parse("{\"inputs\": 784, \"classes\": 10}")))
        .isFalse();
    assertThat(new LearningLanes(0).onLane(SpecJson.parse("{\"inputs\": 1, \"classes\": 2}")))
        .isTrue();
  }

  @Test
  void lanesOfOneStreamThread_areShared_andStoppedWithTheirLastUser() throws Exception {
    LearningLanes lanes = new LearningLanes(0);
    LearningLane a = lanes.acquire();
    LearningLane b = lanes.acquire();
    assertThat(b).isSameAs(a);
    LearningLane[] other = new LearningLane[1];
    Thread t = new Thread(() -> other[0] = lanes.acquire());
    t.start();
    t.join();
    assertThat(other[0]).isNotSameAs(a);
    lanes.release(a);
    lanes.release(b);
    assertThat(lanes.acquire()).as("a new lane after the last user left").isNotSameAs(a);
  }
}
