package io.streamprop.local;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The configuration of a {@link LocalKafka} node: a fixed single-node layout (one KRaft node that
 * is broker and controller, client listeners and one controller listener on loopback), the settings
 * a one-node cluster needs, each explained in {@code docs/local-kafka.md}, then the caller's extra
 * properties, which win. Also knows which keys it owns and refuses as extras.
 */
final class BrokerConfig {
  private static final String BROKER_LISTENER = "PLAINTEXT";
  private static final String CONTROLLER_LISTENER = "CONTROLLER";
  private static final String TLS_LISTENER = "SSL";
  static final String EXTERNAL_LISTENER = "EXTERNAL";
  private static final int NODE_ID = 1;

  /** Keys that LocalKafka sets itself: changing them would break the single-node layout. */
  private static final Set<String> RESERVED_KEYS =
      Set.of(
          "process.roles",
          "node.id",
          "listeners",
          "advertised.listeners",
          "listener.security.protocol.map",
          "controller.listener.names",
          "inter.broker.listener.name",
          "controller.quorum.voters",
          "controller.quorum.bootstrap.servers",
          "log.dirs",
          "log.dir",
          "metadata.log.dir",
          "message.max.bytes");

  private BrokerConfig() {}

  /**
   * Refuses a key of the listener, quorum and directory layout, or {@code message.max.bytes}, as an
   * extra broker property, naming the builder option to use instead where there is one.
   */
  static void requireNotReserved(String key) {
    if (RESERVED_KEYS.contains(key)) {
      throw new IllegalArgumentException(
          "broker property "
              + key
              + " is set by LocalKafka"
              + (key.equals("message.max.bytes")
                  ? "; use maxMessageBytes(int)"
                  : " (single-node listener, quorum and directory layout)"));
    }
  }

  /** The node's configuration, in the order it is set; {@code extraProperties} come last. */
  static Map<String, String> singleNode(
      ListenerPorts ports,
      ClientSecurity security,
      Path dataDir,
      int maxMessageBytes,
      Map<String, String> extraProperties) {
    Map<String, String> config = new LinkedHashMap<>();
    // Listener layout: client listeners (plaintext, TLS, or both) and one controller listener, all
    // on loopback.
    config.put("process.roles", "broker,controller");
    config.put("node.id", Integer.toString(NODE_ID));
    List<String> clientListeners = new ArrayList<>();
    List<String> protocols = new ArrayList<>();
    if (security.plaintext()) {
      clientListeners.add(BROKER_LISTENER + "://" + ports.clientAddress());
      protocols.add(BROKER_LISTENER + ":PLAINTEXT");
    }
    protocols.add(CONTROLLER_LISTENER + ":PLAINTEXT");
    if (security.hasTls()) {
      clientListeners.add(TLS_LISTENER + "://" + ports.tlsAddress());
      protocols.add(TLS_LISTENER + ":" + security.tlsProtocol());
    }
    config.put(
        "listeners",
        String.join(",", clientListeners)
            + ","
            + CONTROLLER_LISTENER
            + "://"
            + ports.controllerAddress());
    config.put("advertised.listeners", String.join(",", clientListeners));
    config.put("listener.security.protocol.map", String.join(",", protocols));
    security.putBrokerSettings(config, TLS_LISTENER);
    config.put("inter.broker.listener.name", security.plaintext() ? BROKER_LISTENER : TLS_LISTENER);
    config.put("controller.listener.names", CONTROLLER_LISTENER);
    // A static quorum of one voter: the controller's port lives only in this config, not in
    // the formatted storage, and it is kept across restarts anyway.
    config.put("controller.quorum.voters", NODE_ID + "@" + ports.controllerAddress());
    config.put("log.dirs", dataDir.toString());

    // Internal topics default to replication factor 3 (and min ISR 2); on one node their
    // creation fails and group, transaction and Streams clients hang on coordinator look-ups.
    config.put("offsets.topic.replication.factor", "1");
    config.put("transaction.state.log.replication.factor", "1");
    config.put("transaction.state.log.min.isr", "1");
    config.put("share.coordinator.state.topic.replication.factor", "1");
    config.put("share.coordinator.state.topic.min.isr", "1");
    // One node serves every coordinator: a single partition per internal topic is created
    // fastest (the defaults are 50 and 50 partitions).
    config.put("offsets.topic.num.partitions", "1");
    config.put("transaction.state.log.num.partitions", "1");
    // Consumer groups and Streams apps rebalance at once instead of waiting 3 s for more members.
    config.put("group.initial.rebalance.delay.ms", "0");
    // The log cleaner reserves its dedupe buffer (128 MiB by default) at start; 4 MiB covers
    // compacted test and demo topics and lets the broker live in a small heap.
    config.put("log.cleaner.dedupe.buffer.size", Integer.toString(4 * 1024 * 1024));
    // Model snapshots are single records: the broker must accept the largest a user can declare.
    config.put("message.max.bytes", Integer.toString(maxMessageBytes));
    long socketRequestMax = Math.max(100L * 1024 * 1024, maxMessageBytes + 1024L * 1024);
    config.put(
        "socket.request.max.bytes", Long.toString(Math.min(Integer.MAX_VALUE, socketRequestMax)));
    config.put("replica.fetch.max.bytes", Integer.toString(maxMessageBytes));

    config.putAll(extraProperties);
    return config;
  }

