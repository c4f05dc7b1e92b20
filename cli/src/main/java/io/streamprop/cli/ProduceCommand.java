package io.streamprop.cli;

import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import io.streamprop.wire.ExampleJson;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code streamprop produce}: writes the rows of a data file (CSV or JSON lines, optionally gzip)
 * to the examples topic as JSON examples keyed by the model id, in file order, with {@code
 * acks=all} and idempotence (nothing lost, nothing duplicated by retries). For a spec of numbers a
 * row is written as {@code {"features": [...], "label": n}}; for a spec with raw {@code features}
 * as a raw example record {@code {"features": {name: value, ...}, "label": "name"}} ({@link
 * io.streamprop.data.RawExamples}), which the trainer featurizes exactly as the file's row.
 *
 * <p>The model's spec is read from the model-specs topic first and the whole file is checked
 * against it before anything is sent (widths, labels, feature names; for raw features every row is
 * featurized), so a bad line stops the command with its line number instead of filling the
 * dead-letter topic. {@code --rate} paces the sending by the wall clock.
 *
 * <p>{@code --labels FILE} sends delayed labels instead ({@link LabelRecords}): JSON lines of
 * {@code {"id", "label", "model", "weight"}} to the labels topic keyed by the id, each line checked
 * first as the trainer's join checks it.
 */
@Command(
    name = "produce",
    description = {
      "Streams a data file to the examples topic as labeled examples of one model.",
      "With --labels, it sends delayed labels of logged predictions to the labels topic instead.",
      "The model must exist (streamprop model create); the file is checked against its spec first."
    })
final class ProduceCommand implements Callable<Integer> {

  @CommandLine.Spec private CommandSpec command;

  @CommandLine.Mixin private HelpOption help;

  @CommandLine.Mixin private KafkaOptions kafka;

  @CommandLine.ArgGroup(multiplicity = "1")
  private Input input;

  /** Examples ({@code --file}) or labels ({@code --labels}), one of them. */
  static final class Input {
    @Option(
        names = "--file",
        required = true,
        paramLabel = "FILE",
        description =
            "CSV (header row; label column `label`, else the last) or JSON lines; .gz ok.")
    Path file;

    @Option(
        names = "--labels",
        required = true,
        paramLabel = "FILE",
        description =
            "JSON lines {\"id\": ..., \"label\": ..., \"model\": optional, \"weight\": optional}"
                + " to the labels topic, keyed by id; .gz ok.")
    Path labels;
  }

  @Option(
      names = "--model",
      paramLabel = "ID",
      description =
          "The model id (required with --file; with --labels, the model of lines naming none).")
  private String model;

  @Option(
      names = "--rate",
      paramLabel = "N",
      description = "Examples per second (default: as fast as the broker takes them).")
  private Double rate;

  @Option(
      names = "--progress",
      paramLabel = "WHEN",
      defaultValue = "auto",
      description = "Progress bar on stderr: auto (when stderr is a terminal), always or never.")
  private Progress.Mode progressMode;

