package io.streamprop.trainer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.streamprop.spec.SpecJson;
import io.streamprop.trainer.admin.TopicAdmin;
import io.streamprop.trainer.config.TrainerConfig;
import io.streamprop.trainer.metrics.TrainerMetrics;
import io.streamprop.trainer.topology.ShutdownSnapshots;
import io.streamprop.trainer.topology.TrainerTopology;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running trainer: topics checked, the configured spec (if any) published, the topology started
 * in Kafka Streams, its metrics bound to a registry. {@link #close()} publishes the shutdown
 * snapshots and then closes Streams cleanly (a final commit).
 */
public final class TrainerApp implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TrainerApp.class);

  private final TrainerConfig config;
  private final KafkaStreams streams;
  private final ShutdownSnapshots shutdown;
  private final KafkaStreamsMetrics streamsMetrics;
  private final CountDownLatch stopped;
  private boolean closed;

  private TrainerApp(
      TrainerConfig config,
      KafkaStreams streams,
      ShutdownSnapshots shutdown,
      KafkaStreamsMetrics streamsMetrics,
      CountDownLatch stopped) {
    this.stopped = stopped;
    this.config = config;
    this.streams = streams;
    this.shutdown = shutdown;
    this.streamsMetrics = streamsMetrics;
  }

  /**
   * Sets up the topics, publishes the configured spec and starts training.
   *
   * @throws io.streamprop.trainer.admin.TopicSetupException if the broker is unreachable or a topic
   *     is unfit
   * @throws io.streamprop.spec.SpecException if the configured spec is invalid
   */
  public static TrainerApp start(TrainerConfig config, MeterRegistry registry) {
    int examplesPartitions = 0;
    try (Admin admin = Admin.create(config.adminProperties())) {
      TopicAdmin.ensureTopics(admin, config);
      if (config.examplesPartitionCheck()) {
        examplesPartitions = TopicAdmin.partitions(admin, config, config.topics().examples());
      }
    }
    config.configuredModel().ifPresent(model -> publishSpec(config, model));

    TrainerMetrics metrics = new TrainerMetrics(registry, config.metricsMaxModels());
    ShutdownSnapshots shutdown = new ShutdownSnapshots();
    Topology topology = TrainerTopology.build(config, metrics, shutdown, examplesPartitions);
    log.info("topology:\n{}", topology.describe());

    KafkaStreams streams;
    try {
      streams = new KafkaStreams(topology, config.streamsProperties());
    } catch (StreamsException e) {
      // Thrown here only by the state directory: most often another instance on this host holds
      // its lock. Say which key to change, not just Streams' own words.
      throw new IllegalStateException(
          "cannot use the state directory "
              + new StreamsConfig(config.streamsProperties())
                  .getString(StreamsConfig.STATE_DIR_CONFIG)
              + " ("
              + e.getMessage()
              + "). Every trainer instance on one host needs its own state.dir (or"
              + " KAFKA_STATE_DIR); instances of one application.id on different hosts may use the"
              + " same path.",
          e);
    }
    streams.setUncaughtExceptionHandler(ThreadFailures::respond);
    CountDownLatch stopped = new CountDownLatch(1);
    streams.setStateListener(
        (next, previous) -> {
          log.info("Kafka Streams state {} -> {}", previous, next);
          if (next == KafkaStreams.State.ERROR || next == KafkaStreams.State.NOT_RUNNING) {
            stopped.countDown();
          }
        });
    KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(streams);
    streamsMetrics.bindTo(registry);
    streams.start();
    log.info(
        "trainer started: application.id={}, examples={}, model-specs={}, model-snapshots={},"
            + " dead-letters={}",
        config.applicationId(),
        config.topics().examples(),
        config.topics().specs(),
        config.topics().snapshots(),
        config.topics().deadLetters());
    return new TrainerApp(config, streams, shutdown, streamsMetrics, stopped);
  }

  /** Publishes the spec given in the configuration (the one-model case) and waits for the ack. */
  private static void publishSpec(TrainerConfig config, TrainerConfig.ConfiguredModel model) {
    // Validate before publishing: a bad spec in the config stops the trainer with its reason.
    SpecJson.parse(model.specJson());
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            config.producerProperties(), new StringSerializer(), new ByteArraySerializer())) {
      producer
          .send(
              new ProducerRecord<>(
                  config.topics().specs(),
                  model.modelId(),
                  model.specJson().getBytes(StandardCharsets.UTF_8)))
          .get(30, TimeUnit.SECONDS);
      log.info("published the configured spec of model '{}'", model.modelId());
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "cannot publish the configured spec of model '" + model.modelId() + "': " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while publishing the configured spec", e);
    }
  }

  public KafkaStreams streams() {
    return streams;
  }

  /** Blocks until Kafka Streams has stopped (closed, or failed) and returns its final state. */
  public KafkaStreams.State awaitStop() throws InterruptedException {
    stopped.await();
    return streams.state();
  }

  /**
   * How a closing instance treats its consumer group. Without static membership it leaves, so that
   * its partitions move at once (to the other instances, or to itself when it restarts) instead of
   * after the session timeout (45 s by default), which Kafka Streams' own default waits for. With a
   * {@code group.instance.id} the member stays: static membership exists so that a restart within
   * the session timeout gets its partitions back without a rebalance.
   */
  static CloseOptions.GroupMembershipOperation membershipOnClose(Properties streams) {
    boolean staticMember =
        streams.getProperty(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG) != null
            || streams.getProperty(
                    StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG))
                != null
            || streams.getProperty(
                    StreamsConfig.consumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG))
                != null;
    return staticMember
        ? CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP
        : CloseOptions.GroupMembershipOperation.LEAVE_GROUP;
  }

  /**
   * Clean shutdown: every model publishes a snapshot of what it learned since its last one, then
   * Streams commits and closes, leaving the consumer group ({@link #membershipOnClose}).
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (streams.state().isRunningOrRebalancing()) {
      try {
        boolean all =
            shutdown.requestAndAwait(Duration.ofMillis(config.shutdownSnapshotTimeoutMs()));
        if (!all) {
          log.warn("not every task published its shutdown snapshots in time; closing anyway");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    streams.close(
        CloseOptions.groupMembershipOperation(membershipOnClose(config.streamsProperties()))
            .withTimeout(Duration.ofSeconds(30)));
    streamsMetrics.close();
    log.info("trainer stopped");
  }
}
