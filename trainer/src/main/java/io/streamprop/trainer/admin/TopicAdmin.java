package io.streamprop.trainer.admin;

import io.streamprop.config.TrainerKeys;
import io.streamprop.spec.SpecLimits;
import io.streamprop.trainer.config.TrainerConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the trainer's topics when missing and checks the ones that exist, idempotently.
 *
 * <ul>
 *   <li>{@code model-specs}: compacted (the latest spec of each model is the spec in force).
 *   <li>{@code model-snapshots}: compacted, with small segments and a low dirty ratio so that
 *       compaction keeps up (it never touches the active segment), and {@code max.message.bytes}
 *       large enough for the largest snapshot a valid spec allows.
 *   <li>{@code predictions}, {@code labels}: plain topics, checked to be co-partitioned (the same
 *       number of partitions) for the label join.
 *   <li>{@code examples}, {@code dead-letters}: plain (delete) topics; {@code dead-letters} also
 *       accepts the largest record the trainer's producer may send, so that an oversize example can
 *       be dead-lettered unchanged.
 * </ul>
 *
 * An existing topic that breaks one of these rules stops the trainer with a message naming the
 * topic, the setting and the fix, rather than training into a topic that loses data.
 */
public final class TopicAdmin {
  private static final Logger log = LoggerFactory.getLogger(TopicAdmin.class);

  private TopicAdmin() {}

  /** One topic the trainer needs, with the settings it is created with. */
  public record TopicPlan(String name, Map<String, String> configs, boolean compacted) {}

