package io.streamprop.trainer.bench;

import io.streamprop.trainer.join.LabelJoin;
import io.streamprop.trainer.join.MockJoins;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Join throughput on one thread (not a test; {@code java -cp ... JoinThroughput [labels]}): the
 * {@link LabelJoin} processor alone, over its RocksDB stores (changelogging off: the changelog
 * records are sent by the producer thread and batched), fed N logged predictions of an iris model
 * and then their N labels, in rounds; prints labels joined per second (the label phase alone) and
 * predictions logged per second, by the wall clock and per second of the thread's own CPU time
 * (what one stream thread does with a core to itself, on a machine shared with other work). The
 * mock context records the stores' DEBUG-level sensors, which the trainer (level INFO) does not:
 * the figure is conservative.
 */
public final class JoinThroughput {
  private JoinThroughput() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    Path dir = BenchDirs.temporary("join-bench");
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "join-bench");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, dir.toString());
    MockProcessorContext<byte[], byte[]> context =
        new MockProcessorContext<>(props, new TaskId(0, 0), dir.toFile());
    LabelJoin join = MockJoins.start(context, true, 50);
    byte[] label = "{\"label\": 1}".getBytes(StandardCharsets.UTF_8);
    long t = 1_733_480_000_000L;
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    for (int r = 0; r < rounds; r++) {
      long start = System.nanoTime();
      long cpuStart = cpu.getCurrentThreadCpuTime();
      context.setRecordMetadata("predictions", 0, 0);
      for (int i = 0; i < n; i++) {
        String id = "order-" + r + "-" + i;
        byte[] value =
            ("{\"id\": \""
                    + id
                    + "\", \"model\": \"iris\", \"version\": 3, \"time\": "
                    + t
                    + ", \"features\": [5.1, 3.5, 1.4, 0.2], \"prediction\": {\"class\": 0,"
                    + " \"probabilities\": [0.9, 0.05, 0.05]}}")
                .getBytes(StandardCharsets.UTF_8);
        join.process(new Record<>(id.getBytes(StandardCharsets.UTF_8), value, t));
        if ((i & 4095) == 0) {
          context.resetForwards();
        }
      }
      long predicted = System.nanoTime();
      long cpuPredicted = cpu.getCurrentThreadCpuTime();
      context.setRecordMetadata("labels", 0, 0);
      for (int i = 0; i < n; i++) {
        byte[] id = ("order-" + r + "-" + i).getBytes(StandardCharsets.UTF_8);
        join.process(new Record<>(id, label, t + 1000));
        if ((i & 4095) == 0) {
          context.resetForwards();
        }
      }
      long labeled = System.nanoTime();
      long cpuLabeled = cpu.getCurrentThreadCpuTime();
      int joined = context.forwarded().size();
      context.resetForwards();
      System.out.printf(
          Locale.ROOT,
          "round %d: %,.0f predictions/s, %,.0f labels/s joined (wall clock); per second of the"
              + " thread's CPU: %,.0f predictions, %,.0f labels (last batch %d)%n",
          r,
          n / ((predicted - start) / 1e9),
          n / ((labeled - predicted) / 1e9),
          n / ((cpuPredicted - cpuStart) / 1e9),
          n / ((cpuLabeled - cpuPredicted) / 1e9),
          joined);
    }
  }
}
