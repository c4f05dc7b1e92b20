// The many-models benchmark's two Java halves (run in source mode with the scorer's runnable jar
// on the class path; scorer/bench/many-models.sh drives them):
//
//   publish: N models of the small spec (8 inputs, one hidden layer of 16, a single learner with
//     Adam), each trained on 32 examples of its own, encoded with SnapshotCodec and produced
//     straight to the snapshot topic (3 partitions, compacted; created if missing).
//       java -cp JAR scorer/bench/ManyModels.java publish --bootstrap-server H:P --topic T --models N
//   latency: single-instance predict requests, one at a time, to one model over and over (cached)
//     and to models drawn at random from all N (at 100,000 models, mostly evicted ones), printing
//     p50 / p99 / max in milliseconds of each kind.
//       java -cp JAR scorer/bench/ManyModels.java latency --port P --models N [--requests 2000]
//
// A benchmark tool, not product code: it lives beside the scripts, not in the scorer's sources.

import io.streamprop.learn.OnlineLearner;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import io.streamprop.spec.SpecLimits;
import io.streamprop.wire.SnapshotCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

public class ManyModels {
  static final String SPEC =
      "{\"inputs\": 8, \"classes\": 2, \"hidden\": [16], \"learner\": \"single\","
          + " \"optimizer\": {\"name\": \"adam\", \"learning_rate\": 0.01}}";
  static final String INSTANCE = "{\"instances\": [[0.5, -1, 2, 0, 1, 3, -2, 0.25]]}";

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new HashMap<>();
    for (int i = 1; i + 1 < args.length; i += 2) {
      opts.put(args[i], args[i + 1]);
    }
    int models = Integer.parseInt(opts.getOrDefault("--models", "1"));
    if (args[0].equals("publish")) {
      publish(
          opts.getOrDefault("--bootstrap-server", "127.0.0.1:9092"),
          opts.getOrDefault("--topic", "model-snapshots"),
          models);
    } else {
      latency(
          Integer.parseInt(opts.get("--port")),
          models,
          Integer.parseInt(opts.getOrDefault("--requests", "2000")));
    }
  }

  static void publish(String bootstrap, String topic, int models) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(topic, 3, (short) 1)
                      .configs(
                          Map.of(
                              "cleanup.policy", "compact",
                              "max.message.bytes",
                                  Integer.toString(SpecLimits.MAX_SNAPSHOT_RECORD_BYTES)))))
          .all()
          .get();
    } catch (java.util.concurrent.ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw e;
      }
    }
    Map<String, Object> props = new HashMap<>();
    props.put("bootstrap.servers", bootstrap);
    props.put("linger.ms", 20);
    props.put("batch.size", 1 << 20);
    ModelSpec spec = SpecJson.parse(SPEC);
    long bytes = 0;
    long start = System.nanoTime();
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int m = 0; m < models; m++) {
        OnlineLearner learner = OnlineLearner.create(spec);
        SplittableRandom random = new SplittableRandom(m);
        for (int i = 0; i < 32; i++) {
          float[] x = new float[8];
          for (int j = 0; j < 8; j++) {
            x[j] = (float) (random.nextDouble() * 2 - 1);
          }
          learner.learn(x, new float[] {x[0] + x[1] > 0 ? 1 : 0});
        }
        byte[] value = SnapshotCodec.encode(learner.state().withVersion(1));
        bytes += value.length;
        producer.send(
            new ProducerRecord<>(topic, ("model-" + m).getBytes(StandardCharsets.UTF_8), value));
      }
      producer.flush();
    }
    System.out.printf(
        "published %d snapshots of %d bytes on average in %.1f s%n",
        models, bytes / models, (System.nanoTime() - start) / 1e9);
  }

  static void latency(int port, int models, int requests) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < 500; i++) { // warm-up of both paths
      call(http, port, "model-0");
      call(http, port, "model-" + random.nextInt(models));
    }
    long[] cached = new long[requests];
    long[] spread = new long[requests];
    for (int i = 0; i < requests; i++) {
      cached[i] = call(http, port, "model-0");
      spread[i] = call(http, port, "model-" + random.nextInt(models));
    }
    print("one model (cached)", cached);
    print("random model of " + models, spread);
  }

  static long call(HttpClient http, int port, String model) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/v1/models/" + model + ":predict"))
            .POST(HttpRequest.BodyPublishers.ofString(INSTANCE))
            .build();
    long start = System.nanoTime();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    long elapsed = System.nanoTime() - start;
    if (response.statusCode() != 200) {
      throw new IllegalStateException(model + ": " + response.statusCode() + " " + response.body());
    }
    return elapsed;
  }

  static void print(String kind, long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    System.out.printf(
        "latency %s: p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
        kind,
        sorted[sorted.length / 2] / 1e6,
        sorted[(int) (sorted.length * 0.99)] / 1e6,
        sorted[sorted.length - 1] / 1e6);
  }
}
