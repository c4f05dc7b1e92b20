package io.streamprop.scorer.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.streamprop.config.Topics;
import io.streamprop.features.FeatureRow;
import io.streamprop.learn.Ewma;
import io.streamprop.scorer.metrics.ScorerMetrics;
import io.streamprop.scorer.registry.ModelRegistry;
import io.streamprop.scorer.registry.ServedModel;
import io.streamprop.spec.ModelSpec;
import io.streamprop.wire.Example;
import io.streamprop.wire.ExampleException;
import io.streamprop.wire.ExampleParser;
import io.streamprop.wire.RejectReason;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores the labeled examples with the model being served at that moment, so that a dashboard shows
 * the loss of what clients actually get, next to a constant baseline ({@link ServingStats}).
 *
 * <p>Its own consumer group ({@code streamprop.serving.loss.group.id}) on the examples topic,
 * starting at the latest offset on first start: the serving loss is about new labels. Examples are
 * parsed with the served model's spec ({@link ExampleParser}); those that do not parse are counted
 * by reason (the trainer dead-letters them), and those of models not served are counted under the
 * model {@code unknown}. Each poll's examples of one model are predicted in one batch.
 *
 * <p>It subscribes only once the topic exists: until then it looks the topic up every second and
 * says, every 30 s, that there is no serving loss until the topic exists ({@link TopicPresence}).
 * Predictions and readiness do not wait for it.
 *
 * <p>Meters (see {@code docs/metrics.md}): gauges {@code streamprop.serving.loss}, {@code
 * .accuracy} or {@code .mse}, and the same under {@code streamprop.serving.baseline.}; counters
 * {@code streamprop.serving.examples} by {@code outcome} and {@code
 * streamprop.serving.examples.rejected} by {@code reason}.
 */
