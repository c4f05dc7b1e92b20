package io.streamprop.trainer;

import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TransactionAbortableException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the trainer does when a stream thread dies of an exception Kafka Streams did not handle.
 *
 * <p>A thread whose transaction the broker no longer accepts is replaced: its producer was fenced
 * ({@link ProducerFencedException}, {@link InvalidProducerEpochException}), or its transaction was
 * aborted while the instance could not reach the brokers and the commit then finds it in an invalid
 * state ({@link InvalidTxnStateException}, {@link TransactionAbortableException}). Kafka Streams
 * turns most of these into a task migration and rejoins on its own, but not every path does: a
 * trainer cut off for longer than its transaction timeout has died of an {@code
 * InvalidTxnStateException} from {@code commitTransaction} (the fault suite's {@code
 * ZombieTrainerIT}). Nothing of the aborted transaction is visible to {@code read_committed}
 * readers, so a replacement thread, which rejoins the group and restores its tasks from the
 * changelog, keeps exactly-once. Any other failure shuts the trainer down, as a bug or a broken
 * deployment should.
 */
final class ThreadFailures {
  private static final Logger log = LoggerFactory.getLogger(ThreadFailures.class);

  private ThreadFailures() {}

  /** The response to a stream thread's uncaught exception. */
  static StreamThreadExceptionResponse respond(Throwable e) {
    if (transactionLost(e)) {
      log.warn(
          "stream thread lost its transaction ({}); replacing the thread: it rejoins the group and"
              + " restores its tasks from the changelog",
          e.toString(),
          e);
      return StreamThreadExceptionResponse.REPLACE_THREAD;
    }
    log.error("stream thread failed; shutting the trainer down", e);
    return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
  }

  /** Whether e or one of its causes says the thread's transaction is gone for good. */
  static boolean transactionLost(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof ProducerFencedException
          || t instanceof InvalidProducerEpochException
          || t instanceof InvalidTxnStateException
          || t instanceof TransactionAbortableException) {
        return true;
      }
    }
    return false;
  }
}
