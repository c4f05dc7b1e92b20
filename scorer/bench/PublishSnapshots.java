// Publishes snapshots of the benchmark model M (54 -> [64, 32] -> 7) to the snapshot topic:
// once, or at a fixed rate for a while (the hot-swap load of wrk.sh; paused with SIGSTOP and
// resumed with SIGCONT, it goes on at its rate without sending the missed ones in a burst). With
// --burst N it first sends N snapshots back to back: a warm-up for the broker's produce and fetch
// paths and the scorer's swap path, which at 10 a second take minutes to be compiled. Run in
// source mode with the scorer's runnable jar on the class path:
//
//   java -cp scorer/target/streamprop-scorer.jar scorer/bench/PublishSnapshots.java \
//       --bootstrap-server HOST:PORT --topic model-snapshots --model M \
//       [--burst 5000] [--rate 10 --seconds 30]
//
// A benchmark tool, not product code: it lives beside wrk.sh, not in the scorer's sources.

import io.streamprop.learn.OnlineLearner;
import io.streamprop.spec.SpecJson;
import io.streamprop.spec.SpecLimits;
import io.streamprop.wire.SnapshotCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

public class PublishSnapshots {
  static final String SPEC = "{\"inputs\": 54, \"classes\": 7, \"hidden\": [64, 32]}";

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      opts.put(args[i], args[i + 1]);
    }
    String bootstrap = opts.getOrDefault("--bootstrap-server", "127.0.0.1:9092");
    String topic = opts.getOrDefault("--topic", "model-snapshots");
    String model = opts.getOrDefault("--model", "M");
    double rate = Double.parseDouble(opts.getOrDefault("--rate", "0"));
    double seconds = Double.parseDouble(opts.getOrDefault("--seconds", "0"));
    long version = Long.parseLong(opts.getOrDefault("--first-version", "1"));
    int burst = Integer.parseInt(opts.getOrDefault("--burst", "0"));

    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(topic, 1, (short) 1)
                      .configs(
                          Map.of(
                              "cleanup.policy", "compact",
                              "segment.ms", "10000",
                              "min.cleanable.dirty.ratio", "0.01",
                              "max.message.bytes",
                                  Integer.toString(SpecLimits.MAX_SNAPSHOT_RECORD_BYTES)))))
          .all()
          .get();
    } catch (java.util.concurrent.ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw e;
      }
    }

    // Every snapshot is trained and encoded before the first is sent, so that while wrk measures
    // the scorer, this JVM only sends bytes: the swapping run measures the scorer's cost of a
    // swap, not the publisher's training, encoding and JIT compilation on the same two cores.
    int paced = rate <= 0 ? 1 : (int) Math.ceil(rate * seconds);
    int count = burst + paced;
    List<byte[]> snapshots = new ArrayList<>(count);
    OnlineLearner learner = OnlineLearner.create(SpecJson.parse(SPEC));
    Random random = new Random(1);
    learn(learner, random, 256);
    for (int i = 0; i < count; i++) {
      snapshots.add(SnapshotCodec.encode(learner.state().withVersion(version + i)));
      learn(learner, random, 16); // a new version differs from the last, as in training
    }
    Map<String, Object> props = new HashMap<>();
    props.put("bootstrap.servers", bootstrap);
    props.put("max.request.size", SpecLimits.MAX_SNAPSHOT_RECORD_BYTES);
    props.put("linger.ms", 0);
    byte[] key = model.getBytes(StandardCharsets.UTF_8);
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < burst; i++) {
        producer.send(new ProducerRecord<>(topic, key, snapshots.get(i))).get();
      }
      if (burst > 0) {
        System.out.printf("sent a burst of %d snapshots%n", burst);
      }
      long interval = rate <= 0 ? 0 : (long) (1e9 / rate);
      long next = System.nanoTime();
      for (int i = burst; i < count; i++) {
        if (i > burst) {
          next += interval;
          long now = System.nanoTime();
          if (now - next > interval) {
            next = now; // behind (wrk.sh pauses this process with SIGSTOP): no burst to catch up
          }
          LockSupport.parkNanos(next - now); // pacing: this is a rate, not a wait
        }
        producer.send(new ProducerRecord<>(topic, key, snapshots.get(i))).get();
      }
      System.out.printf(
          "published %d snapshots of %s, last version %d%n", count, model, version + count - 1);
    }
  }

  static void learn(OnlineLearner learner, Random random, int examples) {
    for (int i = 0; i < examples; i++) {
      float[] x = new float[54];
      for (int j = 0; j < 54; j++) {
        x[j] = (float) random.nextGaussian();
      }
      learner.learn(x, new float[] {random.nextInt(7)});
    }
  }
}
