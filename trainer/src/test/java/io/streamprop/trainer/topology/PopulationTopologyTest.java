package io.streamprop.trainer.topology;

import static io.streamprop.trainer.testing.States.assertSameModel;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamprop.config.ConfigSources;
import io.streamprop.learn.population.PopulationLearner;
import io.streamprop.learn.population.PopulationState;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import io.streamprop.trainer.config.TrainerConfig;
import io.streamprop.trainer.metrics.TrainerMetrics;
import io.streamprop.trainer.testing.Dataset;
import io.streamprop.trainer.testing.RawEvents;
import io.streamprop.wire.PopulationCodec;
import io.streamprop.wire.Snapshots;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A spec with {@code learner: population} (the default of an open spec) trains a population. */
class PopulationTopologyTest {
  /** An open spec: no optimizer, so a population. */
  static final String OPEN_SPEC =
      "{\"inputs\": 4, \"classes\": 3, \"hidden\": [8], \"batch_size\": 4,"
          + " \"snapshot\": {\"every_examples\": 1000, \"every_seconds\": 0}}";

  static final Dataset IRIS = Dataset.load("iris.csv", 150);

  /**
   * Past the standard plan's warm-up (2,000 examples, where it keeps the leader's width) and its
   * next rung (4,000), so members have been dropped and replaced.
   */
  static final int EXAMPLES = 4000;

  @TempDir Path stateDir;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private TopologyTestDriver driver;
  private TestInputTopic<String, String> specs;
  private TestInputTopic<byte[], byte[]> examples;
  private TestOutputTopic<String, byte[]> snapshots;