  @Override
  public Integer call() throws Exception {
    if (rate != null && !(rate > 0 && Double.isFinite(rate))) {
      throw new CommandLine.ParameterException(
          command.commandLine(), "--rate must be a positive number, got " + rate);
    }
    if (input.labels == null && model == null) {
      throw new CommandLine.ParameterException(
          command.commandLine(), "Missing required option: '--model=ID' (with --file)");
    }
    Properties client = kafka.connect();
    if (input.labels != null) {
      return produceLabels(client);
    }
    Path file = input.file;
    byte[] specJson = ModelTopics.readLatest(client, kafka.topics().specs()).get(model);
    if (specJson == null) {
      throw new UserException(
          "no model '"
              + model
              + "' on topic '"
              + kafka.topics().specs()
              + "'; create it first: streamprop model create --model "
              + model
              + " --spec SPEC.json");
    }
    ModelSpec spec = SpecJson.parse(new String(specJson, StandardCharsets.UTF_8));
    // A full pass first: every row checked against the spec, and the total for the bar.
    long total =
        spec.hasFeatures()
            ? DataReader.forEachRaw(file, spec, example -> {})
            : DataReader.forEach(file, spec, (features, label) -> {});

    PrintWriter err = command.commandLine().getErr();
    boolean showProgress =
        switch (progressMode) {
          case ALWAYS -> true;
          case NEVER -> false;
          case AUTO -> Progress.stderrIsTerminal();
        };
    Properties props = ModelTopics.producerProperties(client);
    props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
    byte[] key = model.getBytes(StandardCharsets.UTF_8);
    AtomicReference<Exception> failure = new AtomicReference<>();
    AtomicLong sent = new AtomicLong();
    long start = System.nanoTime();
    long[] lastDraw = {0};
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      Consumer<byte[]> send =
          value -> {
            if (failure.get() != null) {
              throw new UserException(
                  "cannot write to '" + kafka.topics().examples() + "': " + failure.get());
            }
            if (rate != null) {
              pace(start, sent.get());
            }
            producer.send(
                new ProducerRecord<>(kafka.topics().examples(), key, value),
                (metadata, e) -> {
                  if (e != null) {
                    failure.compareAndSet(null, e);
                  }
                });
            long n = sent.incrementAndGet();
            long now = System.nanoTime();
            if (showProgress && (now - lastDraw[0] > 250_000_000L || n == total)) {
              lastDraw[0] = now;
              err.print("\r" + bar(n, total, (now - start) / 1e9));
              err.flush();
            }
          };
      if (spec.hasFeatures()) {
        DataReader.forEachRaw(file, spec, example -> send.accept(example.recordBytes()));
      } else {
        DataReader.forEach(
            file,
            spec,
            (features, label) -> send.accept(ExampleJson.writeBytes(features, label, spec.task())));
      }
      producer.flush();
    }
    if (showProgress) {
      err.println();
      err.flush();
    }
    if (failure.get() != null) {
      throw new UserException(
          "cannot write to '" + kafka.topics().examples() + "': " + failure.get().getMessage());
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    PrintWriter out = command.commandLine().getOut();
    out.printf(
        Locale.ROOT,
        "produced %,d examples of model '%s' to '%s' in %.1f s (%,.0f/s)%n",
        sent.get(),
        model,
        kafka.topics().examples(),
        seconds,
        sent.get() / Math.max(seconds, 1e-9));
    out.flush();
    return 0;
  }

  /**
   * {@code --labels}: every line checked first ({@link LabelRecords}), then each record sent to the
   * labels topic keyed by its id, in file order.
   */
  private int produceLabels(Properties client) {
    LabelRecords records = new LabelRecords(ModelTopics.readLatest(client, kafka.topics().specs()));
    records.forEach(input.labels, model, label -> {});
    String topic = kafka.topics().labels();
    AtomicReference<Exception> failure = new AtomicReference<>();
    AtomicLong sent = new AtomicLong();
    long start = System.nanoTime();
    Properties props = ModelTopics.producerProperties(client);
    props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      records.forEach(
          input.labels,
          model,
          label -> {
            if (failure.get() != null) {
              throw new UserException("cannot write to '" + topic + "': " + failure.get());
            }
            if (rate != null) {
              pace(start, sent.get());
            }
            producer.send(
                new ProducerRecord<>(topic, label.key(), label.value()),
                (metadata, e) -> {
                  if (e != null) {
                    failure.compareAndSet(null, e);
                  }
                });
            sent.incrementAndGet();
          });
      producer.flush();
    }
    if (failure.get() != null) {
      throw new UserException("cannot write to '" + topic + "': " + failure.get().getMessage());
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    PrintWriter out = command.commandLine().getOut();
    out.printf(
        Locale.ROOT,
        "produced %,d labels to '%s' in %.1f s (%,.0f/s)%n",
        sent.get(),
        topic,
        seconds,
        sent.get() / Math.max(seconds, 1e-9));
    out.flush();
    return 0;
  }

  /** Waits until {@code sent + 1} examples are due at {@code rate} since {@code start}. */
  private void pace(long start, long sent) {
    while ((System.nanoTime() - start) / 1e9 * rate < sent + 1) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
  }

  /** {@code [########## ] 50% 1,000/2,000 (2,000/s)}. */
  static String bar(long done, long total, double seconds) {
    int width = 30;
    double fraction = total == 0 ? 1 : Math.min(1, (double) done / total);
    int filled = (int) Math.round(fraction * width);
    return String.format(
        Locale.ROOT,
        "[%s%s] %3d%% %,d/%,d (%,.0f/s)",
        "#".repeat(filled),
        " ".repeat(width - filled),
        Math.round(fraction * 100),
        done,
        total,
        done / Math.max(seconds, 1e-9));
  }
}
