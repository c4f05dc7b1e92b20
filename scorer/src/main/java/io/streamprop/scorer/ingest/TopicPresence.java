package io.streamprop.scorer.ingest;

import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;

/**
 * What the scorer says while a topic one of its consumers reads does not exist: one line naming the
 * topic, the key that names it and what waits for it, again every {@link #REPEAT} while the topic
 * stays missing, and one line when it appears.
 *
 * <p>The consumers look their topic up with {@code KafkaConsumer.partitionsFor} (an empty answer
 * for a missing topic, and no log line from the Kafka client) and assign or subscribe only once it
 * exists. A consumer subscribed to a missing topic would instead make the Kafka client log a WARN
 * on every metadata refresh, about one a second, none of which names the setting to fix. The
 * consumers that wait for a topic look it up every {@link #LOOKUP_INTERVAL} with {@link #lookUp}.
 * Used by one consumer thread only.
 */
public final class TopicPresence {
  /** How often the missing-topic line is repeated while the topic stays missing. */
  static final Duration REPEAT = Duration.ofSeconds(30);

  /** How long one look-up waits for Kafka's answer. */
  public static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(10);

  /** How often a consumer waiting for its topic looks it up. */
  public static final Duration LOOKUP_INTERVAL = Duration.ofSeconds(1);

  private final Logger log;
  private final String topic;
  private final String key;
  private final String waiting;
  private final LongSupplier nanoTime;
  private boolean missing;
  private long nextReport;

  /**
   * @param log the consumer's own logger, so the lines carry its name
   * @param key the configuration key that names {@code topic}
   * @param waiting what does not happen until the topic exists, e.g. {@code "not ready"}
   * @param nanoTime the clock, {@code System::nanoTime} outside tests
   */
  public TopicPresence(
      Logger log, String topic, String key, String waiting, LongSupplier nanoTime) {
    this.log = log;
    this.topic = topic;
    this.key = key;
    this.waiting = waiting;
    this.nanoTime = nanoTime;
  }

  /**
   * Looks the topic up once ({@link Consumer#partitionsFor}, at most {@link #LOOKUP_TIMEOUT}) and
   * says what {@link #missing} and {@link #found} say; a look-up Kafka did not answer is a WARN
   * line. The consumer should not have {@code allow.auto.create.topics}, or the look-up may create
   * the topic with the broker's defaults.
   *
   * @return true if the topic exists
   */
  public boolean lookUp(Consumer<?, ?> consumer) {
    try {
      List<PartitionInfo> partitions = consumer.partitionsFor(topic, LOOKUP_TIMEOUT);
      if (partitions != null && !partitions.isEmpty()) {
        found();
        return true;
      }
      missing();
    } catch (TimeoutException e) {
      log.warn("cannot reach Kafka to look up topic '{}': {}", topic, e.getMessage());
    }
    return false;
  }

  /** The sentence for a missing topic; also what the health detail says meanwhile. */
  String missingSentence() {
    return "topic '" + topic + "' does not exist (" + key + "); " + waiting + " until it does";
  }

  /** Records a look-up that did not find the topic; says so the first time and every REPEAT. */
  void missing() {
    long now = nanoTime.getAsLong();
    if (!missing || now - nextReport >= 0) {
      log.warn(missingSentence());
      nextReport = now + REPEAT.toNanos();
    }
    missing = true;
  }

  /** Records a look-up that found the topic; says so once when it had been missing. */
  void found() {
    if (missing) {
      log.info("topic '{}' now exists", topic);
      missing = false;
    }
  }
}
