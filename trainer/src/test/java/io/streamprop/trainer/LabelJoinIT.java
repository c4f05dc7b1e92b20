package io.streamprop.trainer;

import static io.streamprop.trainer.testing.KafkaTestClient.header;
import static io.streamprop.trainer.testing.KafkaTestClient.utf8;
import static io.streamprop.trainer.testing.States.assertSameModel;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamprop.config.ConfigSources;
import io.streamprop.config.Topics;
import io.streamprop.config.TrainerKeys;
import io.streamprop.learn.OnlineLearner;
import io.streamprop.local.LocalKafka;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import io.streamprop.trainer.admin.TopicAdmin;
import io.streamprop.trainer.config.TrainerConfig;
import io.streamprop.trainer.join.LabelJoin;
import io.streamprop.trainer.testing.Dataset;
import io.streamprop.trainer.testing.KafkaTestClient;
import io.streamprop.trainer.testing.Kcat;
import io.streamprop.trainer.topology.DeadLetters;
import io.streamprop.wire.Example;
import io.streamprop.wire.ExampleParser;
import io.streamprop.wire.SnapshotCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Delayed labels produced by kcat (a client nobody here wrote) join predictions logged as the
 * scorer logs them, on a real broker with three partitions: every label is joined once, and the
 * model trained through Kafka equals an offline model fed the joined examples in the order they
 * appear in the examples partition, bit for bit.
 */
class LabelJoinIT {
  static final String SPEC =
      "{\"learner\": \"single\", \"inputs\": 4, \"classes\": 3, \"hidden\": [8], \"batch_size\": 4,"
          + " \"snapshot\": {\"every_examples\": 0, \"every_seconds\": 0.5}}";
  static final Dataset IRIS = Dataset.load("iris.csv", 150);
  static final Duration TIMEOUT = Duration.ofSeconds(90);

  static LocalKafka kafka;
  static KafkaTestClient client;

  @TempDir Path stateDir;

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

  private TrainerConfig config() {
    Map<String, String> p = new HashMap<>();
    p.put("bootstrap.servers", kafka.bootstrapServers());
    p.put("application.id", "label-join-it");
    p.put("state.dir", stateDir.toString());
    p.put(Topics.PREFIX, "join.");
    p.put(TrainerKeys.TOPIC_PARTITIONS, "3");
    p.put(TrainerKeys.HOUSEKEEPING_MS, "100");
    p.put(TrainerKeys.METRICS_PORT, "-1");
    TrainerConfig config = TrainerConfig.load(ConfigSources.of(p));
    try (Admin admin = Admin.create(config.adminProperties())) {
      TopicAdmin.ensureTopics(admin, config);
    }
    return config;
  }

  /** Row {@code i}'s prediction as the scorer logs it. */
  private static byte[] logged(int i, long time) {
    StringBuilder features = new StringBuilder("[");
    float[] x = IRIS.features().get(i);
    for (int j = 0; j < x.length; j++) {
      features.append(j == 0 ? "" : ", ").append(x[j]);
    }
    features.append(']');
    return utf8(
        "{\"id\": \"id-"
            + i
            + "\", \"model\": \"iris\", \"version\": 1, \"time\": "
            + time
            + ", \"features\": "
            + features
            + ", \"prediction\": {\"class\": 0, \"probabilities\": [0.5, 0.25, 0.25]}}");
  }

  private static byte[] label(int i) {
    int y = (int) IRIS.labels().get(i)[0];
    return utf8(i % 7 == 3 ? "{\"label\": " + y + ", \"weight\": 0.5}" : "{\"label\": " + y + "}");
  }

  @Test
  void labelsFromKcat_joinOnce_andTrainTheOfflineModelOfTheJoinedExamplesBitForBit()
      throws Exception {
    Kcat.require();
    TrainerConfig config = config();
    client.send(config.topics().specs(), "iris", utf8(SPEC));
    client.flush();
    List<String> murmur2 = List.of("-X", "partitioner=murmur2_random");
    int n = IRIS.size();
    // The last 50 labels overtake their predictions; the rest follow them.
    List<Kcat.Line> early = new ArrayList<>();
    for (int i = 100; i < n; i++) {
      early.add(new Kcat.Line("id-" + i, label(i)));
    }
    Kcat.produce(kafka.bootstrapServers(), config.topics().labels(), early, murmur2);
    long time = System.currentTimeMillis();
    for (int i = 0; i < n; i++) {
      client.send(config.topics().predictions(), "id-" + i, logged(i, time));
    }
    client.flush();
    List<Kcat.Line> late = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      late.add(new Kcat.Line("id-" + i, label(i)));
    }
    late.add(new Kcat.Line("id-5", utf8("{\"label\": 1}"))); // a second label: duplicate
    // Already labeled: a duplicate, whatever it says (nothing is left to check it against).
    late.add(new Kcat.Line("id-6", utf8("{\"label\": 9}")));
    Kcat.produce(kafka.bootstrapServers(), config.topics().labels(), late, murmur2);

    app = TrainerApp.start(config, new SimpleMeterRegistry());

    List<ConsumerRecord<byte[], byte[]>> examples =
        client.read(config.topics().examples(), n, TIMEOUT);
    // Every label joined once: one example per id, each with its own features and label.
    List<String> ids = new ArrayList<>();
    ModelSpec spec = SpecJson.parse(SPEC);
    ExampleParser parser = new ExampleParser(spec);
    OnlineLearner offline = OnlineLearner.create(spec);
    for (ConsumerRecord<byte[], byte[]> r : examples) {
      assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("iris");
      assertThat(header(r, LabelJoin.VERSION_HEADER)).contains("1");
      String id = header(r, LabelJoin.ID_HEADER).orElseThrow();
      ids.add(id);
      int i = Integer.parseInt(id.substring(3));
      Example example = parser.parse(r.value());
      assertThat(example.features()).containsExactly(IRIS.features().get(i));
      assertThat(example.label()).containsExactly(IRIS.labels().get(i));
      assertThat(example.weight()).isEqualTo(i % 7 == 3 ? 0.5f : 1f);
      // Offline: the joined examples in the order of the examples partition ("iris" is one key).
      offline.learn(example.features(), example.label(), example.weight());
    }
    assertThat(ids).doesNotHaveDuplicates().hasSize(n);

    ConsumerRecord<byte[], byte[]> last =
        client.awaitRecord(
            config.topics().snapshots(),
            r ->
                r.value() != null
                    && Arrays.equals(r.key(), utf8("iris"))
                    && SnapshotCodec.decode(r.value()).examples() == n,
            TIMEOUT);
    assertSameModel(SnapshotCodec.decode(last.value()), offline.state());

    List<ConsumerRecord<byte[], byte[]>> dead =
        client.read(config.topics().deadLetters(), 2, TIMEOUT);
    List<String> letters = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : dead) {
      letters.add(
          header(r, DeadLetters.REASON_HEADER).orElseThrow()
              + " "
              + new String(r.key(), StandardCharsets.UTF_8)
              + " "
              + new String(r.value(), StandardCharsets.UTF_8));
    }
    assertThat(letters)
        .containsExactlyInAnyOrder(
            "duplicate_label id-5 {\"label\": 1}", "duplicate_label id-6 {\"label\": 9}");
    // Nothing more: no example beyond one per id.
    assertThat(client.readAll(config.topics().examples(), TIMEOUT)).hasSize(n);
  }
}
