package io.streamprop.trainer;

import static io.streamprop.trainer.testing.KafkaTestClient.utf8;
import static io.streamprop.trainer.testing.States.assertSameModel;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamprop.config.ConfigSources;
import io.streamprop.config.TrainerKeys;
import io.streamprop.learn.state.ModelState;
import io.streamprop.local.LocalKafka;
import io.streamprop.local.TlsFiles;
import io.streamprop.spec.SpecJson;
import io.streamprop.trainer.admin.TopicAdmin;
import io.streamprop.trainer.config.TrainerConfig;
import io.streamprop.trainer.testing.Dataset;
import io.streamprop.trainer.testing.KafkaTestClient;
import io.streamprop.wire.SigningKey;
import io.streamprop.wire.SnapshotCodec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer against a real broker over its TLS listener only ({@code security.protocol=SSL} and
 * the trust store passed through the trainer's config), with a signing key: the snapshot it
 * publishes verifies with the key and equals the offline model. The test's own client uses the
 * broker's plaintext listener, so only the trainer's traffic is under test.
 */
class TrainerTlsIT {
  static final String SPEC =
      "{\"inputs\": 4, \"classes\": 3, \"learner\": \"single\", \"hidden\": [8], \"batch_size\": 4,"
          + " \"snapshot\": {\"every_examples\": 150, \"every_seconds\": 0}}";
  static final Dataset IRIS = Dataset.load("iris.csv", 150);

  @TempDir Path dir;

  @Test
  void tlsListenerOnly_signedSnapshot_verifiesAndEqualsOfflineModel() {
    byte[] raw = new byte[32];
    for (int i = 0; i < raw.length; i++) {
      raw[i] = (byte) (31 * i + 5);
    }
    SigningKey key = SigningKey.of(raw);
    try (LocalKafka kafka =
            LocalKafka.builder().tls(TlsFiles.selfSigned(dir.resolve("tls"))).start();
        KafkaTestClient client = new KafkaTestClient(kafka.bootstrapServers())) {
      Map<String, String> p = new HashMap<>(kafka.tlsClientProperties());
      p.put("application.id", "trainer-tls-it");
      p.put("state.dir", dir.resolve("state").toString());
      p.put(TrainerKeys.HOUSEKEEPING_MS, "100");
      p.put(TrainerKeys.METRICS_PORT, "-1");
      p.put(SigningKey.CONFIG_KEY, Base64.getEncoder().encodeToString(raw));
      TrainerConfig config = TrainerConfig.load(ConfigSources.of(p));
      assertThat(config.bootstrapServers()).isEqualTo(kafka.tlsBootstrapServers());
      try (Admin admin = Admin.create(config.adminProperties())) {
        TopicAdmin.ensureTopics(admin, config);
      }
      client.send(config.topics().specs(), "iris", utf8(SPEC));
      for (int i = 0; i < IRIS.size(); i++) {
        client.send(config.topics().examples(), "iris", IRIS.json(i));
      }
      client.flush();

      try (TrainerApp app = TrainerApp.start(config, new SimpleMeterRegistry())) {
        ConsumerRecord<byte[], byte[]> record =
            client.awaitRecord(
                config.topics().snapshots(),
                r -> r.value() != null && new String(r.key()).equals("iris"),
                Duration.ofSeconds(120));

        ModelState state = SnapshotCodec.decode(record.value(), key);
        assertThat(state.examples()).isEqualTo(IRIS.size());
        assertSameModel(state, IRIS.train(SpecJson.parse(SPEC), IRIS.size()).learner().state());
      }
    }
  }
}