  /** The topics and their settings for {@code config}. */
  public static List<TopicPlan> plan(TrainerConfig config) {
    String maxRecord = Integer.toString(SpecLimits.MAX_SNAPSHOT_RECORD_BYTES);
    Map<String, String> snapshots = new LinkedHashMap<>();
    snapshots.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
    snapshots.put(TopicConfig.SEGMENT_MS_CONFIG, "60000");
    snapshots.put(TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, "0.01");
    snapshots.put(TopicConfig.DELETE_RETENTION_MS_CONFIG, "3600000");
    snapshots.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, maxRecord);
    Map<String, String> specs = new LinkedHashMap<>();
    specs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
    Map<String, String> deadLetters = new LinkedHashMap<>();
    // Dead letters keep the rejected value unchanged, and an oversize example is by definition
    // larger than the example limit: the topic takes anything the trainer's producer may send
    // (max.request.size = MAX_SNAPSHOT_RECORD_BYTES), or one oversize record would stop the trainer
    // for good
    // (RecordTooLargeException fails the stream thread; the restart meets the same record).
    deadLetters.put(
        TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
        Integer.toString(
            Math.max(
                Math.max(config.exampleMaxBytes(), 1 << 20) + 64 * 1024,
                SpecLimits.MAX_SNAPSHOT_RECORD_BYTES)));
    return List.of(
        new TopicPlan(config.topics().examples(), Map.of(), false),
        new TopicPlan(config.topics().specs(), specs, true),
        new TopicPlan(config.topics().snapshots(), snapshots, true),
        new TopicPlan(config.topics().deadLetters(), deadLetters, false),
        new TopicPlan(config.topics().predictions(), Map.of(), false),
        new TopicPlan(config.topics().labels(), Map.of(), false));
  }

  /**
   * Creates missing topics (if {@code config.createTopics()}) and checks all of them.
   *
   * @throws TopicSetupException if the broker is unreachable or a topic is missing or unfit
   */
  public static void ensureTopics(Admin admin, TrainerConfig config) {
    List<TopicPlan> plans = plan(config);
    Set<String> existing = listTopics(admin, config);
    List<NewTopic> toCreate = new ArrayList<>();
    for (TopicPlan plan : plans) {
      if (!existing.contains(plan.name())) {
        if (!config.createTopics()) {
          throw new TopicSetupException(
              "topic "
                  + plan.name()
                  + " does not exist and "
                  + TrainerKeys.TOPIC_CREATE
                  + "=false: create it (settings "
                  + plan.configs()
                  + ") or let the trainer create it");
        }
        toCreate.add(
            new NewTopic(
                    plan.name(),
                    Optional.of(config.topicPartitions()),
                    Optional.of(config.topicReplicationFactor()))
                .configs(plan.configs()));
      }
    }
    for (NewTopic topic : toCreate) {
      try {
        get(
            admin.createTopics(List.of(topic)).all(),
            "create topic " + topic.name(),
            config.adminTimeoutMs());
        log.info("created topic {} with {}", topic.name(), topic.configs());
      } catch (TopicSetupException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
        // Another trainer instance created it first: fine, it is checked below.
      }
    }
    check(admin, plans, config.adminTimeoutMs());
    checkCoPartitioned(admin, config);
  }

  /** The number of partitions of {@code topic}, which exists. */
  public static int partitions(Admin admin, TrainerConfig config, String topic) {
    return untilKnown(
            () -> admin.describeTopics(List.of(topic)).allTopicNames(),
            "describe topic " + topic,
            config.adminTimeoutMs())
        .get(topic)
        .partitions()
        .size();
  }

  /**
   * The join needs a label and its prediction in one task: {@code predictions} and {@code labels}
   * must have the same number of partitions (and producers the default partitioner on the id).
   */
  static void checkCoPartitioned(Admin admin, TrainerConfig config) {
    String predictions = config.topics().predictions();
    String labels = config.topics().labels();
    Map<String, org.apache.kafka.clients.admin.TopicDescription> topics =
        untilKnown(
            () -> admin.describeTopics(List.of(predictions, labels)).allTopicNames(),
            "describe topics " + predictions + " and " + labels,
            config.adminTimeoutMs());
    int p = topics.get(predictions).partitions().size();
    int l = topics.get(labels).partitions().size();
    if (p != l) {
      throw new TopicSetupException(
          "topics "
              + predictions
              + " ("
              + p
              + " partitions) and "
              + labels
              + " ("
              + l
              + " partitions) must be co-partitioned, so that a label meets its prediction in one"
              + " task: give them the same number of partitions (kafka-topics --alter"
              + " --partitions "
              + Math.max(p, l)
              + " on the smaller one, before any label or prediction is sent)");
    }
  }

  private static Set<String> listTopics(Admin admin, TrainerConfig config) {
    String unreachable =
        "cannot reach the Kafka broker at "
            + config.bootstrapServers()
            + " within "
            + config.adminTimeoutMs()
            + " ms: check --bootstrap-server, that the broker is up, and the security settings";
    try {
      return admin.listTopics().names().get(config.adminTimeoutMs() + 1000, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new TopicSetupException(unreachable, e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
        throw new TopicSetupException(unreachable, e.getCause());
      }
      throw new TopicSetupException(
          "cannot list topics on "
              + config.bootstrapServers()
              + ": "
              + e.getCause().getMessage()
              + " (check the address and the security settings)",
          e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TopicSetupException("interrupted while listing topics", e);
    }
  }

  /** Checks that the compacted topics are compacted and big records fit. */
  static void check(Admin admin, List<TopicPlan> plans, long timeoutMs) {
    List<ConfigResource> resources = new ArrayList<>();
    for (TopicPlan plan : plans) {
      resources.add(new ConfigResource(ConfigResource.Type.TOPIC, plan.name()));
    }
    Map<ConfigResource, Config> configs = describe(admin, resources, timeoutMs);
    List<String> problems = new ArrayList<>();
    for (TopicPlan plan : plans) {
      Config actual = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, plan.name()));
      problems.addAll(problems(plan, actual));
    }
    if (!problems.isEmpty()) {
      throw new TopicSetupException("unfit topics: " + String.join("; ", problems));
    }
  }

  /** Describes the topics, waiting for just-created ones to become known to the broker. */
  private static Map<ConfigResource, Config> describe(
      Admin admin, List<ConfigResource> resources, long timeoutMs) {
    return untilKnown(
        () -> admin.describeConfigs(resources).all(), "describe topic configs", timeoutMs);
  }

  /**
   * Asks {@code request} again while the broker that answered does not know a topic yet: a topic
   * just created reaches the other brokers of a cluster a moment later.
   */
  private static <T> T untilKnown(
      java.util.function.Supplier<org.apache.kafka.common.KafkaFuture<T>> request,
      String what,
      long timeoutMs) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    while (true) {
      try {
        return get(request.get(), what, timeoutMs);
      } catch (TopicSetupException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)
            || System.nanoTime() > deadline) {
          throw e;
        }
        // Topic metadata propagates asynchronously after creation; ask again shortly.
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
      }
    }
  }

  static List<String> problems(TopicPlan plan, Config actual) {
    List<String> problems = new ArrayList<>();
    if (plan.compacted()) {
      String policy = value(actual, TopicConfig.CLEANUP_POLICY_CONFIG);
      if (policy == null || !policy.contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
        problems.add(
            "topic "
                + plan.name()
                + " has cleanup.policy="
                + policy
                + " but must be compacted: run kafka-configs --alter --entity-type topics"
                + " --entity-name "
                + plan.name()
                + " --add-config cleanup.policy=compact");
      }
    }
    String wanted = plan.configs().get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
    String have = value(actual, TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
    if (wanted != null && have != null && Long.parseLong(have) < Long.parseLong(wanted)) {
      problems.add(
          "topic "
              + plan.name()
              + " has max.message.bytes="
              + have
              + ", less than the "
              + wanted
              + " the largest record needs: raise it with kafka-configs --add-config"
              + " max.message.bytes="
              + wanted);
    }
    return problems;
  }

  private static String value(Config config, String name) {
    if (config == null) {
      return null;
    }
    ConfigEntry entry = config.get(name);
    return entry == null ? null : entry.value();
  }

  private static <T> T get(
      org.apache.kafka.common.KafkaFuture<T> future, String what, long timeoutMs) {
    try {
      return future.get(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new TopicSetupException("timed out trying to " + what, e);
    } catch (ExecutionException e) {
      throw new TopicSetupException(
          "failed to " + what + ": " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TopicSetupException("interrupted trying to " + what, e);
    }
  }
}
