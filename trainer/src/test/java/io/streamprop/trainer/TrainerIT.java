package io.streamprop.trainer;

import static io.streamprop.trainer.testing.KafkaTestClient.header;
import static io.streamprop.trainer.testing.KafkaTestClient.utf8;
import static io.streamprop.trainer.testing.States.assertSameModel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamprop.config.ConfigSources;
import io.streamprop.config.Topics;
import io.streamprop.config.TrainerKeys;
import io.streamprop.learn.population.PopulationLearner;
import io.streamprop.learn.state.ModelState;
import io.streamprop.local.LocalKafka;
import io.streamprop.spec.SpecJson;
import io.streamprop.trainer.admin.TopicAdmin;
import io.streamprop.trainer.admin.TopicSetupException;
import io.streamprop.trainer.config.TrainerConfig;
import io.streamprop.trainer.testing.Dataset;
import io.streamprop.trainer.testing.KafkaTestClient;
import io.streamprop.trainer.topology.DeadLetters;
import io.streamprop.wire.PopulationCodec;
import io.streamprop.wire.SnapshotCodec;
import io.streamprop.wire.Snapshots;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trainer in this JVM against a real single-node Kafka broker. */
class TrainerIT {
  static final String SHUTTLE_SPEC =
      "{\"inputs\": 9, \"classes\": 7, \"learner\": \"single\", \"hidden\": [32, 16], \"batch_size\": 16,"
          + " \"snapshot\": {\"every_examples\": 0, \"every_seconds\": 0.5}}";
  static final Dataset SHUTTLE = Dataset.load("shuttle.csv.gz", 10_000);
  static final Duration TIMEOUT = Duration.ofSeconds(90);
  static final AtomicInteger RUN = new AtomicInteger();

  static LocalKafka kafka;
  static KafkaTestClient client;

  @TempDir Path stateDir;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private TrainerApp app;

  @BeforeAll
  static void startKafka() {
    kafka = LocalKafka.builder().start();
    client = new KafkaTestClient(kafka.bootstrapServers());
  }

  @AfterAll
  static void stopKafka() {
    client.close();
    kafka.close();
  }

  @AfterEach
  void stopTrainer() {
    if (app != null) {
      app.close();
    }
  }

  /** A configuration with topics and application id of their own for each test. */
  private TrainerConfig config() {
    return config(Map.of());
  }

  private TrainerConfig config(Map<String, String> extra) {
    int run = RUN.incrementAndGet();
    Map<String, String> p = new HashMap<>(extra);
    p.put("bootstrap.servers", kafka.bootstrapServers());
    p.put("application.id", "trainer-it-" + run);
    p.put("state.dir", stateDir.toString());
    p.put(Topics.PREFIX, "t" + run + ".");
    p.put(TrainerKeys.EXAMPLE_MAX_BYTES, "4096");
    p.put(TrainerKeys.HOUSEKEEPING_MS, "100");
    p.put(TrainerKeys.METRICS_PORT, "-1");
    TrainerConfig config = TrainerConfig.load(ConfigSources.of(p));
    // Create the topics first: producing to a missing topic would auto-create it uncompacted.
    try (Admin admin = Admin.create(config.adminProperties())) {
      TopicAdmin.ensureTopics(admin, config);
    }
    return config;
  }

  private ModelState awaitSnapshot(TrainerConfig config, String model, long examples) {
    ConsumerRecord<byte[], byte[]> r =
        client.awaitRecord(
            config.topics().snapshots(),
            rec ->
                rec.value() != null
                    && new String(rec.key()).equals(model)
                    && SnapshotCodec.decode(rec.value()).examples() == examples,
            TIMEOUT);
    return SnapshotCodec.decode(r.value());
  }

  /** The population's own spec: the shuttle spec, open (no learner, no optimizer). */
  static final String OPEN_SHUTTLE_SPEC = SHUTTLE_SPEC.replace("\"learner\": \"single\", ", "");

