package io.streamprop.scorer.predlog;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the records of answered predictions to the {@code predictions} topic in one of the {@link
 * PredictionLogMode}s. {@link #write} never blocks the calling thread on the broker (the predict
 * handler runs on Jetty's selector threads): in {@link PredictionLogMode#ACKNOWLEDGED} it hands the
 * records to the producer and calls back when the last is acknowledged (or the first fails), from a
 * thread of its own ({@code prediction-log-answers}); in {@link PredictionLogMode#ASYNC} it puts
 * them in a bounded buffer that one thread drains into the producer, and drops (and counts) a
 * record that finds the buffer full.
 *
 * <p>The producer's own send may still wait, up to {@code max.block.ms}, when its buffer is full or
 * the topic's metadata is unknown; {@link PredictionLogs} fetches the metadata at start and sets
 * {@code max.block.ms} from {@code streamprop.prediction.log.max.block.ms}.
 *
 * <p>Why a thread for the answers: the producer runs every record's callback on its one network
 * thread, between sending batches. Answering a request there (its metrics, the HTTP response's
 * write to the socket) kept that thread from sending: at saturation records waited 9–13 ms in the
 * producer's accumulator behind produce requests of 2–3 ms. The callbacks now only count and, for a
 * request's last record, queue its answer.
 */
public final class PredictionLog implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PredictionLog.class);

  /** Receives the outcome of one request's records: null when all were written. */
  @FunctionalInterface
  public interface Done {
    void written(Exception failure);
  }

  private final PredictionLogMode mode;
  private final Producer<byte[], byte[]> producer;
  private final ArrayBlockingQueue<ProducerRecord<byte[], byte[]>> buffer;
  private final Thread drainer;
  private final LinkedBlockingQueue<Runnable> answers;
  private final Thread answerer;
  private final Counter writes;
  private final Counter failures;
  private final Counter drops;
  private final Timer latency;
  private volatile boolean closing;

  /**
   * @param producer null for {@link PredictionLogMode#OFF}
   * @param bufferRecords records the async buffer holds
   */
  public PredictionLog(
      PredictionLogMode mode,
      Producer<byte[], byte[]> producer,
      int bufferRecords,
      MeterRegistry registry) {
    this.mode = mode;
    this.producer = producer;
    this.writes =
        Counter.builder("streamprop.prediction.log.writes")
            .description("Prediction records the broker acknowledged")
            .register(registry);
    this.failures =
        Counter.builder("streamprop.prediction.log.failures")
            .description("Prediction records whose write failed")
            .register(registry);
    this.drops =
        Counter.builder("streamprop.prediction.log.dropped")
            .description("Prediction records dropped because the async buffer was full")
            .register(registry);
    this.latency =
        Timer.builder("streamprop.prediction.log.write.latency")
            .description(
                "Acknowledged mode: a request's records handed to the producer to the last ack;"
                    + " async: one record's")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofNanos(100_000))
            .maximumExpectedValue(Duration.ofSeconds(30))
            .register(registry);
    if (mode == PredictionLogMode.ASYNC) {
      buffer = new ArrayBlockingQueue<>(bufferRecords);
      Gauge.builder("streamprop.prediction.log.buffered", buffer, ArrayBlockingQueue::size)
          .description("Prediction records waiting in the async buffer")
          .register(registry);
      drainer = daemon(this::drain, "prediction-log");
    } else {
      buffer = null;
      drainer = null;
    }
    if (mode == PredictionLogMode.ACKNOWLEDGED) {
      answers = new LinkedBlockingQueue<>();
      answerer = daemon(this::answer, "prediction-log-answers");
    } else {
      answers = null;
      answerer = null;
    }
  }

  private static Thread daemon(Runnable loop, String name) {
    Thread thread = new Thread(loop, name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  public PredictionLogMode mode() {
    return mode;
  }

  /**
   * Writes one request's records; {@code done} is called exactly once: at once in the async and off
   * modes, and when the broker acknowledged every record (or one failed) in the acknowledged mode.
   */
  public void write(ProducerRecord<byte[], byte[]>[] records, Done done) {
    switch (mode) {
      case OFF -> done.written(null);
      case ASYNC -> {
        for (ProducerRecord<byte[], byte[]> record : records) {
          if (!buffer.offer(record)) {
            drops.increment();
          }
        }
        done.written(null);
      }
      case ACKNOWLEDGED -> {
        Acknowledgements acks = new Acknowledgements(records.length, done);
        for (ProducerRecord<byte[], byte[]> record : records) {
          try {
            producer.send(record, acks);
          } catch (RuntimeException e) {
            acks.onCompletion(null, e);
          }
          if (acks.finished.get()) {
            return; // a record failed: the request is answered with the failure already
          }
        }
      }
    }
  }

  /**
   * Sends one record of the async mode; a send that throws (buffer full past max.block.ms) is a
   * failed write.
   */
  private void send(ProducerRecord<byte[], byte[]> record, Callback callback) {
    long start = System.nanoTime();
    Callback timed =
        (metadata, e) -> {
          if (e == null) {
            writes.increment();
            latency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
          } else {
            failures.increment();
          }
          callback.onCompletion(metadata, e);
        };
    try {
      producer.send(record, timed);
    } catch (RuntimeException e) {
      timed.onCompletion(null, e);
    }
  }

  /**
   * Counts one request's acknowledgements (on the producer's thread) and queues {@code done} once:
   * after the last record's acknowledgement, or at the first failure. The write latency is the
   * request's: from handing its records to the producer to the last acknowledgement.
   */
  private final class Acknowledgements implements Callback {
    private final long start = System.nanoTime();
    private final AtomicInteger remaining;
    private final AtomicBoolean finished = new AtomicBoolean();
    private final Done done;

    Acknowledgements(int records, Done done) {
      this.remaining = new AtomicInteger(records);
      this.done = done;
    }

    @Override
    public void onCompletion(RecordMetadata metadata, Exception e) {
      if (e != null) {
        failures.increment();
        if (finished.compareAndSet(false, true)) {
          answers.add(() -> done.written(e));
        }
        return;
      }
      writes.increment();
      if (remaining.decrementAndGet() == 0 && finished.compareAndSet(false, true)) {
        latency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        answers.add(() -> done.written(null));
      }
    }
  }

  /** The acknowledged mode's answer thread: runs each request's {@code done}, until closed. */
  private void answer() {
    try {
      while (true) {
        Runnable next = answers.take();
        if (next == STOP) {
          return;
        }
        try {
          next.run();
        } catch (RuntimeException e) {
          log.error("answering a logged request failed", e);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static final Runnable STOP = () -> {};

  /** The async mode's one thread: buffer to producer, in order, until closed and empty. */
  private void drain() {
    Callback ignore = (metadata, e) -> {};
    List<ProducerRecord<byte[], byte[]>> batch = new ArrayList<>();
    try {
      while (!closing || !buffer.isEmpty()) {
        ProducerRecord<byte[], byte[]> first = buffer.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        buffer.drainTo(batch, 1023);
        for (ProducerRecord<byte[], byte[]> record : batch) {
          send(record, ignore);
        }
        batch.clear();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Lets the async thread hand the buffer's records to the producer, then flushes and closes, then
   * lets the answer thread run the answers the producer's last callbacks queued.
   */
  @Override
  public void close() {
    if (drainer != null) {
      closing = true;
      try {
        drainer.join(30_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (producer != null) {
      try {
        producer.close(Duration.ofSeconds(10));
      } catch (RuntimeException e) {
        log.warn("closing the prediction log's producer failed", e);
      }
    }
    if (answerer != null) {
      // The producer's close ran every callback: the answers queued so far are the last ones.
      answers.add(STOP);
      try {
        answerer.join(30_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
