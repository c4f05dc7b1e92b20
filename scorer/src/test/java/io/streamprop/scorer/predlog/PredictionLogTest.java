package io.streamprop.scorer.predlog;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** The async mode's bounded buffer and its counted drops; the acknowledged mode's one callback. */
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
  void acknowledged_doneOnceAfterTheLastAck_orAtTheFirstFailure() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    MockProducer<byte[], byte[]> producer =
        new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
    PredictionLog log = new PredictionLog(PredictionLogMode.ACKNOWLEDGED, producer, 2, registry);
    List<Exception> outcomes = new ArrayList<>();
    log.write(records(3, "a-"), outcomes::add);
    producer.completeNext();
    producer.completeNext();
    assertThat(outcomes).isEmpty();
    producer.completeNext();
    assertThat(outcomes).containsExactly((Exception) null);

    List<Exception> failed = new ArrayList<>();
    log.write(records(3, "b-"), failed::add);
    producer.errorNext(new RuntimeException("down"));
    producer.completeNext();
    producer.errorNext(new RuntimeException("down again"));
    assertThat(failed).hasSize(1);
    assertThat(failed.get(0)).hasMessage("down");
    assertThat(registry.counter("streamprop.prediction.log.failures").count()).isEqualTo(2);
    assertThat(registry.counter("streamprop.prediction.log.writes").count()).isEqualTo(4);
    log.close();
  }
}
