package io.streamprop.scorer.requests;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.streamprop.config.Topics;
import io.streamprop.scorer.http.HttpError;
import io.streamprop.scorer.http.PredictBody;
import io.streamprop.scorer.ingest.TopicPresence;
import io.streamprop.scorer.predlog.PredictionLogs;
import io.streamprop.scorer.registry.ModelRegistry;
import io.streamprop.scorer.registry.ServedModel;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the {@code prediction-requests} topic on the {@code predictions} topic, exactly once: a
 * consume-transform-produce loop. Each poll's records are answered in one transaction that holds
 * their prediction records, their dead letters and the consumer's offsets ({@code
 * sendOffsetsToTransaction} with the group's metadata, so a zombie of an older generation is
 * fenced); the consumer reads {@code read_committed}. A transaction that fails is aborted and the
 * consumer rewound to the first record of the poll, so a request is answered in exactly one
 * committed transaction.
 *
 * <p>A request record: key = the model id, value = the body of {@code POST /v1/models/{m}:predict}
 * with its {@code "ids"}. It is answered by {@link PredictBody}, the HTTP route's own code, with
 * the model version served at that moment. A record that cannot be answered goes unchanged to the
 * dead letters with the reason and the message the HTTP route would answer. The loop starts reading
 * once the scorer is ready (the snapshot topic read to its end), so a request is not refused
 * because its model was not loaded yet, and once the dead-letters topic exists (the trainer creates
 * it with the settings dead letters need): until then it says every 30 s that requests are not
 * answered ({@link TopicPresence}). A dead letter sent to the missing topic would instead wait for
 * it ({@code max.block.ms}) and fail its transaction, or make a broker that creates topics on use
 * create it with its defaults.
 */
