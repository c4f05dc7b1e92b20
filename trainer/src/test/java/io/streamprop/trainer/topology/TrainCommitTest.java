package io.streamprop.trainer.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import io.streamprop.trainer.metrics.TrainerMetrics;
import io.streamprop.trainer.state.ModelStore;
import io.streamprop.wire.ExampleParser;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A published snapshot is invisible to {@code read_committed} readers until its transaction
 * commits, so {@link Train} asks Kafka Streams for a commit when it publishes one, at most once per
 * half commit interval. And a process that takes over a stored model reports its version.
 */
class TrainCommitTest {
  static final String SPEC_JSON =
      "{\"inputs\": 2, \"classes\": 2, \"learner\": \"single\", \"hidden\": [4], \"batch_size\": 1,"
          + " \"snapshot\": {\"every_examples\": 2, \"every_seconds\": 0}}";
  static final ModelSpec SPEC = SpecJson.parse(SPEC_JSON);

  private final MockProcessorContext<String, byte[]> context = new MockProcessorContext<>();
  private Train train;

  @BeforeEach
  void start() {
    ModelStore models =
        new ModelStore(
            Stores.keyValueStoreBuilder(
                    Stores.inMemoryKeyValueStore(TrainerTopology.MODEL_STATE_STORE),
                    Serdes.String(),
                    Serdes.ByteArray())
                .withLoggingDisabled()
                .build());
    models.init(context.getStateStoreContext(), models);
    context.addStateStore(models);
    KeyValueStore<String, byte[]> specs =
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(TrainerTopology.SPECS_STORE),
                Serdes.String(),
                Serdes.ByteArray())
            .withLoggingDisabled()
            .build();
    specs.init(context.getStateStoreContext(), specs);
    specs.put("m", SPEC_JSON.getBytes(StandardCharsets.UTF_8));
    context.addStateStore(specs);
    context.setCurrentSystemTimeMs(1_000);
    train =
        new Train(
            60_000,
            50,
            new TrainerMetrics(new SimpleMeterRegistry()),
            new ShutdownSnapshots(),
            null,
            new LearningLanes(-1));
    train.init(context);
  }

  private void learn(int examples) {
    ExampleParser parser = new ExampleParser(SPEC);
    for (int i = 0; i < examples; i++) {
      String json = "{\"features\": [" + i + ", 1], \"label\": " + (i % 2) + "}";
      train.process(
          new Record<>(
              "m",
              new TrainingExample(SPEC, parser.parse(json.getBytes(StandardCharsets.UTF_8))),
              0L));
    }
  }

  @Test
  void publishingASnapshot_requestsACommit_atMostOncePerHalfCommitInterval() {
    learn(1);
    assertThat(context.forwarded()).isEmpty();
    assertThat(context.committed()).as("nothing published, nothing to hurry").isFalse();

    learn(1);
    assertThat(context.forwarded()).hasSize(1);
    assertThat(context.committed()).isTrue();

    context.resetCommit();
    context.setCurrentSystemTimeMs(1_049);
    learn(2);
    assertThat(context.forwarded()).hasSize(2);
    assertThat(context.committed()).as("49 ms after the last request").isFalse();

    context.setCurrentSystemTimeMs(1_050);
    learn(2);
    assertThat(context.forwarded()).hasSize(3);
    assertThat(context.committed()).isTrue();
  }

  @Test
  void aRestartedProcess_reportsTheStoredModelsVersion_fromItsFirstExample() {
    learn(4); // snapshots at 2 and 4 examples: version 2
    // A new process: fresh meters over the same store.
    SimpleMeterRegistry restarted = new SimpleMeterRegistry();
    train =
        new Train(
            60_000,
            50,
            new TrainerMetrics(restarted),
            new ShutdownSnapshots(),
            null,
            new LearningLanes(-1));
    train.init(context);

    learn(1);

    assertThat(restarted.find("streamprop.model.version").tag("model", "m").gauge().value())
        .isEqualTo(2.0);
    assertThat(restarted.find("streamprop.model.examples").tag("model", "m").gauge().value())
        .isEqualTo(5.0);
  }
}
