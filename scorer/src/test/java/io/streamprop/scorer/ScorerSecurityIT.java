package io.streamprop.scorer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamprop.config.ConfigSources;
import io.streamprop.config.ScorerKeys;
import io.streamprop.learn.OnlineLearner;
import io.streamprop.learn.state.ModelState;
import io.streamprop.local.LocalKafka;
import io.streamprop.local.TlsFiles;
import io.streamprop.scorer.config.ScorerConfig;
import io.streamprop.spec.SpecJson;
import io.streamprop.spec.SpecLimits;
import io.streamprop.wire.SigningKey;
import io.streamprop.wire.SnapshotCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scorer against a real broker over its TLS listener only ({@code security.protocol=SSL} passed
 * through the scorer's config), with a signing key and bearer tokens configured: a signed snapshot
 * is served to a client with a token; a newer unsigned one and one signed with another key are
 * rejected and counted, and the signed version keeps serving.
 */
class ScorerSecurityIT {
  private static final Duration DEADLINE = Duration.ofSeconds(90);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String TOKEN = "predict-token-for-the-tls-test";
  private static final String ADMIN = "admin-token-for-the-tls-test";
  private static final String TOPIC = "model-snapshots";

  @Test
  void tlsBroker_signedSnapshotsOnly_servedToTokenHolders(@TempDir Path dir) throws Exception {
    byte[] rawKey = new byte[32];
    for (int i = 0; i < rawKey.length; i++) {
      rawKey[i] = (byte) (i * 7 + 1);
    }
    SigningKey key = SigningKey.of(rawKey);
    SigningKey otherKey = SigningKey.of(new byte[32]);
    TlsFiles tls = TlsFiles.selfSigned(dir.resolve("tls"));

    try (LocalKafka kafka = LocalKafka.builder().tls(tls).start()) {
      Map<String, Object> client = new LinkedHashMap<>(kafka.tlsClientProperties());
      try (Admin admin = Admin.create(client)) {
        admin
            .createTopics(
                List.of(
                    new NewTopic(TOPIC, 1, (short) 1)
                        .configs(
                            Map.of(
                                "cleanup.policy",
                                "compact",
                                "max.message.bytes",
                                Integer.toString(SpecLimits.MAX_SNAPSHOT_RECORD_BYTES)))))
            .all()
            .get();
      }
      Map<String, Object> producerProps = new LinkedHashMap<>(client);
      producerProps.put(
          ProducerConfig.MAX_REQUEST_SIZE_CONFIG, SpecLimits.MAX_SNAPSHOT_RECORD_BYTES);
      try (KafkaProducer<byte[], byte[]> producer =
          new KafkaProducer<>(
              producerProps, new ByteArraySerializer(), new ByteArraySerializer())) {
        Map<String, String> props = new HashMap<>();
        props.putAll(kafka.tlsClientProperties());
        props.put(ScorerKeys.HTTP_PORT, "0");
        props.put(ScorerKeys.HTTP_HOST, "127.0.0.1");
        props.put(ScorerKeys.SERVING_LOSS_ENABLED, "false");
        props.put(SigningKey.CONFIG_KEY, Base64.getEncoder().encodeToString(rawKey));
        props.put(ScorerKeys.AUTH_TOKENS, TOKEN);
        props.put(ScorerKeys.AUTH_ADMIN_TOKENS, ADMIN);

        try (Scorer scorer = new Scorer(ScorerConfig.load(ConfigSources.of(props))).start()) {
          awaitUntil("the scorer is ready over TLS", scorer::ready);
          send(producer, SnapshotCodec.encode(trained(1), 1_000, key));
          awaitUntil(
              "signed version 1 is served", () -> scorer.registry().servedVersion("iris") == 1);

          send(producer, SnapshotCodec.encode(trained(2), 2_000));
          send(producer, SnapshotCodec.encode(trained(3), 3_000, otherKey));
          awaitUntil(
              "both forged snapshots are counted",
              () -> {
                String scrape = get(scorer, "/metrics", null).body();
                return scrape.contains("reason=\"unsigned\"")
                    && scrape.contains("reason=\"bad_signature\"");
              });

          assertThat(scorer.registry().servedVersion("iris")).isEqualTo(1);
          HttpResponse<String> anonymous = predict(scorer, null);
          HttpResponse<String> withToken = predict(scorer, TOKEN);
          assertThat(anonymous.statusCode()).isEqualTo(401);
          assertThat(withToken.statusCode()).isEqualTo(200);
          assertThat(withToken.headers().firstValue("X-Model-Version")).hasValue("1");
          HttpResponse<String> model = get(scorer, "/v1/models/iris", ADMIN);
          assertThat(JSON.readTree(model.body()).get("model_version").asLong()).isEqualTo(1);
        }
      }
    }
  }

  private static ModelState trained(long version) {
    OnlineLearner learner =
        OnlineLearner.create(
            SpecJson.parse("{\"inputs\": 4, \"classes\": 3, \"hidden\": [8], \"batch_size\": 4}"));
    for (int i = 0; i < 32; i++) {
      learner.learn(new float[] {i % 5, i % 3, -i % 7, 1}, new float[] {i % 3});
    }
    return learner.state().withVersion(version);
  }

  private static void send(KafkaProducer<byte[], byte[]> producer, byte[] value) throws Exception {
    producer
        .send(new ProducerRecord<>(TOPIC, "iris".getBytes(StandardCharsets.UTF_8), value))
        .get();
  }

  private static HttpResponse<String> get(Scorer scorer, String path, String token)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + scorer.port() + path));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> predict(Scorer scorer, String token) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + scorer.port() + "/v1/models/iris:predict"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"instances\": [[1, 2, 3, 4]]}"));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void awaitUntil(String what, Callable<Boolean> condition) {
    // First check at once (Awaitility would otherwise wait one interval first), then poll every
    // 5 ms: the two cores are shared, so a busy spin would slow down what it waits for.
    await(what)
        .atMost(DEADLINE)
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(5))
        .until(condition);
  }
}
