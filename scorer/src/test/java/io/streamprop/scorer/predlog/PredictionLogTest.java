package io.streamprop.scorer.predlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * The async mode's bounded buffer and its counted drops; the acknowledged mode's one answer per
 * request, from the log's own thread.
 */
class PredictionLogTest {
  /** A producer whose send waits until the test opens it, and says when it is waiting. */
  private static final class BlockingProducer extends MockProducer<byte[], byte[]> {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch open = new CountDownLatch(1);

    BlockingProducer() {
      super(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Override
    public synchronized Future<RecordMetadata> send(
        ProducerRecord<byte[], byte[]> record, Callback callback) {
      entered.countDown();
      try {
        open.await();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      return super.send(record, callback);
    }
  }

  @SuppressWarnings("unchecked")
  private static ProducerRecord<byte[], byte[]>[] records(int n, String prefix) {
    ProducerRecord<byte[], byte[]>[] records = new ProducerRecord[n];
    for (int i = 0; i < n; i++) {
      records[i] = new ProducerRecord<>("predictions", (prefix + i).getBytes(), new byte[] {'1'});
    }
    return records;
  }

  @Test
  void async_fullBuffer_dropsAndCountsTheRest_answersAtOnce() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    BlockingProducer producer = new BlockingProducer();
    PredictionLog log = new PredictionLog(PredictionLogMode.ASYNC, producer, 2, registry);
    List<Exception> outcomes = new ArrayList<>();
    log.write(records(1, "first-"), outcomes::add);
    producer.entered.await(); // the drainer holds the first record, in send
    log.write(records(5, "next-"), outcomes::add); // 2 fit in the buffer, 3 do not
    assertThat(outcomes).hasSize(2).containsOnlyNulls(); // answered at once, both times
    assertThat(registry.counter("streamprop.prediction.log.dropped").count()).isEqualTo(3);
    producer.open.countDown();
    log.close();
    assertThat(producer.history())
        .extracting(r -> new String(r.key()))
        .containsExactly("first-0", "next-0", "next-1");
    assertThat(registry.counter("streamprop.prediction.log.writes").count()).isEqualTo(3);
  }

  @Test
  void acknowledged_doneOnceAfterTheLastAck_orAtTheFirstFailure_offTheProducersThread() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    MockProducer<byte[], byte[]> producer =
        new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
    PredictionLog log = new PredictionLog(PredictionLogMode.ACKNOWLEDGED, producer, 2, registry);
    List<Exception> outcomes = new CopyOnWriteArrayList<>();
    List<String> threads = new CopyOnWriteArrayList<>();
    PredictionLog.Done done =
        failure -> {
          threads.add(Thread.currentThread().getName());
          outcomes.add(failure);
        };
    log.write(records(3, "a-"), done);
    producer.completeNext(); // MockProducer runs the callback here, as Kafka's network thread would
    producer.completeNext();
    producer.completeNext();
    await().until(() -> outcomes.size() == 1);
    assertThat(outcomes).containsExactly((Exception) null);
    assertThat(threads).containsExactly("prediction-log-answers");

    log.write(records(3, "b-"), done);
    producer.errorNext(new RuntimeException("down"));
    producer.completeNext();
    producer.errorNext(new RuntimeException("down again"));
    log.write(records(1, "c-"), done);
    producer.completeNext();
    await().until(() -> outcomes.size() == 3); // b's failure, then c: answered in order, once each
    assertThat(outcomes.get(1)).hasMessage("down");
    assertThat(outcomes.get(2)).isNull();
    assertThat(registry.counter("streamprop.prediction.log.failures").count()).isEqualTo(2);
    assertThat(registry.counter("streamprop.prediction.log.writes").count()).isEqualTo(5);
    assertThat(registry.timer("streamprop.prediction.log.write.latency").count())
        .as("one latency per answered request")
        .isEqualTo(2);
    log.close();
    assertThat(outcomes).hasSize(3);
  }
}
