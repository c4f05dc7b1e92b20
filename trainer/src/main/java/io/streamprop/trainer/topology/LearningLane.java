package io.streamprop.trainer.topology;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.streams.errors.StreamsException;

/**
 * Where a stream thread's models learn: on that thread ({@link #inline}), or on a thread of their
 * own beside it ({@link #thread}), so that one example's learning step runs while the stream thread
 * polls, deserializes and parses the next ones (the pattern of Responsive's asynchronous processing
 * for Kafka Streams, here with one lane per stream thread).
 *
 * <p>The lane runs the tasks in the order they were submitted, so every model learns its examples
 * in partition order and ends bit-identical to learning them on the stream thread. The stream
 * thread must {@link #drain} before it reads or writes any state a submitted task touches: before a
 * commit writes the models to the changelog, before a snapshot, a spec change, an eviction from the
 * model cache, and a housekeeping pass. A task that throws fails the lane: it runs nothing more,
 * and every later {@link #submit} or {@link #drain} throws, failing the stream thread as the
 * exception would have on it.
 */
abstract class LearningLane {
  /** Runs each task at once, on the calling (stream) thread. */
  static LearningLane inline() {
    return new Inline();
  }

  /**
   * A lane with a thread of its own, named {@code name}, started by the first task handed to it;
   * {@link #stop} ends it.
   */
  static LearningLane thread(String name, Meters meters) {
    return new Threaded(name, meters);
  }

  /**
   * What the lanes of a process count: the examples they learned, and the nanoseconds stream
   * threads waited for them (a drain, or a full queue).
   */
  record Meters(LongAdder steps, LongAdder waitNanos) {
    Meters() {
      this(new LongAdder(), new LongAdder());
    }
  }

  /** Runs {@code task} after every task submitted before it. */
  abstract void submit(Runnable task);

  /** Returns once every submitted task has run; throws if one failed. */
  abstract void drain();

  /** Ends the lane's thread once its queued tasks have run; later submits are an error. */
  abstract void stop();

  private static final class Inline extends LearningLane {
    @Override
    void submit(Runnable task) {
      task.run();
    }

    @Override
    void drain() {}

    @Override
    void stop() {}
  }

  /**
   * The stream thread fills batches of {@value #BATCH} tasks and hands each full one (and a partial
   * one on {@link #drain}) to the lane's thread through one monitor: a hand-off per batch, not per
   * example. At most {@value #MAX_BATCHES} batches wait, so a stream thread that parses faster than
   * its models learn waits instead of queueing without bound.
   */
  private static final class Threaded extends LearningLane {
    static final int BATCH = 64;
    static final int MAX_BATCHES = 8;

    private final Object lock = new Object();
    private final ArrayDeque<Runnable[]> batches = new ArrayDeque<>(); // under lock
    private final Thread thread;
    private final Meters meters;
    private Runnable[] filling = new Runnable[BATCH]; // the stream thread's
    private int filled;
    private boolean started; // the stream thread's
    private long handedOff; // under lock
    private long finished; // under lock
    private Throwable failure; // under lock
    private boolean stopping; // under lock

    Threaded(String name, Meters meters) {
      this.meters = meters;
      thread = new Thread(this::run, name);
      thread.setDaemon(true);
    }

    @Override
    void submit(Runnable task) {
      filling[filled++] = task;
      if (filled == BATCH) {
        handOff();
      }
    }

    private void handOff() {
      if (!started) {
        started = true;
        thread.start(); // with the first model that learns here
      }
      Runnable[] batch = filling;
      filling = new Runnable[BATCH];
      filled = 0;
      synchronized (lock) {
        if (batches.size() >= MAX_BATCHES && failure == null) {
          long start = System.nanoTime();
          while (batches.size() >= MAX_BATCHES && failure == null) {
            await();
          }
          meters.waitNanos().add(System.nanoTime() - start);
        }
        throwIfFailed();
        if (stopping) {
          throw new IllegalStateException("the learning lane " + thread.getName() + " is stopped");
        }
        batches.addLast(batch);
        handedOff++;
        lock.notifyAll();
      }
    }

    @Override
    void drain() {
      if (filled > 0) {
        handOff();
      }
      synchronized (lock) {
        if (finished < handedOff && failure == null) {
          long start = System.nanoTime();
          while (finished < handedOff && failure == null) {
            await();
          }
          meters.waitNanos().add(System.nanoTime() - start);
        }
        throwIfFailed();
      }
    }

    @Override
    void stop() {
      synchronized (lock) {
        stopping = true;
        lock.notifyAll();
      }
    }

    /** Waits on the monitor (held); an interrupt becomes Kafka's unchecked one, flag kept. */
    private void await() {
      try {
        lock.wait();
      } catch (InterruptedException e) {
        throw new InterruptException(e);
      }
    }

    private void throwIfFailed() {
      if (failure != null) {
        throw new StreamsException(
            "a learning step failed on " + thread.getName() + ": " + failure, failure);
      }
    }

    private void run() {
      while (true) {
        Runnable[] batch;
        synchronized (lock) {
          while (batches.isEmpty() && !stopping) {
            try {
              lock.wait();
            } catch (InterruptedException e) {
              // Nothing here interrupts the lane's thread; if something did, the lane fails.
              failure = e;
              lock.notifyAll();
              return;
            }
          }
          if (batches.isEmpty()) {
            return;
          }
          batch = batches.peekFirst();
        }
        Throwable thrown = null;
        if (!failed()) {
          int ran = 0;
          try {
            for (Runnable task : batch) {
              if (task == null) {
                break; // a partial batch ends at its first empty slot
              }
              task.run();
              ran++;
            }
          } catch (Throwable t) { // every failure must reach the stream thread
            thrown = t;
          }
          meters.steps().add(ran);
        }
        synchronized (lock) {
          batches.removeFirst();
          finished++;
          if (thrown != null && failure == null) {
            failure = thrown;
          }
          lock.notifyAll();
        }
      }
    }

    private boolean failed() {
      synchronized (lock) {
        return failure != null;
      }
    }
  }
}
