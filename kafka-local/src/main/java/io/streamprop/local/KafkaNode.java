package io.streamprop.local;

/**
 * The one KRaft node behind a {@link LocalKafka}, in one of its {@link LocalKafka.Mode modes}: in
 * this JVM ({@link KraftNode}) or in a child JVM ({@link ChildProcessNode}). Call order: {@link
 * #start()}, then {@link #stop()}, then {@link #start()} again as often as needed, always on the
 * same configuration and data.
 */
interface KafkaNode {

  /** Starts the node and returns once it serves clients. */
  void start() throws Exception;

  /** Shuts the node down cleanly; does nothing if it is not running. */
  void stop();

  /** Whether the node was started, is not stopped, and (in a child JVM) is still alive. */
  boolean isRunning();
}
