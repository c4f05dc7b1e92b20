package io.streamprop.trainer.bench;

import io.streamprop.config.ConfigSources;
import io.streamprop.config.Topics;
import io.streamprop.config.TrainerKeys;
import io.streamprop.local.LocalKafka;
import io.streamprop.nn.kernel.Kernels;
import io.streamprop.trainer.TrainerMain;
import io.streamprop.trainer.admin.TopicAdmin;
import io.streamprop.trainer.config.TrainerConfig;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;

/**
 * The trainer scale-out benchmark (run by {@code trainer/bench/scale-out.sh}, not a test): on one
 * local broker (a child JVM), an {@code examples} topic of {@link #PARTITIONS} partitions holding N
 * examples of {@link #MODELS} models of model M at mini-batch 8 (one model per partition, examples
 * spread evenly), pre-produced once; then trainers as a user runs them, each instance a JVM of its
 * own ({@code TrainerMain --config FILE}): 1, 2 and 3 instances of one stream thread, and one
 * instance of 1, 2 and 4 stream threads. Each configuration is a fresh application id (it reads the
 * topic from offset 0) with fresh state directories; it is done when the committed offset of every
 * partition reaches the partition's end. The whole list runs {@code ROUNDS} times in alternating
 * order. Per run: examples/s from the first instance's start, examples/s from the first commit on
 * (JVM start and the first assignment excluded), and examples per CPU-second of the trainer
 * processes and of the broker over that steady window ({@code /proc/PID/stat}'s utime + stime,
 * through {@link ProcessHandle.Info#totalCpuDuration()}). Prints a markdown section.
 */
public final class ScaleOut {
  static final int PARTITIONS = 6;
  static final int MODELS = PARTITIONS;

  /** Model M (54→[64,32]→7, Adam) as one learner at mini-batch 8. */
  static final String SPEC =
      "{\"inputs\": 54, \"classes\": 7, \"learner\": \"single\", \"hidden\": [64, 32],"
          + " \"batch_size\": 8, \"optimizer\": {\"name\": \"adam\"},"
          + " \"snapshot\": {\"every_examples\": 10000, \"every_seconds\": 5}}";

  static final String TOPIC_PREFIX = "scale.";

  /** Heap of each trainer instance: six small models need little. */
  static final String TRAINER_HEAP = "-Xmx512m";

  /** Trainer instances × stream threads per instance. */
  record Setup(int instances, int threads) {
    String name() {
      return instances + "x" + threads;
    }
  }

  static final List<Setup> SETUPS =
      List.of(new Setup(1, 1), new Setup(2, 1), new Setup(3, 1), new Setup(1, 2), new Setup(1, 4));

  /**
   * One configuration's run: wall seconds from the first start to the end; from the first commit to
   * the end, the examples committed, and the CPU-seconds of the trainers and of the broker.
   */
  record Run(
      Setup setup,
      int round,
      long examples,
      double seconds,
      long steadyExamples,
      double steadySeconds,
      double trainerCpuSeconds,
      double brokerCpuSeconds) {
    double perSecond() {
      return examples / seconds;
    }

    double steadyPerSecond() {
      return steadyExamples / steadySeconds;
    }

    double perTrainerCpuSecond() {
      return steadyExamples / trainerCpuSeconds;
    }

    double perCpuSecond() {
      return steadyExamples / (trainerCpuSeconds + brokerCpuSeconds);
    }
  }

  public static void main(String[] args) throws Exception {
    long n = args.length > 0 ? Long.parseLong(args[0]) : 1_200_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    List<Setup> setups = args.length > 2 ? setups(args[2]) : SETUPS;
    double load =
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    Path dir = BenchDirs.temporary("scale-out");
    List<Run> runs = new ArrayList<>();
    try (LocalKafka kafka = LocalKafka.builder().mode(LocalKafka.Mode.CHILD_PROCESS).start();
        Children children = new Children(dir)) {
      String bootstrap = kafka.bootstrapServers();
      // The broker is this JVM's only child so far.
      List<ProcessHandle> broker = ProcessHandle.current().children().toList();
      TrainerConfig config = TrainerConfig.load(ConfigSources.of(properties(bootstrap, "setup")));
      try (Admin admin = Admin.create(config.adminProperties())) {
        TopicAdmin.ensureTopics(admin, config);
      }
      List<String> keys = modelKeys(PARTITIONS);
      System.err.printf("producing %,d examples of %d models %s%n", n, MODELS, keys);
      produce(bootstrap, config.topics(), keys, n);
      Map<TopicPartition, Long> ends = endOffsets(config);
      System.err.println("end offsets " + ends.values());
      for (int round = 0; round < rounds; round++) {
        List<Setup> order = new ArrayList<>(setups);
        if (round % 2 == 1) {
          java.util.Collections.reverse(order);
        }
        for (Setup setup : order) {
          Run run = run(bootstrap, config, ends, setup, round, dir, children, broker);
          System.err.printf(
              Locale.ROOT,
              "round %d, %s: first commit after %.1f s, %,.0f examples/s, steady %,.0f/s,"
                  + " %,.0f per trainer CPU-s, broker %.1f CPU-s%n",
              round + 1,
              setup.name(),
              run.seconds() - run.steadySeconds(),
              run.perSecond(),
              run.steadyPerSecond(),
              run.perTrainerCpuSecond(),
              run.brokerCpuSeconds());
          runs.add(run);
        }
      }
    }
    System.out.print(ScaleOutReport.markdown(n, rounds, setups, load, runs));
  }