  @Test
  void openSpec_trainsAPopulationThroughKafka_equalToTheOfflinePopulationBitForBit() {
    TrainerConfig config = config();
    client.send(config.topics().specs(), "pop", utf8(OPEN_SHUTTLE_SPEC));
    for (int i = 0; i < SHUTTLE.size(); i++) {
      client.send(config.topics().examples(), "pop", SHUTTLE.json(i));
    }
    client.flush();

    app = TrainerApp.start(config, registry);
    ConsumerRecord<byte[], byte[]> r =
        client.awaitRecord(
            config.topics().snapshots(),
            rec ->
                rec.value() != null
                    && Snapshots.served(rec.value()).state().examples() == SHUTTLE.size(),
            TIMEOUT);

    PopulationLearner offline = PopulationLearner.create(SpecJson.parse(OPEN_SHUTTLE_SPEC));
    for (int i = 0; i < SHUTTLE.size(); i++) {
      offline.learn(SHUTTLE.features().get(i), SHUTTLE.labels().get(i));
    }
    assertThat(offline.size())
        .as("the warm-up's halving ran")
        .isLessThan(PopulationLearner.create(SpecJson.parse(OPEN_SHUTTLE_SPEC)).size());
    assertThat(offline.switches()).as("the leader changed").isPositive();
    assertThat(PopulationCodec.encode(PopulationCodec.decode(r.value())))
        .isEqualTo(PopulationCodec.encode(offline.state()));
    PopulationCodec.Served served = PopulationCodec.decodeServed(r.value(), null);
    assertThat(served.served().member()).isEqualTo(offline.served().member());
    assertSameModel(
        served.served().model(), offline.served().model().withVersion(served.version()));
  }

  private double count(String name, String tag, String value) {
    Counter c = registry.find(name).tag(tag, value).counter();
    return c == null ? 0 : c.count();
  }

