package io.streamprop.trainer.topology;

import static io.streamprop.trainer.testing.States.assertSameModel;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamprop.config.ConfigSources;
import io.streamprop.config.TrainerKeys;
import io.streamprop.learn.state.ModelState;
import io.streamprop.trainer.config.TrainerConfig;
import io.streamprop.trainer.metrics.TrainerMetrics;
import io.streamprop.trainer.state.LiveModel;
import io.streamprop.trainer.state.ModelStore;
import io.streamprop.trainer.state.StoredModel;
import io.streamprop.trainer.testing.Dataset;
import io.streamprop.wire.PopulationCodec;
import io.streamprop.wire.SnapshotCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many models through the topology ({@link TopologyTestDriver}): a live-model cache that holds one
 * model trains exactly what an unbounded one does, and snapshots are bounded per commit without
 * losing any.
 */
class ManyModelsTopologyTest {
  static final Dataset IRIS = Dataset.load("iris.csv", 150);

  static final String SPEC =
      "{\"inputs\": 4, \"classes\": 3, \"learner\": \"single\", \"hidden\": [8], \"batch_size\": 4,"
          + " \"optimizer\": {\"name\": \"adam\"},"
          + " \"snapshot\": {\"every_examples\": 7, \"every_seconds\": 1}}";

  static final String POPULATION_SPEC =
      "{\"inputs\": 4, \"classes\": 3, \"hidden\": [8], \"batch_size\": 4,"
          + " \"snapshot\": {\"every_examples\": 9, \"every_seconds\": 0}}";

  @TempDir Path stateDir;

  /** One trainer over the test driver. */
  private final class Trainer implements AutoCloseable {
    final TopologyTestDriver driver;
    final TestInputTopic<String, String> specs;
    final TestInputTopic<byte[], byte[]> examples;
    final TestOutputTopic<String, byte[]> snapshots;

    Trainer(String name, Map<String, String> settings) {
      Map<String, String> all = new HashMap<>(settings);
      all.put("bootstrap.servers", "unused:9092");
      TrainerConfig config = TrainerConfig.load(ConfigSources.of(all));
      Properties props = config.streamsProperties();
      props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve(name).toString());
      driver =
          new TopologyTestDriver(
              TrainerTopology.build(
                  config, new TrainerMetrics(new SimpleMeterRegistry()), new ShutdownSnapshots()),
              props,
              Instant.parse("2026-01-01T00:00:00Z"));
      specs =
          driver.createInputTopic(
              config.topics().specs(), new StringSerializer(), new StringSerializer());
      examples =
          driver.createInputTopic(
              config.topics().examples(), new ByteArraySerializer(), new ByteArraySerializer());
      snapshots =
          driver.createOutputTopic(
              config.topics().snapshots(), new StringDeserializer(), new ByteArrayDeserializer());
    }

    ModelStore models() {
      return (ModelStore) driver.getStateStore(TrainerTopology.MODEL_STATE_STORE);
    }