  @BeforeEach
  void start() {
    TrainerConfig config =
        TrainerConfig.load(ConfigSources.of(Map.of("bootstrap.servers", "unused:9092")));
    Properties props = config.streamsProperties();
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    driver =
        new TopologyTestDriver(
            TrainerTopology.build(config, new TrainerMetrics(registry), new ShutdownSnapshots()),
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

  @AfterEach
  void stop() {
    driver.close();
  }

  private static PopulationLearner offline(int rows) {
    PopulationLearner population = PopulationLearner.create(SpecJson.parse(OPEN_SPEC));
    for (int i = 0; i < rows; i++) {
      population.learn(IRIS.features().get(i % 150), IRIS.labels().get(i % 150));
    }
    return population;
  }

  @Test
  void openSpec_publishesThePopulation_equalToTheOfflinePopulation_leaderBitForBit() {
    specs.pipeInput("iris", OPEN_SPEC);
    for (int i = 0; i < EXAMPLES; i++) {
      examples.pipeInput("iris".getBytes(StandardCharsets.UTF_8), IRIS.json(i % 150));
    }

    List<TestRecord<String, byte[]>> published = snapshots.readRecordsToList();
    assertThat(published).hasSize(EXAMPLES / 1000);
    for (int i = 0; i < published.size(); i++) {
      byte[] bytes = published.get(i).value();
      assertThat(Snapshots.isPopulation(bytes)).isTrue();
      PopulationLearner expected = offline(1000 * (i + 1));
      PopulationCodec.Published whole = PopulationCodec.decodePublished(bytes, null);
      assertThat(whole.version()).isEqualTo(i + 1);
      // The training part: the whole population, every member and the race's bookkeeping.
      assertThat(PopulationCodec.encode(whole.state()))
          .isEqualTo(PopulationCodec.encode(expected.state()));
      // What a scorer serves: the leader's ordinary state at the published version.
      PopulationCodec.Served served = PopulationCodec.decodeServed(bytes, null);
      assertThat(served.served().member()).isEqualTo(expected.served().member());
      assertSameModel(served.served().model(), expected.served().model().withVersion(i + 1));
      assertThat(served.served().standings()).isEqualTo(expected.standings());
    }
    PopulationLearner last = offline(EXAMPLES);
    assertThat(last.replacements()).as("the stream crosses a rung").isPositive();
    assertThat(last.size())
        .as("the warm-up's halving")
        .isLessThan(PopulationLearner.create(SpecJson.parse(OPEN_SPEC)).size());
    assertThat(gauge("streamprop.population.leader", null)).isEqualTo(last.leader());
    assertThat(gauge("streamprop.population.average.served", null))
        .isEqualTo(last.averageServed() ? 1.0 : 0.0);
    assertThat(gauge("streamprop.population.relabelling", null))
        .isEqualTo(last.relabelling() ? 1.0 : 0.0);
    for (int m = 0; m < last.size(); m++) {
      assertThat(gauge("streamprop.population.member.loss", Integer.toString(m)))
          .isEqualTo(last.recentLoss(m));
    }
    assertThat(registry.find("streamprop.population.member.loss").tag("model", "iris").gauges())
        .as("members dropped at the warm-up's end take their series with them")
        .hasSize(last.size());
    assertThat(
            registry
                .find("streamprop.population.drift.alarms")
                .tag("model", "iris")
                .functionCounter()
                .count())
        .isEqualTo(last.alarms());
    assertThat(
            registry
                .find("streamprop.population.replacements")
                .tag("model", "iris")
                .functionCounter()
                .count())
        .isEqualTo(last.replacements());
    assertThat(
            registry
                .find("streamprop.population.switches")
                .tag("model", "iris")
                .functionCounter()
                .count())
        .isEqualTo(last.switches());
  }

  private double gauge(String name, String member) {
    var search = registry.find(name).tag("model", "iris");
    if (member != null) {
      search = search.tag("member", member);
    }
    return search.gauge().value();
  }

  @Test
  void snapshotPolicyUpdate_keepsThePopulation_andTrainsOn() {
    specs.pipeInput("iris", OPEN_SPEC);
    for (int i = 0; i < 1000; i++) {
      examples.pipeInput("iris".getBytes(StandardCharsets.UTF_8), IRIS.json(i % 150));
    }
    specs.pipeInput("iris", OPEN_SPEC.replace("1000", "500"));
    for (int i = 1000; i < 1500; i++) {
      examples.pipeInput("iris".getBytes(StandardCharsets.UTF_8), IRIS.json(i % 150));
    }

    List<TestRecord<String, byte[]>> published = snapshots.readRecordsToList();
    assertThat(published).hasSize(2);
    PopulationState state = PopulationCodec.decode(published.get(1).value());
    PopulationState expected = offline(1500).state();
    assertThat(state.spec().snapshot().everyExamples()).isEqualTo(500);
    assertThat(state.examples()).isEqualTo(1500);
    for (int m = 0; m < expected.members().size(); m++) {
      // Only the snapshot policy differs from the uninterrupted population.
      ModelSpec spec = expected.members().get(m).model().spec();
      assertSameModel(
          state.members().get(m).model().withSpec(spec), expected.members().get(m).model());
    }
  }

  @Test
  void rawEventPopulation_trainsAsTheOfflinePopulation() {
    String spec =
        RawEvents.spec("{\"every_examples\": 100, \"every_seconds\": 0}")
            .replace("\"learner\": \"single\", ", "");
    assertThat(SpecJson.parse(spec).learner()).isEqualTo(ModelSpec.Learner.POPULATION);
    specs.pipeInput("churn", spec);
    List<byte[]> events = RawEvents.load();
    for (byte[] event : events) {
      examples.pipeInput("churn".getBytes(StandardCharsets.UTF_8), event);
    }

    List<TestRecord<String, byte[]>> published = snapshots.readRecordsToList();
    byte[] last = published.get(published.size() - 1).value();
    PopulationLearner expected =
        RawEvents.trainPopulation(SpecJson.parse(spec), events.subList(0, 100 * published.size()));
    assertThat(PopulationCodec.encode(PopulationCodec.decode(last)))
        .isEqualTo(PopulationCodec.encode(expected.state()));
    assertSameModel(
        Snapshots.served(last).state(), expected.served().model().withVersion(published.size()));
  }
}
