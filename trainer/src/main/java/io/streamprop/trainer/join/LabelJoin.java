package io.streamprop.trainer.join;

import io.streamprop.trainer.join.JoinCodec.Logged;
import io.streamprop.trainer.join.JoinCodec.Waiting;
import io.streamprop.trainer.metrics.JoinMeters;
import io.streamprop.trainer.metrics.TrainerMetrics;
import io.streamprop.trainer.topology.CommitRequests;
import io.streamprop.trainer.topology.DeadLetters;
import io.streamprop.wire.ExampleException;
import io.streamprop.wire.LabelParser;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The exactly-once join of delayed labels with logged predictions ({@code docs/topics.md}, "The
 * join"). Predictions and labels are keyed by id and co-partitioned, so one task sees both; its
 * three changelogged stores hold, per id, the logged predictions (and which models were labeled),
 * the labels waiting for their prediction, and a time index of when each must be looked at again.
 *
 * <ul>
 *   <li>A label meets the pending predictions of its id (of every model, or of its {@code model}),
 *       each becoming an example of that model on the {@code examples} topic, in the same
 *       transaction as the store changes and the input offsets.
 *   <li>A label with no pending prediction waits the grace; predictions arriving meanwhile join it.
 *       At the end of the grace, a label that met nothing is dead-lettered: {@code duplicate_label}
 *       if its (id, model) was already labeled, {@code unmatched_label} otherwise.
 *   <li>A prediction waits the retention from its time, then expires (counted); a labeled (id,
 *       model) is remembered as long, so a second label for it is a {@code duplicate_label}.
 * </ul>
 *
 * <p>Time is stream time (record timestamps, punctuation {@code STREAM_TIME}): what is joined,
 * expired or dead-lettered depends only on the records and their order, never on when the trainer
 * ran, so replaying the topics (or restoring after a crash) decides the same way.
 */
public final class LabelJoin implements Processor<byte[], byte[], byte[], byte[]> {
  public static final String PREDICTIONS_STORE = "label-join-predictions";
  public static final String LABELS_STORE = "label-join-labels";
  public static final String DEADLINES_STORE = "label-join-deadlines";
  public static final String ID_HEADER = "streamprop.id";
  public static final String VERSION_HEADER = "streamprop.version";

  private static final byte PREDICTION = 'P';
  private static final byte LABEL = 'L';

  private final JoinSettings settings;
  private final LabelCheck check;
  private final TrainerMetrics metrics;
  private final JoinMeters meters;
  private final String examplesSink;
  private final String deadLettersSink;
  private final CommitRequests commits;
  private ProcessorContext<byte[], byte[]> context;
  private KeyValueStore<Bytes, byte[]> predictions;
  private KeyValueStore<Bytes, byte[]> labels;
  private KeyValueStore<Bytes, byte[]> deadlines;

  /**
   * @param specsStore the global store of specs (labels are validated against their model's spec)
   * @param examplesSink the sink joined examples go to; {@code deadLettersSink} likewise
   */
  public LabelJoin(
      JoinSettings settings,
      String specsStore,
      String examplesSink,
      String deadLettersSink,
      TrainerMetrics metrics) {
    this.settings = settings;
    this.commits = new CommitRequests(settings.commitSpacingMs());
    this.check = new LabelCheck(specsStore, settings.maxBytes());
    this.examplesSink = examplesSink;
    this.deadLettersSink = deadLettersSink;
    this.metrics = metrics;
    this.meters = metrics.join();
  }

  @Override
  public void init(ProcessorContext<byte[], byte[]> context) {
    this.context = context;
    predictions = context.getStateStore(PREDICTIONS_STORE);
    labels = context.getStateStore(LABELS_STORE);
    deadlines = context.getStateStore(DEADLINES_STORE);
    KeyValueStore<String, byte[]> specs = context.getStateStore(check.specsStore());
    check.init(specs);
    context.schedule(
        Duration.ofMillis(settings.checkMs()), PunctuationType.STREAM_TIME, this::expire);
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    RecordMetadata source = context.recordMetadata().orElseThrow();
    String problem = idProblem(record.key());
    if (problem != null) {
      String reason = record.key() == null ? DeadLetters.MISSING_KEY : DeadLetters.INVALID_ID;
      deadLetter(record, reason, problem, source.topic(), source.partition(), source.offset());
      return;
    }
    try {
      if (source.topic().equals(settings.labelsTopic())) {
        label(record, source, LabelParser.parse(record.value(), settings.maxBytes()));
      } else {
        prediction(record, PredictionReader.read(record.value(), record.timestamp()));
      }
    } catch (ExampleException e) {
      deadLetter(
          record,
          e.reason().code(),
          e.getMessage(),
          source.topic(),
          source.partition(),
          source.offset());
    }
  }

  private static String idProblem(byte[] key) {
    try {
      LabelParser.id(key);
      return null;
    } catch (ExampleException e) {
      return e.getMessage();
    }
  }

  private void label(
      Record<byte[], byte[]> record, RecordMetadata source, LabelParser.Label label) {
    Bytes id = Bytes.wrap(record.key());
    List<Logged> logged = JoinCodec.decodeLogged(predictions.get(id));
    List<Logged> matching = pending(logged, label.model());
    if (!matching.isEmpty()) {
      LabelCheck.Checked[] values = check.all(matching, label.label()); // throws: none joined
      for (int i = 0; i < matching.size(); i++) {
        emit(id, matching.get(i), label, values[i], record.timestamp());
        logged.set(logged.indexOf(matching.get(i)), matching.get(i).asLabeled());
      }
      predictions.put(id, JoinCodec.encodeLogged(logged));
      return;
    }
    List<Waiting> waiting = JoinCodec.decodeWaiting(labels.get(id));
    if (labeled(logged, label.model()) || waitingFor(waiting, label.model())) {
      meters.duplicate();
      deadLetter(
          record,
          DeadLetters.DUPLICATE_LABEL,
          "id '"
              + utf8(record.key())
              + "'"
              + (label.model() == null ? "" : " model '" + label.model() + "'")
              + ": already labeled; a prediction is labeled once",
          source.topic(),
          source.partition(),
          source.offset());
      return;
    }
    List<JoinCodec.Header> headers = new ArrayList<>();
    record.headers().forEach(h -> headers.add(new JoinCodec.Header(h.key(), h.value())));
    waiting.add(
        new Waiting(
            label.model(),
            record.timestamp(),
            false,
            record.value(),
            headers,
            source.partition(),
            source.offset()));
    labels.put(id, JoinCodec.encodeWaiting(waiting));
    deadlines.put(deadline(record.timestamp(), settings.graceMs(), LABEL, id), new byte[0]);
  }

  private void prediction(Record<byte[], byte[]> record, Logged prediction) {
    Bytes id = Bytes.wrap(record.key());
    Logged stored = prediction;
    byte[] waitingBytes = labels.get(id);
    if (waitingBytes != null) {
      List<Waiting> waiting = JoinCodec.decodeWaiting(waitingBytes);
      for (int i = 0; i < waiting.size() && !stored.labeled(); i++) {
        Waiting w = waiting.get(i);
        if (w.model() != null && !w.model().equals(prediction.model())) {
          continue;
        }
        LabelParser.Label label;
        LabelCheck.Checked value;
        try {
          label = LabelParser.parse(w.value(), Integer.MAX_VALUE);
          value = check.all(List.of(prediction), label.label())[0];
        } catch (ExampleException e) {
          waiting.remove(i--);
          deadLetterWaiting(id, w, e.reason().code(), e.getMessage());
          continue;
        }
        emit(id, prediction, label, value, record.timestamp());
        stored = prediction.asLabeled();
        if (w.model() != null) {
          waiting.remove(i);
        } else {
          waiting.set(i, w.asJoined());
        }
      }
      putOrDelete(labels, id, waiting.isEmpty() ? null : JoinCodec.encodeWaiting(waiting));
    }
    List<Logged> logged = JoinCodec.decodeLogged(predictions.get(id));
    logged.removeIf(l -> l.model().equals(prediction.model())); // the latest prediction wins
    logged.add(stored);
    predictions.put(id, JoinCodec.encodeLogged(logged));
    deadlines.put(deadline(stored.time(), settings.retentionMs(), PREDICTION, id), new byte[0]);
  }

  /** The example of {@code prediction} labeled by {@code label}, to the examples topic. */
  private void emit(
      Bytes id, Logged prediction, LabelParser.Label label, LabelCheck.Checked y, long time) {
    ByteArrayOutputStream out =
        new ByteArrayOutputStream(prediction.features().length + label.label().length + 48);
    out.writeBytes(FEATURES);
    out.writeBytes(prediction.features());
    out.writeBytes(LABEL_KEY);
    out.writeBytes(label.label());
    if (label.weight() != null) {
      out.writeBytes(WEIGHT_KEY);
      out.writeBytes(label.weight());
    }
    out.write('}');
    Headers headers = new RecordHeaders();
    headers.add(ID_HEADER, id.get());
    headers.add(
        VERSION_HEADER, Long.toString(prediction.version()).getBytes(StandardCharsets.US_ASCII));
    context.forward(
        new Record<>(
            prediction.model().getBytes(StandardCharsets.UTF_8), out.toByteArray(), time, headers),
        examplesSink);
    // The training task reads examples read_committed: ask for the commit that shows this one.
    commits.request(context, context.currentSystemTimeMs());
    ServedScore score = ServedScore.of(prediction.prediction(), y.value(), y.classification());
    meters.joined(
        prediction.model(),
        prediction.version(),
        time - prediction.time(),
        score.loss(),
        score.correct());
  }

  private static final byte[] FEATURES = "{\"features\":".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] LABEL_KEY = ",\"label\":".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] WEIGHT_KEY = ",\"weight\":".getBytes(StandardCharsets.US_ASCII);

  /** Looks at every id whose deadline stream time has reached. */
  private void expire(long now) {
    List<Bytes> due = new ArrayList<>();
    try (KeyValueIterator<Bytes, byte[]> it =
        deadlines.range(Bytes.wrap(new byte[8]), Bytes.wrap(longBytes(now + 1)))) {
      it.forEachRemaining(kv -> due.add(kv.key));
    }
    for (Bytes key : due) {
      deadlines.delete(key);
      byte[] k = key.get();
      Bytes id = Bytes.wrap(java.util.Arrays.copyOfRange(k, 9, k.length));
      if (k[8] == PREDICTION) {
        expirePredictions(id, now);
      } else {
        expireLabels(id, now);
      }
    }
  }

  private void expirePredictions(Bytes id, long now) {
    List<Logged> logged = JoinCodec.decodeLogged(predictions.get(id));
    boolean changed =
        logged.removeIf(
            l -> {
              boolean expired = l.time() + settings.retentionMs() <= now;
              if (expired && !l.labeled()) {
                meters.expired(check.meterModel(l.model()));
              }
              return expired;
            });
    if (changed) {
      putOrDelete(predictions, id, logged.isEmpty() ? null : JoinCodec.encodeLogged(logged));
    }
  }

  private void expireLabels(Bytes id, long now) {
    List<Waiting> waiting = JoinCodec.decodeWaiting(labels.get(id));
    List<Logged> logged = null;
    boolean changed = false;
    for (int i = 0; i < waiting.size(); i++) {
      Waiting w = waiting.get(i);
      if (w.time() + settings.graceMs() > now) {
        continue;
      }
      waiting.remove(i--);
      changed = true;
      if (w.joined()) {
        continue;
      }
      if (logged == null) {
        logged = JoinCodec.decodeLogged(predictions.get(id));
      }
      if (labeled(logged, w.model())) {
        meters.duplicate();
        deadLetterWaiting(
            id, w, DeadLetters.DUPLICATE_LABEL, "already labeled; a prediction is labeled once");
      } else {
        meters.unmatched();
        deadLetterWaiting(
            id,
            w,
            DeadLetters.UNMATCHED_LABEL,
            "no prediction of id '"
                + utf8(id.get())
                + "'"
                + (w.model() == null ? "" : " by model '" + w.model() + "'")
                + " arrived within the grace of "
                + settings.graceMs()
                + " ms");
      }
    }
    if (changed) {
      putOrDelete(labels, id, waiting.isEmpty() ? null : JoinCodec.encodeWaiting(waiting));
    }
  }

  private static List<Logged> pending(List<Logged> logged, String model) {
    List<Logged> matching = new ArrayList<>(logged.size());
    for (Logged l : logged) {
      if (!l.labeled() && (model == null || model.equals(l.model()))) {
        matching.add(l);
      }
    }
    return matching;
  }

  private static boolean labeled(List<Logged> logged, String model) {
    for (Logged l : logged) {
      if (l.labeled() && (model == null || model.equals(l.model()))) {
        return true;
      }
    }
    return false;
  }

  /** A label for the same model (or, for a model-less one, another model-less one) waits. */
  private static boolean waitingFor(List<Waiting> waiting, String model) {
    for (Waiting w : waiting) {
      if (model == null ? w.model() == null : model.equals(w.model())) {
        return true;
      }
    }
    return false;
  }

  private void deadLetterWaiting(Bytes id, Waiting w, String reason, String error) {
    metrics.deadLetter(reason);
    Headers original = new RecordHeaders();
    for (JoinCodec.Header h : w.headers()) {
      original.add(h.key(), h.value());
    }
    context.forward(
        new Record<>(
            id.get(),
            w.value(),
            w.time(),
            DeadLetters.headers(
                original, reason, error, settings.labelsTopic(), w.partition(), w.offset())),
        deadLettersSink);
  }

  private void deadLetter(
      Record<byte[], byte[]> record,
      String reason,
      String error,
      String topic,
      int partition,
      long offset) {
    metrics.deadLetter(reason);
    context.forward(
        record.withHeaders(
            DeadLetters.headers(record.headers(), reason, error, topic, partition, offset)),
        deadLettersSink);
  }

  private static void putOrDelete(KeyValueStore<Bytes, byte[]> store, Bytes id, byte[] value) {
    if (value == null) {
      store.delete(id);
    } else {
      store.put(id, value);
    }
  }

  /** The deadline index key: the time (big-endian, so keys sort by time), the kind, the id. */
  static Bytes deadline(long time, long after, byte kind, Bytes id) {
    long at = time > Long.MAX_VALUE - after ? Long.MAX_VALUE : time + after;
    byte[] key = new byte[9 + id.get().length];
    System.arraycopy(longBytes(Math.max(0, at)), 0, key, 0, 8);
    key[8] = kind;
    System.arraycopy(id.get(), 0, key, 9, id.get().length);
    return Bytes.wrap(key);
  }

  private static byte[] longBytes(long v) {
    return java.nio.ByteBuffer.allocate(8).putLong(v).array();
  }

  private static String utf8(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