  private void awaitCount(String name, String tag, String value, double atLeast) {
    await(name + "{" + tag + "=" + value + "} reaches " + atLeast)
        .atMost(TIMEOUT)
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(10))
        .until(() -> count(name, tag, value) >= atLeast);
  }

  @Test
  void modelTrainedThroughKafka_equalsTheOfflineModelBitForBit_withTheSamePrequentialAccuracy() {
    TrainerConfig config = config();
    client.send(config.topics().specs(), "shuttle", utf8(SHUTTLE_SPEC));
    for (int i = 0; i < SHUTTLE.size(); i++) {
      client.send(config.topics().examples(), "shuttle", SHUTTLE.json(i));
    }
    client.flush();

    app = TrainerApp.start(config, registry);
    ModelState trained = awaitSnapshot(config, "shuttle", SHUTTLE.size());

    Dataset.Offline offline = SHUTTLE.train(SpecJson.parse(SHUTTLE_SPEC), SHUTTLE.size());
    assertSameModel(trained, offline.learner().state());
    assertThat(count("streamprop.prequential.scored", "model", "shuttle"))
        .isEqualTo((double) offline.scored());
    assertThat(count("streamprop.prequential.correct", "model", "shuttle"))
        .isEqualTo((double) offline.correct());
    assertThat((double) offline.correct() / offline.scored())
        .as("a trained model beats the 78.6% majority class")
        .isGreaterThan(0.9);
  }

  @Test
  void cleanClose_leavesTheConsumerGroup_soARestartNeedNotWaitForTheSessionTimeout()
      throws Exception {
    TrainerConfig config = config();
    app = TrainerApp.start(config, registry);
    await("the trainer runs")
        .atMost(TIMEOUT)
        .until(() -> app.streams().state() == org.apache.kafka.streams.KafkaStreams.State.RUNNING);
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      assertThat(members(admin, config.applicationId())).as("members while it runs").isPositive();

      app.close();

      // Without leaving, its member would stay listed until the session timeout (45 s).
      assertThat(members(admin, config.applicationId())).as("members once it closed").isZero();
    }
  }

  private static int members(Admin admin, String group) throws Exception {
    return admin
        .describeConsumerGroups(List.of(group))
        .describedGroups()
        .get(group)
        .get()
        .members()
        .size();
  }

  @Test
  void specPublishedAtRuntime_startsANewModel_andItsTombstoneRetiresIt() {
    TrainerConfig config = config();
    app = TrainerApp.start(config, registry);

    client.send(config.topics().specs(), "late", utf8(SHUTTLE_SPEC));
    client.flush();
    awaitCount("streamprop.specs", "outcome", "accepted", 1);
    for (int i = 0; i < 500; i++) {
      client.send(config.topics().examples(), "late", SHUTTLE.json(i));
    }
    client.flush();
    ModelState trained = awaitSnapshot(config, "late", 500);
    assertSameModel(trained, SHUTTLE.train(SpecJson.parse(SHUTTLE_SPEC), 500).learner().state());

    client.send(config.topics().specs(), "late", null);
    client.flush();
    ConsumerRecord<byte[], byte[]> tombstone =
        client.awaitRecord(
            config.topics().snapshots(),
            r -> new String(r.key()).equals("late") && r.value() == null,
            TIMEOUT);
    assertThat(tombstone.value()).isNull();
    assertThat(registry.find("streamprop.models.retired").counter().count()).isEqualTo(1.0);
  }

  @Test
  void poisonRecords_landInDeadLettersWithReasons_andTheModelEqualsTheValidOnlyModel() {
    TrainerConfig config = config();
    client.send(config.topics().specs(), "shuttle", utf8(SHUTTLE_SPEC));
    List<byte[]> poison =
        List.of(
            utf8("{\"features\": [1, 2, 3"),
            utf8("{\"features\": [1, 2, 3], \"label\": 0}"),
            utf8("{\"features\": [1, 2, 3, 4, 5, 6, 7, 8, NaN], \"label\": 0}"),
            utf8("{\"features\": [1, 2, 3, 4, 5, 6, 7, 8, 9], \"label\": 7}"),
            utf8(
                "{\"features\": [1, 2, 3, 4, 5, 6, 7, 8, 9], \"label\": 0, \"x\": \""
                    + "y".repeat(5000)
                    + "\"}"));
    int rows = 2000;
    for (int i = 0; i < rows; i++) {
      if (i % 300 == 7 && i / 300 < poison.size()) {
        client.send(config.topics().examples(), "shuttle", poison.get(i / 300));
      }
      if (i == 1000) {
        client.send(config.topics().examples(), "nobody", SHUTTLE.json(i));
      }
      client.send(config.topics().examples(), "shuttle", SHUTTLE.json(i));
    }
    client.flush();

    app = TrainerApp.start(config, registry);
    ModelState trained = awaitSnapshot(config, "shuttle", rows);
    assertSameModel(trained, SHUTTLE.train(SpecJson.parse(SHUTTLE_SPEC), rows).learner().state());

    List<ConsumerRecord<byte[], byte[]>> dead =
        client.read(config.topics().deadLetters(), 6, TIMEOUT);
    Map<String, ConsumerRecord<byte[], byte[]>> byReason = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : dead) {
      byReason.put(header(r, DeadLetters.REASON_HEADER).orElseThrow(), r);
    }
    assertThat(byReason.keySet())
        .isEqualTo(
            Set.of(
                "bad_json",
                "wrong_width",
                "not_finite",
                "label_out_of_range",
                "oversize",
                "unknown_model"));
    ConsumerRecord<byte[], byte[]> wrongWidth = byReason.get("wrong_width");
    assertThat(wrongWidth.value()).isEqualTo(poison.get(1));
    assertThat(header(wrongWidth, DeadLetters.SOURCE_TOPIC_HEADER))
        .contains(config.topics().examples());
    assertThat(header(wrongWidth, DeadLetters.SOURCE_OFFSET_HEADER)).isPresent();
    assertThat(count("streamprop.dead.letters", "reason", "oversize")).isEqualTo(1.0);
  }

  @Test
  void specFromTheConfiguration_isPublishedAtStart_andTrainsItsModel() {
    TrainerConfig config =
        config(Map.of(TrainerKeys.MODEL_ID, "configured", TrainerKeys.MODEL_SPEC, SHUTTLE_SPEC));
    app = TrainerApp.start(config, registry);

    ConsumerRecord<byte[], byte[]> spec =
        client.awaitRecord(
            config.topics().specs(), r -> new String(r.key()).equals("configured"), TIMEOUT);
    assertThat(new String(spec.value())).isEqualTo(SHUTTLE_SPEC);
    awaitCount("streamprop.specs", "outcome", "accepted", 1);
    for (int i = 0; i < 300; i++) {
      client.send(config.topics().examples(), "configured", SHUTTLE.json(i));
    }
    client.flush();
    assertSameModel(
        awaitSnapshot(config, "configured", 300),
        SHUTTLE.train(SpecJson.parse(SHUTTLE_SPEC), 300).learner().state());
  }

  @Test
  void existingSnapshotTopicThatIsNotCompacted_stopsTheTrainer_withTheFix() throws Exception {
    Map<String, String> p = new HashMap<>();
    p.put("bootstrap.servers", kafka.bootstrapServers());
    p.put(Topics.PREFIX, "unfit.");
    TrainerConfig config = TrainerConfig.load(ConfigSources.of(p));
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      admin
          .createTopics(List.of(new NewTopic(config.topics().snapshots(), 1, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    assertThatThrownBy(() -> TrainerApp.start(config, registry))
        .isInstanceOf(TopicSetupException.class)
        .hasMessageContaining(config.topics().snapshots())
        .hasMessageContaining("cleanup.policy=compact");
  }

  @Test
  void unreachableBroker_failsFast_withAClearMessage() {
    Map<String, String> p = new HashMap<>();
    p.put("bootstrap.servers", "127.0.0.1:1");
    p.put(TrainerKeys.ADMIN_TIMEOUT_MS, "2000");
    assertThatThrownBy(() -> TrainerApp.start(TrainerConfig.load(ConfigSources.of(p)), registry))
        .isInstanceOf(TopicSetupException.class)
        .hasMessageContaining("cannot reach the Kafka broker at 127.0.0.1:1");
  }
}