public final class ServingLossConsumer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ServingLossConsumer.class);
  private static final Duration POLL = Duration.ofMillis(200);

  private final Map<String, Object> kafka;
  private final String topic;
  private final ModelRegistry registry;
  private final MeterRegistry meters;
  private final double halfLife;
  private final TopicPresence presence;
  private final Thread thread;
  private final CountDownLatch stopped = new CountDownLatch(1);

  /** Evaluation state per model name; written by the consumer thread, read by scrapes. */
  private final ConcurrentHashMap<String, Evaluation> evaluations = new ConcurrentHashMap<>();

  private final Set<String> gaugesRegistered = ConcurrentHashMap.newKeySet();
  private volatile KafkaConsumer<byte[], byte[]> consumer;
  private volatile boolean running = true;

  /** The parser and statistics of one model, replaced when its spec changes. */
  private record Evaluation(ModelSpec spec, ExampleParser parser, ServingStats stats) {}

  public ServingLossConsumer(
      Map<String, Object> kafka,
      String groupId,
      String topic,
      double halfLife,
      ModelRegistry registry,
      ScorerMetrics metrics) {
    this.kafka = consumerProperties(kafka, groupId);
    this.topic = topic;
    this.registry = registry;
    this.meters = metrics.registry();
    this.halfLife = halfLife;
    this.presence =
        new TopicPresence(log, topic, Topics.EXAMPLES, "no serving loss", System::nanoTime);
    this.thread = new Thread(this::run, "scorer-serving-loss");
    this.thread.setDaemon(true);
  }

  static Map<String, Object> consumerProperties(Map<String, Object> kafka, String groupId) {
    Map<String, Object> props = new HashMap<>(kafka);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "streamprop-scorer-examples");
    props.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, true);
    props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    return props;
  }

  public void start() {
    thread.start();
  }

  private void run() {
    try (KafkaConsumer<byte[], byte[]> kafkaConsumer = new KafkaConsumer<>(kafka);
        KafkaClientMetrics clientMetrics = new KafkaClientMetrics(kafkaConsumer)) {
      consumer = kafkaConsumer;
      clientMetrics.bindTo(meters);
      if (!awaitTopic(kafkaConsumer)) {
        return;
      }
      kafkaConsumer.subscribe(List.of(topic));
      while (running) {
        process(kafkaConsumer.poll(POLL));
      }
    } catch (WakeupException | InterruptedException e) {
      if (running) {
        log.error("serving-loss consumer woken up unexpectedly", e);
      }
    } catch (RuntimeException e) {
      // Serving loss is a measurement: losing it must not take predictions down with it.
      log.error("serving-loss consumer of topic '{}' stopped; predictions go on", topic, e);
    }
  }

  /**
   * Looks the topic up every {@link TopicPresence#LOOKUP_INTERVAL} until it exists; false when
   * closed first. A subscription to a missing topic would make the Kafka client warn on every
   * metadata refresh.
   */
  private boolean awaitTopic(KafkaConsumer<byte[], byte[]> kafkaConsumer)
      throws InterruptedException {
    while (running) {
      if (presence.lookUp(kafkaConsumer)) {
        return true;
      }
      stopped.await(TopicPresence.LOOKUP_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }
    return false;
  }

  /** Scores one poll's records, batched per model. */
  void process(ConsumerRecords<byte[], byte[]> records) {
    Map<String, List<byte[]>> byModel = new LinkedHashMap<>();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      if (record.key() == null) {
        count(ScorerMetrics.UNKNOWN_MODEL, "unknown_model", 1);
        continue;
      }
      String name = new String(record.key(), StandardCharsets.UTF_8);
      byModel.computeIfAbsent(name, k -> new ArrayList<>()).add(record.value());
    }
    byModel.forEach(this::score);
  }

  private void score(String name, List<byte[]> values) {
    ServedModel model = registry.get(name);
    if (model == null) {
      count(ScorerMetrics.UNKNOWN_MODEL, "unknown_model", values.size());
      return;
    }
    Evaluation evaluation = evaluation(model);
    int inputs = model.inputs();
    boolean raw = model.spec().hasFeatures();
    float[] features = raw ? null : new float[values.size() * inputs];
    FeatureRow[] featureRows = raw ? new FeatureRow[values.size()] : null;
    float[][] labels = new float[values.size()][];
    int rows = 0;
    for (byte[] value : values) {
      try {
        if (value == null) {
          throw new ExampleException(RejectReason.BAD_JSON, "record has no value");
        }
        Example example = evaluation.parser().parse(value);
        if (raw) {
          featureRows[rows] = new FeatureRow(example.features(), example.ids());
        } else {
          System.arraycopy(example.features(), 0, features, rows * inputs, inputs);
        }
        labels[rows++] = example.label();
      } catch (ExampleException e) {
        rejected(name, e.reason().code());
      } catch (RuntimeException e) {
        // The parser promises ExampleException; anything else is a parser bug, but one bad record
        // must not stop the measurement of all the others.
        log.warn("example of model '{}' failed to parse", name, e);
        rejected(name, "parse_error");
      }
    }
    if (rows == 0) {
      return;
    }
    float[] outputs;
    if (raw) {
      outputs = model.inference().predict(Arrays.copyOf(featureRows, rows));
    } else {
      if (rows < values.size()) {
        features = Arrays.copyOf(features, rows * inputs); // the model takes exactly (rows, inputs)
      }
      outputs = model.inference().predict(features, rows);
    }
    int width = model.outputs();
    for (int row = 0; row < rows; row++) {
      evaluation.stats().add(outputs, row * width, labels[row]);
    }
    count(name, "scored", rows);
    registerGauges(name);
  }

  private void rejected(String model, String reason) {
    Counter.builder("streamprop.serving.examples.rejected")
        .description("Labeled examples the scorer could not use, by reason")
        .tags("model", model, "reason", reason)
        .register(meters)
        .increment();
    count(model, "rejected", 1);
  }

  /** The evaluation for the served model's spec; statistics survive a spec change that fits. */
  private Evaluation evaluation(ServedModel model) {
    Evaluation current = evaluations.get(model.name());
    if (current != null && current.spec().equals(model.spec())) {
      return current;
    }
    ServingStats stats =
        current != null && current.stats().fits(model.spec())
            ? current.stats()
            : new ServingStats(model.spec(), halfLife);
    Evaluation evaluation = new Evaluation(model.spec(), new ExampleParser(model.spec()), stats);
    evaluations.put(model.name(), evaluation);
    return evaluation;
  }

  private void count(String model, String outcome, int amount) {
    Counter.builder("streamprop.serving.examples")
        .description("Labeled examples read by the scorer, by outcome")
        .tags("model", model, "outcome", outcome)
        .register(meters)
        .increment(amount);
  }

  private void registerGauges(String name) {
    if (!gaugesRegistered.add(name)) {
      return;
    }
    gauge(name, "streamprop.serving.loss", "Served model's loss on new labels", s -> s.servedLoss);
    gauge(name, "streamprop.serving.baseline.loss", "Baseline's loss", s -> s.baselineLoss);
    gauge(
        name, "streamprop.serving.accuracy", "Served model's accuracy", true, s -> s.servedQuality);
    gauge(
        name,
        "streamprop.serving.baseline.accuracy",
        "Baseline's accuracy",
        true,
        s -> s.baselineQuality);
    gauge(name, "streamprop.serving.mse", "Served model's MSE", false, s -> s.servedQuality);
    gauge(name, "streamprop.serving.baseline.mse", "Baseline's MSE", false, s -> s.baselineQuality);
  }

  private void gauge(
      String model,
      String metric,
      String description,
      java.util.function.Function<ServingStats, Ewma> ewma) {
    register(model, metric, description, stats -> ewma.apply(stats).value());
  }

  /**
   * A quality gauge that only has a value for its task (accuracy: classification; MSE: regression).
   */
  private void gauge(
      String model,
      String metric,
      String description,
      boolean classification,
      java.util.function.Function<ServingStats, Ewma> ewma) {
    register(
        model,
        metric,
        description,
        stats -> stats.classification() == classification ? ewma.apply(stats).value() : Double.NaN);
  }

  private void register(
      String model, String metric, String description, ToDoubleFunction<ServingStats> value) {
    Gauge.builder(
            metric,
            evaluations,
            map -> {
              Evaluation evaluation = map.get(model);
              return evaluation == null ? Double.NaN : value.applyAsDouble(evaluation.stats());
            })
        .description(description + " (exponentially weighted average over examples)")
        .tag("model", model)
        .register(meters);
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    stopped.countDown();
    KafkaConsumer<byte[], byte[]> current = consumer;
    if (current != null) {
      current.wakeup();
    }
    thread.join(Duration.ofSeconds(10).toMillis());
  }
}
