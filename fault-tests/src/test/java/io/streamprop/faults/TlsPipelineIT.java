package io.streamprop.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamprop.faults.rig.Children;
import io.streamprop.faults.rig.FaultReport;
import io.streamprop.faults.rig.Pipeline;
import io.streamprop.faults.rig.ScorerClient;
import io.streamprop.faults.rig.SyntheticStream;
import io.streamprop.learn.Predictor;
import io.streamprop.learn.state.ModelState;
import io.streamprop.local.LocalKafka;
import io.streamprop.local.TlsFiles;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import io.streamprop.trainer.TrainerApp;
import io.streamprop.trainer.config.TrainerConfig;
import io.streamprop.trainer.testing.KafkaTestClient;
import io.streamprop.trainer.testing.States;
import io.streamprop.wire.SigningKey;
import io.streamprop.wire.SnapshotCodec;
import io.streamprop.wire.SnapshotException;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline over TLS with SASL authentication, as a secure deployment runs it: a broker
 * whose only client listener is SASL_SSL ({@link LocalKafka.Builder#tlsOnly} and {@link
 * LocalKafka.Builder#saslPlain}: no plaintext listener exists, and every client must authenticate),
 * and the trainer and the scorer configured through their properties files with the TLS bootstrap
 * address, {@code security.protocol=SASL_SSL}, the trust store, {@code sasl.mechanism} and {@code
 * sasl.jaas.config} (passed through to every Kafka client: the trainer's Streams producer,
 * consumers and admin client, the scorer's snapshot consumer), and one snapshot signing key in
 * both. The scorer is a child JVM ({@code ScorerMain --config FILE}); the trainer is a {@link
 * TrainerApp} (what {@code TrainerMain} runs) in this JVM, with the {@link TrainerConfig} read from
 * its file, which saves a JVM start on the critical path. A spec and examples are produced over
 * SASL_SSL; the trainer publishes a signed snapshot; the scorer serves it; real HTTP predictions
 * equal the offline {@link Predictor} of the snapshot read back from the topic, bit for bit. A
 * plaintext client and a client with a wrong password are both refused.
 */
class TlsPipelineIT {
  static final String SPEC =
      "{\"inputs\": 8, \"classes\": 4, \"learner\": \"single\", \"hidden\": [16, 8],"
          + " \"snapshot\": {\"every_examples\": 1000, \"every_seconds\": 0}}";
  static final int ROWS = 2_000;
  static final Duration TIMEOUT = Duration.ofSeconds(90);
  static final String SASL_USER = "streamprop";
  static final String SASL_PASSWORD = "pipeline-secret";

  @TempDir Path dir;

  @Test
  void tlsOnlyBroker_signedPipeline_servesTheOfflineModel() throws Exception {
    long testStart = System.nanoTime();
    byte[] rawKey = new byte[32];
    for (int i = 0; i < rawKey.length; i++) {
      rawKey[i] = (byte) (13 * i + 3);
    }
    SigningKey key = SigningKey.of(rawKey);
    SyntheticStream stream = new SyntheticStream(57, 8, 4, ROWS);
    ModelSpec spec = SpecJson.parse(SPEC);
    TlsFiles tls = TlsFiles.selfSigned(dir.resolve("tls"));
    int port = Pipeline.freePort();
    ScorerClient scorer = new ScorerClient(port);
    Map<String, Object> figures = new LinkedHashMap<>();

    long brokerStart = System.nanoTime();
    try (LocalKafka kafka =
            LocalKafka.builder().tlsOnly(tls).saslPlain(SASL_USER, SASL_PASSWORD).start();
        Children children = new Children(dir);
        KafkaTestClient client = new KafkaTestClient(kafka.tlsClientProperties())) {
      figures.put(
          "broker start, SASL_SSL listener only (ms)", FaultReport.millisSince(brokerStart));
      // Nothing listens in plaintext: the client listeners are TLS only, and a plaintext client
      // pointed at the client port gets no answer.
      assertThat(kafka.hasPlaintextListener()).isFalse();
      assertThat(kafka.brokerConfig().get("advertised.listeners"))
          .isEqualTo("SSL://" + kafka.tlsBootstrapServers());
      assertThat(kafka.brokerConfig().get("listeners")).doesNotContain("PLAINTEXT://");
      assertThat(kafka.brokerConfig().get("listener.security.protocol.map"))
          .contains("SSL:SASL_SSL");

      Map<String, String> common = new LinkedHashMap<>(kafka.tlsClientProperties());
      common.put(SigningKey.CONFIG_KEY, Base64.getEncoder().encodeToString(rawKey));
      Pipeline pipeline = new Pipeline(common, dir, children, "tls");
      TrainerConfig config = pipeline.config();
      // The spec is on its topic before the trainer starts: specs are a global store, bootstrapped
      // at start, and an example that overtook its spec would be dead-lettered as unknown_model.
      client.send(config.topics().specs(), "m", KafkaTestClient.utf8(SPEC));
      client.flush();
      // The scorer's JVM boots while the trainer starts, the examples are produced and the
      // plaintext probe waits.
      long scorerStart = System.nanoTime();
      Process scorerProcess = pipeline.startScorer("scorer.log", port);
      long trainerStart = System.nanoTime();
      try (TrainerApp trainer = TrainerApp.start(config, new SimpleMeterRegistry())) {
        for (int r = 0; r < ROWS; r++) {
          client.send(config.topics().examples(), "m", stream.json(r));
        }
        client.flush();
        assertPlaintextRefused(kafka.tlsBootstrapServers());
        assertWrongPasswordRefused(kafka.tlsClientProperties());
        // Each app's own file holds the TLS address only, with SSL: the way a user configures it.
        for (Path file : new Path[] {pipeline.trainerConfigFile(), pipeline.scorerConfigFile()}) {
          Properties written = read(file);
          assertThat(written.getProperty("bootstrap.servers"))
              .as(file.getFileName().toString())
              .isEqualTo(kafka.tlsBootstrapServers());
          assertThat(written.getProperty("security.protocol")).isEqualTo("SASL_SSL");
          assertThat(written.getProperty("sasl.mechanism")).isEqualTo("PLAIN");
          assertThat(written.getProperty("sasl.jaas.config")).contains(SASL_USER);
          assertThat(written.getProperty("ssl.truststore.location"))
              .isEqualTo(tls.trustStore().toString());
        }

        ConsumerRecord<byte[], byte[]> record =
            client.awaitRecord(
                config.topics().snapshots(),
                r -> r.value() != null && SnapshotCodec.decode(r.value(), key).examples() == ROWS,
                TIMEOUT);
        figures.put(
            "trainer start to the signed snapshot of every example (ms)",
            FaultReport.millisSince(trainerStart));
        ModelState state = SnapshotCodec.decode(record.value(), key);
        States.assertSameModel(state, stream.train(spec, ROWS).state());
        SigningKey otherKey = SigningKey.of(new byte[32]);
        assertThatThrownBy(() -> SnapshotCodec.decode(record.value(), otherKey))
            .as("the snapshot is signed with the configured key")
            .isInstanceOf(SnapshotException.class);

        scorer.awaitReady(TIMEOUT, scorerProcess);
        long served = scorer.awaitVersion("m", state.version(), TIMEOUT);
        figures.put(
            "scorer start to serving that version (ms)", FaultReport.millisSince(scorerStart));
        assertThat(served).isEqualTo(state.version());

        Predictor offline = Predictor.of(state);
        float[][] instances = {stream.features(0), stream.features(1), stream.features(ROWS - 1)};
        ScorerClient.Answer answer = scorer.predict("m", instances);
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body().get("model_version").asLong()).isEqualTo(state.version());
        assertThat(
                ScorerClient.mismatch(
                    answer, v -> v == state.version() ? offline : null, instances))
            .isNull();
        assertThat(scorer.metric("streamprop_snapshots_rejected_total"))
            .as("every snapshot the scorer read was signed with its key")
            .isZero();

        figures.put("examples produced over SASL_SSL", ROWS);
        figures.put("snapshot version served", served);
        figures.put("snapshot vs offline run", "bit-identical");
        figures.put("HTTP predictions vs offline predictor", "bit-identical (3 instances)");
        figures.put("whole scenario (ms)", FaultReport.millisSince(testStart));
        FaultReport.write(
            "Pipeline over a broker with only a SASL_SSL listener, signed snapshots", figures);
      }
    }
  }

  /**
   * A client with the right TLS settings and a wrong password is refused by SASL: the listener
   * authenticates every client. The refusal comes as soon as the handshake is done; the limits are
   * generous so that a slow handshake on a loaded machine is never mistaken for the outcome (a
   * timeout instead of the authentication error would fail the check).
   */
  private static void assertWrongPasswordRefused(Map<String, String> clientProperties) {
    Map<String, Object> wrong = new LinkedHashMap<>(clientProperties);
    wrong.put("sasl.jaas.config", LocalKafka.plainJaasConfig(SASL_USER, "not-the-password"));
    wrong.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
    wrong.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
    try (Admin admin = Admin.create(wrong)) {
      assertThatThrownBy(
              () ->
                  admin
                      .describeCluster()
                      .clusterId()
                      .get(TIMEOUT.multipliedBy(2).toMillis(), TimeUnit.MILLISECONDS))
          .as("a client with a wrong password is refused")
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(SaslAuthenticationException.class);
    }
  }

  /**
   * A plaintext client at the TLS port gets no metadata: the TLS listener speaks only TLS. Its
   * short limits only bound how long the expected failure takes: a loaded machine can slow the
   * client down but cannot make it succeed.
   */
  private static void assertPlaintextRefused(String bootstrap) {
    Map<String, Object> plaintext = new LinkedHashMap<>();
    plaintext.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    plaintext.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000);
    plaintext.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000);
    try (Admin admin = Admin.create(plaintext)) {
      assertThatThrownBy(() -> admin.describeCluster().clusterId().get(10, TimeUnit.SECONDS))
          .as("a plaintext client reaches no broker")
          .isInstanceOfAny(ExecutionException.class, TimeoutException.class);
    }
  }

  private static Properties read(Path file) throws IOException {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file)) {
      properties.load(reader);
    }
    return properties;
  }
}