    @Override
    public void close() {
      driver.close();
    }
  }

  /**
   * 30 models (single learners and populations), examples interleaved round robin, time passing:
   * the same run through a cache that keeps one live model (each example reloads its own model and
   * writes the one before it) and through an unbounded one.
   */
  private static void run(Trainer trainer) {
    int models = 30;
    for (int m = 0; m < models; m++) {
      trainer.specs.pipeInput("m" + m, m % 3 == 0 ? POPULATION_SPEC : SPEC);
    }
    for (int i = 0; i < 40; i++) {
      for (int m = 0; m < models; m++) {
        int row = (i * 7 + m * 13) % 150;
        trainer.examples.pipeInput(("m" + m).getBytes(StandardCharsets.UTF_8), IRIS.json(row));
      }
      if (i % 10 == 9) {
        trainer.driver.advanceWallClockTime(Duration.ofMillis(1100));
      }
    }
  }

  @Test
  void cacheOfOneModel_trainsAndPublishesBitForBitAsAnUnboundedCache() {
    try (Trainer unbounded =
            new Trainer("unbounded", Map.of(TrainerKeys.MODEL_CACHE_MAX_BYTES, "1000000000"));
        Trainer tiny = new Trainer("tiny", Map.of(TrainerKeys.MODEL_CACHE_MAX_BYTES, "1"))) {
      run(unbounded);
      run(tiny);

      assertThat(tiny.models().liveModels()).isEqualTo(1);
      // Each example reloads its model, which passes through (or evicts the live one), written.
      assertThat(tiny.models().loads()).isGreaterThan(1000);
      assertThat(unbounded.models().loads()).isZero();

      List<TestRecord<String, byte[]>> expected = unbounded.snapshots.readRecordsToList();
      List<TestRecord<String, byte[]>> actual = tiny.snapshots.readRecordsToList();
      assertThat(expected).hasSizeGreaterThan(100);
      assertThat(actual).extracting(TestRecord::key).isEqualTo(keys(expected));
      for (int i = 0; i < expected.size(); i++) {
        byte[] want = expected.get(i).value();
        byte[] got = actual.get(i).value();
        if (want[0] == 'S' && want[1] == 'P' && want[2] == 'P' && want[3] == 'O') {
          assertThat(Arrays.equals(population(got), population(want)))
              .as("snapshot %d", i)
              .isTrue();
        } else {
          ModelState state = SnapshotCodec.decode(got);
          assertThat(state.version()).isEqualTo(SnapshotCodec.decode(want).version());
          assertSameModel(state, SnapshotCodec.decode(want));
        }
      }
      for (int m = 0; m < 30; m++) {
        LiveModel want = unbounded.models().get("m" + m);
        LiveModel got = tiny.models().get("m" + m);
        assertThat(got.version()).isEqualTo(want.version());
        assertThat(got.examplesAtSnapshot()).isEqualTo(want.examplesAtSnapshot());
        assertThat(got.lastSnapshotMillis()).isEqualTo(want.lastSnapshotMillis());
        assertThat(StoredModel.encode(got).length).isEqualTo(StoredModel.encode(want).length);
        if (m % 3 != 0) {
          assertSameModel(got.learner().state(), want.learner().state());
        } else {
          byte[] gotBytes = StoredModel.encode(got);
          byte[] wantBytes = StoredModel.encode(want);
          assertThat(Arrays.equals(gotBytes, wantBytes)).as("model m%d", m).isTrue();
        }
      }
    }
  }

  /** A population snapshot re-encoded without its creation time (and so without its checksum). */
  private static byte[] population(byte[] bytes) {
    PopulationCodec.Published published = PopulationCodec.decodePublished(bytes, null);
    return PopulationCodec.encode(published.state(), published.version(), 0, null);
  }

  private static List<String> keys(List<TestRecord<String, byte[]>> records) {
    List<String> keys = new ArrayList<>();
    records.forEach(r -> keys.add(r.key()));
    return keys;
  }

  @Test
  void snapshotBurst_isBoundedPerCommit_earliestDueFirst_noneLost() {
    String timeOnly =
        "{\"inputs\": 4, \"classes\": 3, \"learner\": \"single\", \"hidden\": [8],"
            + " \"batch_size\": 4, \"optimizer\": {\"name\": \"adam\"},"
            + " \"snapshot\": {\"every_examples\": 0, \"every_seconds\": 1}}";
    try (Trainer trainer = new Trainer("burst", Map.of(TrainerKeys.SNAPSHOTS_PER_COMMIT, "4"))) {
      int models = 30;
      for (int m = 0; m < models; m++) {
        String id = String.format("m%02d", m);
        trainer.specs.pipeInput(id, timeOnly);
        for (int i = 0; i < 5; i++) {
          trainer.examples.pipeInput(id.getBytes(StandardCharsets.UTF_8), IRIS.json(m + i));
        }
      }
      assertThat(trainer.snapshots.isEmpty()).isTrue();

      // Every model is due at once: each housekeeping pass (then a commit) publishes at most 4.
      trainer.driver.advanceWallClockTime(Duration.ofSeconds(1));
      assertThat(keys(trainer.snapshots.readRecordsToList()))
          .containsExactly("m00", "m01", "m02", "m03");
      List<String> published = new ArrayList<>(List.of("m00", "m01", "m02", "m03"));
      for (int pass = 0; pass < 10; pass++) {
        trainer.driver.advanceWallClockTime(Duration.ofMillis(250));
        List<String> keys = keys(trainer.snapshots.readRecordsToList());
        assertThat(keys.size()).isLessThanOrEqualTo(4);
        published.addAll(keys);
      }
      List<String> all = new ArrayList<>();
      for (int m = 0; m < models; m++) {
        all.add(String.format("m%02d", m));
      }
      assertThat(published).as("each once, in due order (ties by id)").isEqualTo(all);
      assertThat(trainer.models().snapshotsOwed()).isZero();
    }
  }
}
