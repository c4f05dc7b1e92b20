package io.streamprop.faults.rig;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;

/**
 * What the broker says of a Kafka Streams application's consumer group: which member (by its static
 * {@code group.instance.id}) holds which partitions of a topic as active tasks (a Streams consumer
 * is assigned only its active tasks' partitions; standbys travel in its user data), and the offsets
 * the group has committed.
 */
public final class Group {
  private Group() {}

  /**
   * Instance (its {@code group.instance.id}, without the stream-thread suffix Kafka Streams
   * appends) → the partitions of {@code topic} its stream threads are assigned now (instances
   * without any too).
   */
  public static Map<String, TreeSet<Integer>> assignment(Admin admin, String group, String topic)
      throws Exception {
    ConsumerGroupDescription description =
        admin
            .describeConsumerGroups(java.util.List.of(group))
            .all()
            .get(30, TimeUnit.SECONDS)
            .get(group);
    Map<String, TreeSet<Integer>> owned = new TreeMap<>();
    for (MemberDescription member : description.members()) {
      // Kafka Streams gives each stream thread the static id "<group.instance.id>-<thread>".
      String id =
          member
              .groupInstanceId()
              .map(i -> i.replaceFirst("-\\d+$", ""))
              .orElse(member.consumerId());
      TreeSet<Integer> partitions = owned.computeIfAbsent(id, k -> new TreeSet<>());
      // One instance with several stream threads: the union of its threads' partitions.
      for (TopicPartition tp : member.assignment().topicPartitions()) {
        if (tp.topic().equals(topic)) {
          partitions.add(tp.partition());
        }
      }
    }
    return owned;
  }

  /** Polls {@link #assignment} until {@code done} holds; returns that assignment. */
  public static Map<String, TreeSet<Integer>> awaitAssignment(
      Admin admin,
      String group,
      String topic,
      String what,
      Predicate<Map<String, TreeSet<Integer>>> done,
      Duration timeout) {
    return await(what)
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .until(() -> assignment(admin, group, topic), done);
  }

  /** The offset the group committed on each partition of {@code topic} (0 where none). */
  public static Map<Integer, Long> committed(
      Admin admin, String group, String topic, int partitions) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> offsets =
        admin
            .listConsumerGroupOffsets(group)
            .partitionsToOffsetAndMetadata()
            .get(30, TimeUnit.SECONDS);
    Map<Integer, Long> committed = new TreeMap<>();
    for (int p = 0; p < partitions; p++) {
      OffsetAndMetadata o = offsets.get(new TopicPartition(topic, p));
      committed.put(p, o == null ? 0 : o.offset());
    }
    return committed;
  }

  /** The end offset of each partition of {@code topic}. */
  public static Map<Integer, Long> endOffsets(Admin admin, String topic, int partitions)
      throws Exception {
    Map<TopicPartition, OffsetSpec> request = new java.util.HashMap<>();
    for (int p = 0; p < partitions; p++) {
      request.put(new TopicPartition(topic, p), OffsetSpec.latest());
    }
    Map<Integer, Long> end = new TreeMap<>();
    admin
        .listOffsets(request)
        .all()
        .get(30, TimeUnit.SECONDS)
        .forEach((tp, info) -> end.put(tp.partition(), info.offset()));
    return end;
  }

  /**
   * {@code count} model ids, {@code prefix} plus a number, whose keys the default partitioner puts
   * on {@code count} different partitions of a topic of {@code partitions} (murmur2 of the key, as
   * the Java producer computes it): one model per partition, so that each task owns a model.
   */
  public static String[] oneModelPerPartition(String prefix, int count, int partitions) {
    String[] ids = new String[count];
    boolean[] taken = new boolean[partitions];
    int found = 0;
    for (int n = 0; found < count; n++) {
      String id = prefix + n;
      int partition =
          Utils.toPositive(Utils.murmur2(id.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
              % partitions;
      if (!taken[partition]) {
        taken[partition] = true;
        ids[found++] = id;
      }
    }
    return ids;
  }

  /** The partition the default partitioner gives {@code key}. */
  public static int partitionOf(String key, int partitions) {
    return Utils.toPositive(Utils.murmur2(key.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        % partitions;
  }
}