  /** "1x1,2x1": instances x threads, the configurations to run (default {@link #SETUPS}). */
  static List<Setup> setups(String list) {
    List<Setup> setups = new ArrayList<>();
    for (String s : list.split(",")) {
      String[] parts = s.trim().split("x");
      if (parts.length != 2) {
        throw new IllegalArgumentException(
            "setups: expected INSTANCESxTHREADS such as 2x1, got \"" + s + "\"");
      }
      setups.add(new Setup(Integer.parseInt(parts[0]), Integer.parseInt(parts[1])));
    }
    return List.copyOf(setups);
  }

  /**
   * One model id per partition: {@code keys.get(p)} lands on partition p under Kafka's default
   * partitioner ({@code toPositive(murmur2(key)) % partitions}), so each model is one task's.
   */
  static List<String> modelKeys(int partitions) {
    String[] keys = new String[partitions];
    int found = 0;
    for (int i = 0; found < partitions; i++) {
      String key = "model-" + i;
      int p = Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
      if (keys[p] == null) {
        keys[p] = key;
        found++;
      }
    }
    return List.of(keys);
  }

  /** The trainer configuration of one instance, as a properties map. */
  static Map<String, String> properties(String bootstrap, String applicationId) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("bootstrap.servers", bootstrap);
    p.put("application.id", "bench-scale-" + applicationId);
    p.put(Topics.PREFIX, TOPIC_PREFIX);
    p.put(TrainerKeys.TOPIC_PARTITIONS, Integer.toString(PARTITIONS));
    p.put(TrainerKeys.METRICS_PORT, "-1");
    return p;
  }

  /** The specs, then the examples: example j trains model j mod MODELS. */
  static void produce(String bootstrap, Topics topics, List<String> keys, long n) {
    int chunk = 6_000;
    try (KafkaProducer<byte[], byte[]> producer = TrainerThroughput.producer(bootstrap)) {
      for (String key : keys) {
        producer.send(
            new ProducerRecord<>(
                topics.specs(),
                key.getBytes(StandardCharsets.UTF_8),
                SPEC.getBytes(StandardCharsets.UTF_8)));
      }
      for (long from = 0; from < n; from += chunk) {
        byte[][] values = TrainerThroughput.examples((int) Math.min(chunk, n - from), 7 + from);
        for (int i = 0; i < values.length; i++) {
          byte[] key = keys.get((int) ((from + i) % keys.size())).getBytes(StandardCharsets.UTF_8);
          producer.send(new ProducerRecord<>(topics.examples(), key, values[i]));
        }
      }
    }
  }

  /** The end offset of each partition of {@code examples}. */
  static Map<TopicPartition, Long> endOffsets(TrainerConfig config) throws Exception {
    try (Admin admin = Admin.create(config.adminProperties())) {
      return endOffsets(admin, config.topics().examples());
    }
  }

  static Map<TopicPartition, Long> endOffsets(Admin admin, String topic) throws Exception {
    Map<TopicPartition, OffsetSpec> request = new LinkedHashMap<>();
    for (int p = 0; p < PARTITIONS; p++) {
      request.put(new TopicPartition(topic, p), OffsetSpec.latest());
    }
    var result = admin.listOffsets(request).all().get();
    Map<TopicPartition, Long> ends = new LinkedHashMap<>();
    for (TopicPartition tp : request.keySet()) {
      ends.put(tp, result.get(tp).offset());
    }
    return ends;
  }

  /** Records on the dead-letters topic: a run that adds any measured rejection, not training. */
  static long deadLetters(Admin admin, TrainerConfig config) throws Exception {
    return endOffsets(admin, config.topics().deadLetters()).values().stream()
        .mapToLong(Long::longValue)
        .sum();
  }

  static Run run(
      String bootstrap,
      TrainerConfig config,
      Map<TopicPartition, Long> ends,
      Setup setup,
      int round,
      Path dir,
      Children children,
      List<ProcessHandle> broker)
      throws Exception {
    String id = setup.name() + "-r" + (round + 1);
    long total = ends.values().stream().mapToLong(Long::longValue).sum();
    long deadBefore;
    try (Admin admin = Admin.create(config.adminProperties())) {
      deadBefore = deadLetters(admin, config);
    }
    List<Process> trainers = new ArrayList<>();
    long start = System.nanoTime();
    for (int i = 0; i < setup.instances(); i++) {
      Map<String, String> p = properties(bootstrap, id);
      p.put("state.dir", dir.resolve(id).resolve("instance-" + i).toString());
      p.put("num.stream.threads", Integer.toString(setup.threads()));
      Path file = dir.resolve(id + "-" + i + ".properties");
      StringBuilder text = new StringBuilder();
      p.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
      Files.writeString(file, text);
      trainers.add(children.start(id + "-" + i + ".log", "--config", file.toString()));
    }
    String group = properties(bootstrap, id).get("application.id");
    long first = 0;
    long firstDone = 0;
    double firstTrainerCpu = 0;
    double firstBrokerCpu = 0;
    try (Admin admin = Admin.create(config.adminProperties())) {
      while (true) {
        for (Process t : trainers) {
          if (!t.isAlive()) {
            throw new IllegalStateException(
                "trainer " + t.pid() + " exited with " + t.exitValue() + "; see its log in " + dir);
          }
        }
        Map<TopicPartition, OffsetAndMetadata> committed =
            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        long done = 0;
        boolean finished = true;
        for (var end : ends.entrySet()) {
          OffsetAndMetadata c = committed.get(end.getKey());
          long offset = c == null ? 0 : c.offset();
          done += offset;
          finished &= offset >= end.getValue();
        }
        long now = System.nanoTime();
        if (first == 0 && done > 0) {
          first = now;
          firstDone = done;
          firstTrainerCpu = cpuSeconds(trainers.stream().map(Process::toHandle).toList());
          firstBrokerCpu = cpuSeconds(broker);
        }
        if (finished) {
          long dead = deadLetters(admin, config) - deadBefore;
          if (dead > 0) {
            throw new IllegalStateException(
                id
                    + ": "
                    + dead
                    + " records dead-lettered, so not every example trained; see the"
                    + " trainer logs in "
                    + dir);
          }
          double trainerCpu = cpuSeconds(trainers.stream().map(Process::toHandle).toList());
          double brokerCpu = cpuSeconds(broker);
          return new Run(
              setup,
              round,
              total,
              (now - start) / 1e9,
              total - firstDone,
              (now - first) / 1e9,
              trainerCpu - firstTrainerCpu,
              brokerCpu - firstBrokerCpu);
        }
        LockSupport.parkNanos(100_000_000);
      }
    } finally {
      children.stop(trainers);
    }
  }

  /** utime + stime of the processes, in seconds (Linux reads them from /proc/PID/stat). */
  static double cpuSeconds(List<ProcessHandle> processes) {
    double seconds = 0;
    for (ProcessHandle p : processes) {
      seconds += p.info().totalCpuDuration().orElse(Duration.ZERO).toNanos() / 1e9;
    }
    return seconds;
  }

  /** Trainer JVMs on this JVM's class path; a shutdown hook kills any still alive. */
  static final class Children implements AutoCloseable {
    private final List<Process> processes = new ArrayList<>();
    private final Thread hook = new Thread(this::killAll, "scale-out-children-kill");
    private final Path logDir;

    Children(Path logDir) {
      this.logDir = logDir;
      Runtime.getRuntime().addShutdownHook(hook);
    }

    synchronized Process start(String logName, String... args) throws IOException {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.add(TRAINER_HEAP);
      // The trainer's own logging (the test class path's logback-test.xml would silence it).
      URL logback = ScaleOut.class.getClassLoader().getResource("logback.xml");
      if (logback != null) {
        command.add("-Dlogback.configurationFile=" + logback);
      }
      // The engine's vector kernels, as the launcher and the images run them.
      if (Kernels.vectorAvailable()) {
        command.add("--add-modules=" + Kernels.VECTOR_MODULE);
      }
      String flags = System.getenv().getOrDefault("TRAINER_JAVA_FLAGS", "").trim();
      if (!flags.isEmpty()) {
        command.addAll(Arrays.asList(flags.split("\\s+")));
      }
      command.add("-cp");
      command.add(System.getProperty("java.class.path"));
      command.add(TrainerMain.class.getName());
      command.addAll(List.of(args));
      ProcessBuilder builder = new ProcessBuilder(command);
      builder.redirectErrorStream(true);
      builder.redirectOutput(logDir.resolve(logName).toFile());
      Process process = builder.start();
      processes.add(process);
      return process;
    }

    /** SIGTERM (the trainer closes cleanly), then SIGKILL after 60 s. */
    void stop(List<Process> stopping) throws InterruptedException {
      for (Process p : stopping) {
        p.destroy();
      }
      for (Process p : stopping) {
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
      }
    }

    private synchronized void killAll() {
      for (Process p : processes) {
        p.destroyForcibly();
      }
    }

    @Override
    public void close() {
      killAll();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // The JVM is already shutting down; the hook runs anyway.
      }
    }
  }
}
