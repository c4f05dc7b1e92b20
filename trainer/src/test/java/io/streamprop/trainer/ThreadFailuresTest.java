package io.streamprop.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TransactionAbortableException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

class ThreadFailuresTest {
  @Test
  void lostTransaction_replacesTheThread_asWrappedByKafkaStreamsCommit() {
    // What a trainer cut off past its transaction timeout died of, from commitTransaction.
    StreamsException commitFailed =
        new StreamsException(
            "Error encountered trying to commit a transaction",
            new InvalidTxnStateException(
                "The producer attempted a transactional operation in an invalid state."));

    assertThat(ThreadFailures.respond(commitFailed))
        .isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
    for (RuntimeException lost :
        new RuntimeException[] {
          new ProducerFencedException("fenced"),
          new InvalidProducerEpochException("old epoch"),
          new TransactionAbortableException("abortable")
        }) {
      assertThat(ThreadFailures.respond(new StreamsException("wrapped", lost)))
          .as("%s", lost)
          .isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
    }
  }

  @Test
  void anyOtherFailure_shutsTheTrainerDown() {
    assertThat(ThreadFailures.respond(new StreamsException("bug", new IllegalStateException())))
        .isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
    assertThat(ThreadFailures.respond(new OutOfMemoryError()))
        .isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
  }
}