public final class PredictionRequests implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PredictionRequests.class);

  /** Dead-letter headers and reasons ({@code docs/topics.md}, "Dead-letter headers"). */
  static final String REASON_HEADER = "streamprop.reason";

  static final String ERROR_HEADER = "streamprop.error";
  static final String SOURCE_TOPIC_HEADER = "streamprop.source.topic";
  static final String SOURCE_PARTITION_HEADER = "streamprop.source.partition";
  static final String SOURCE_OFFSET_HEADER = "streamprop.source.offset";
  static final String MISSING_KEY = "missing_key";
  static final String UNKNOWN_MODEL = "unknown_model";
  static final String OVERSIZE = "oversize";
  static final String BAD_REQUEST = "bad_request";
  static final String PREDICT_FAILED = "predict_failed";

  private final Consumer<byte[], byte[]> consumer;
  private final Producer<byte[], byte[]> producer;
  private final String requestsTopic;
  private final String predictionsTopic;
  private final String deadLettersTopic;
  private final int maxBodyBytes;
  private final ModelRegistry models;
  private final BooleanSupplier ready;
  private final Clock clock;
  private final Thread thread;
  private final Counter answered;
  private final Counter deadLettered;
  private final Counter predictions;
  private final Counter aborted;
  private volatile boolean closing;

  /**
   * @param consumer a consumer of the scorers' request group, {@code read_committed}, no auto
   *     commit
   * @param producer a transactional producer, not yet initialized
   */
  public PredictionRequests(
      Consumer<byte[], byte[]> consumer,
      Producer<byte[], byte[]> producer,
      String requestsTopic,
      String predictionsTopic,
      String deadLettersTopic,
      int maxBodyBytes,
      ModelRegistry models,
      BooleanSupplier ready,
      Clock clock,
      MeterRegistry registry) {
    this.consumer = consumer;
    this.producer = producer;
    this.requestsTopic = requestsTopic;
    this.predictionsTopic = predictionsTopic;
    this.deadLettersTopic = deadLettersTopic;
    this.maxBodyBytes = maxBodyBytes;
    this.models = models;
    this.ready = ready;
    this.clock = clock;
    this.answered = outcome(registry, "answered");
    this.deadLettered = outcome(registry, "dead_lettered");
    this.predictions =
        Counter.builder("streamprop.prediction.requests.predictions")
            .description("Predictions answered on the predictions topic for prediction requests")
            .register(registry);
    this.aborted =
        Counter.builder("streamprop.prediction.requests.aborted")
            .description("Transactions of prediction requests aborted (their requests read again)")
            .register(registry);
    this.thread = new Thread(this::run, "prediction-requests");
    this.thread.setDaemon(true);
  }

  private static Counter outcome(MeterRegistry registry, String outcome) {
    return Counter.builder("streamprop.prediction.requests")
        .description("Prediction request records committed, by outcome")
        .tag("outcome", outcome)
        .register(registry);
  }

  /**
   * Opens the clients: creates the requests and predictions topics if missing (with {@code
   * partitions} and {@code replication}, waiting {@code adminTimeoutMs} for the broker, as the
   * prediction log does), a {@code read_committed} consumer in {@code groupId} and a transactional
   * producer ({@code transactionalId}, or one drawn now when empty).
   */
  public static PredictionRequests open(
      Map<String, Object> kafka,
      String groupId,
      String transactionalId,
      String requestsTopic,
      String predictionsTopic,
      String deadLettersTopic,
      int partitions,
      int replication,
      int adminTimeoutMs,
      int maxBodyBytes,
      ModelRegistry models,
      BooleanSupplier ready,
      Clock clock,
      MeterRegistry registry)
      throws InterruptedException, ExecutionException {
    PredictionLogs.createIfMissing(kafka, requestsTopic, partitions, replication, adminTimeoutMs);
    PredictionLogs.createIfMissing(
        kafka, predictionsTopic, partitions, replication, adminTimeoutMs);
    Map<String, Object> consumerProps = new HashMap<>();
    for (Map.Entry<String, Object> e : kafka.entrySet()) {
      if (ConsumerConfig.configNames().contains(e.getKey())) {
        consumerProps.put(e.getKey(), e.getValue());
      }
    }
    consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    consumerProps.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "streamprop-scorer-requests");
    consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // its look-up of the dead-letters topic must not create it with the broker's defaults
    consumerProps.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    consumerProps.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    consumerProps.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    consumerProps.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    Map<String, Object> producerProps = PredictionLogs.producerProperties(kafka, 60_000);
    producerProps.put(ProducerConfig.CLIENT_ID_CONFIG, "streamprop-scorer-requests");
    producerProps.put(
        ProducerConfig.TRANSACTIONAL_ID_CONFIG,
        transactionalId.isEmpty()
            ? "streamprop-scorer-requests-" + UUID.randomUUID()
            : transactionalId);
    KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps);
    return new PredictionRequests(
        consumer,
        new KafkaProducer<>(producerProps),
        requestsTopic,
        predictionsTopic,
        deadLettersTopic,
        maxBodyBytes,
        models,
        ready,
        clock,
        registry);
  }

  public PredictionRequests start() {
    thread.start();
    return this;
  }

  private void run() {
    try {
      while (!ready.getAsBoolean()) {
        if (closing) {
          return;
        }
        Thread.sleep(20); // the snapshot topic is being read; requests wait for their models
      }
      TopicPresence deadLetters =
          new TopicPresence(
              log,
              deadLettersTopic,
              Topics.DEAD_LETTERS,
              "prediction requests are not answered",
              System::nanoTime);
      while (!deadLetters.lookUp(consumer)) {
        if (closing) {
          return;
        }
        Thread.sleep(TopicPresence.LOOKUP_INTERVAL.toMillis());
      }
      producer.initTransactions();
      consumer.subscribe(List.of(requestsTopic));
      while (!closing) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
        if (!records.isEmpty()) {
          answer(records);
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.error(
          "answering prediction requests on topic '{}' stopped; the scorer still serves HTTP",
          requestsTopic,
          e);
    } finally {
      consumer.close();
      producer.close(Duration.ofSeconds(10));
    }
  }

  /** One poll's records in one transaction, or none of them (rewound to be read again). */
  private void answer(ConsumerRecords<byte[], byte[]> records) {
    int answers = 0;
    int letters = 0;
    int predicted = 0;
    producer.beginTransaction();
    try {
      Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
      for (ConsumerRecord<byte[], byte[]> record : records) {
        int rows = answer(record);
        if (rows < 0) {
          letters++;
        } else {
          answers++;
          predicted += rows;
        }
        next.put(
            new TopicPartition(record.topic(), record.partition()),
            new OffsetAndMetadata(record.offset() + 1));
      }
      producer.sendOffsetsToTransaction(next, consumer.groupMetadata());
      producer.commitTransaction();
    } catch (ProducerFencedException
        | OutOfOrderSequenceException
        | AuthorizationException
        | UnsupportedVersionException e) {
      throw e; // fatal for this producer: another scorer took over or the cluster refuses it
    } catch (KafkaException e) {
      log.warn("a transaction of prediction requests failed; aborted, reading them again", e);
      producer.abortTransaction();
      aborted.increment();
      for (TopicPartition partition : records.partitions()) {
        consumer.seek(partition, records.records(partition).get(0).offset());
      }
      return;
    }
    answered.increment(answers);
    deadLettered.increment(letters);
    predictions.increment(predicted);
  }

  /** Sends the answer of one request (its rows) or its dead letter (-1). */
  private int answer(ConsumerRecord<byte[], byte[]> record) {
    if (record.key() == null) {
      return deadLetter(
          record, MISSING_KEY, "a prediction request's key is the model id; this record has none");
    }
    String name = new String(record.key(), StandardCharsets.UTF_8);
    ServedModel model = models.get(name);
    if (model == null) {
      return deadLetter(
          record,
          UNKNOWN_MODEL,
          "model '" + name + "' is not served; GET /v1/models lists the served models");
    }
    byte[] body = record.value() == null ? new byte[0] : record.value();
    if (body.length > maxBodyBytes) {
      return deadLetter(
          record,
          OVERSIZE,
          "the request body is "
              + body.length
              + " bytes, over the limit of "
              + maxBodyBytes
              + " bytes (streamprop.http.max.body.bytes); send fewer instances per request");
    }
    PredictBody.Answer answer;
    try {
      answer = PredictBody.answer(model, body, null, predictionsTopic, clock.millis());
    } catch (HttpError e) {
      return deadLetter(record, e.status() == 413 ? OVERSIZE : BAD_REQUEST, e.getMessage());
    } catch (RuntimeException e) {
      log.error("predicting a request of model '{}' failed", name, e);
      return deadLetter(record, PREDICT_FAILED, "internal error: " + e);
    }
    for (ProducerRecord<byte[], byte[]> prediction : answer.records()) {
      producer.send(prediction); // a failed send fails the commit: the transaction is aborted
    }
    return answer.rows();
  }

  private int deadLetter(ConsumerRecord<byte[], byte[]> record, String reason, String error) {
    RecordHeaders headers = new RecordHeaders(record.headers().toArray());
    headers.add(REASON_HEADER, utf8(reason));
    headers.add(ERROR_HEADER, utf8(error));
    headers.add(SOURCE_TOPIC_HEADER, utf8(record.topic()));
    headers.add(SOURCE_PARTITION_HEADER, utf8(Integer.toString(record.partition())));
    headers.add(SOURCE_OFFSET_HEADER, utf8(Long.toString(record.offset())));
    producer.send(
        new ProducerRecord<>(deadLettersTopic, null, null, record.key(), record.value(), headers));
    return -1;
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** Stops after the transaction under way; uncommitted requests are answered by the next owner. */
  @Override
  public void close() {
    closing = true;
    consumer.wakeup();
    try {
      thread.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