  /**
   * The configuration of node {@code nodeId} of a {@link LocalKafkaCluster}: every node is broker
   * and controller (combined mode), plaintext on loopback, one voter of a static quorum of all the
   * nodes ({@code voters}: {@code id@host:port,...}). Topics and internal topics get {@code
   * replication} replicas and {@code min.insync.replicas} one fewer (at least 1): with three nodes,
   * replication factor 3 and {@code min.insync.replicas} 2, so one node can be down and every
   * {@code acks=all} write and every transaction still succeeds. With an {@code externalAddress}
   * ({@code host:port}, or null for none) the node has a second plaintext client listener, {@value
   * #EXTERNAL_LISTENER}, bound to and advertised as that address: a client that reaches the node
   * there is told every node's external address. Controller and inter-broker traffic stay on
   * loopback.
   */
  static Map<String, String> clusterNode(
      int nodeId,
      ListenerPorts ports,
      String voters,
      int replication,
      Path dataDir,
      int maxMessageBytes,
      String externalAddress,
      Map<String, String> extraProperties) {
    Map<String, String> config = new LinkedHashMap<>();
    config.put("process.roles", "broker,controller");
    config.put("node.id", Integer.toString(nodeId));
    String client = BROKER_LISTENER + "://" + ports.clientAddress();
    String protocols = BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT";
    if (externalAddress != null) {
      client += "," + EXTERNAL_LISTENER + "://" + externalAddress;
      protocols += "," + EXTERNAL_LISTENER + ":PLAINTEXT";
    }
    config.put("listeners", client + "," + CONTROLLER_LISTENER + "://" + ports.controllerAddress());
    config.put("advertised.listeners", client);
    config.put("listener.security.protocol.map", protocols);
    config.put("inter.broker.listener.name", BROKER_LISTENER);
    config.put("controller.listener.names", CONTROLLER_LISTENER);
    config.put("controller.quorum.voters", voters);
    config.put("log.dirs", dataDir.toString());

    String minIsr = Integer.toString(Math.max(1, replication - 1));
    config.put("default.replication.factor", Integer.toString(replication));
    config.put("min.insync.replicas", minIsr);
    config.put("offsets.topic.replication.factor", Integer.toString(replication));
    config.put("transaction.state.log.replication.factor", Integer.toString(replication));
    config.put("transaction.state.log.min.isr", minIsr);
    config.put("share.coordinator.state.topic.replication.factor", Integer.toString(replication));
    config.put("share.coordinator.state.topic.min.isr", minIsr);
    // A few partitions per internal topic: coordinators spread over the nodes, created quickly.
    config.put("offsets.topic.num.partitions", "3");
    config.put("transaction.state.log.num.partitions", "3");
    config.put("unclean.leader.election.enable", "false");
    config.put("group.initial.rebalance.delay.ms", "0");
    config.put("log.cleaner.dedupe.buffer.size", Integer.toString(4 * 1024 * 1024));
    config.put("message.max.bytes", Integer.toString(maxMessageBytes));
    long socketRequestMax = Math.max(100L * 1024 * 1024, maxMessageBytes + 1024L * 1024);
    config.put(
        "socket.request.max.bytes", Long.toString(Math.min(Integer.MAX_VALUE, socketRequestMax)));
    config.put("replica.fetch.max.bytes", Integer.toString(maxMessageBytes));

    config.putAll(extraProperties);
    return config;
  }
}
