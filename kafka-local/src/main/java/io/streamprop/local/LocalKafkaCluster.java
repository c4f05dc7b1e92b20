package io.streamprop.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real multi-node KRaft cluster on loopback, each node a child JVM (as {@link
 * LocalKafka.Mode#CHILD_PROCESS} runs one): by default three nodes, each both broker and controller
 * (combined mode) and a voter of one static controller quorum, with replication factor 3 and {@code
 * min.insync.replicas} 2 for every topic, internal ones included. Any one node can be killed
 * ({@code SIGKILL}), stopped and started again while the other two keep the quorum and every
 * partition writable.
 *
 * <pre>{@code
 * try (LocalKafkaCluster cluster = LocalKafkaCluster.builder().start()) {
 *   props.put("bootstrap.servers", cluster.bootstrapServers()); // all three nodes
 *   int leader = cluster.leader("examples", 0);
 *   cluster.kill(leader);
 *   ...
 *   cluster.start(leader); // same ports, same data; it catches up as a follower
 * }
 * }</pre>
 *
 * <p>Why combined mode: it is the smallest layout in which killing any node, the active controller
 * included, leaves a working cluster (two voters of three are a quorum), and it needs no other kind
 * of process. Every listener is on 127.0.0.1 unless {@link Builder#externalAddress} adds a client
 * listener on another local address (a process in another network namespace reaches the nodes
 * there). Node ids are 1 to {@link #size()}. Call order: {@link Builder#start()}, then any number
 * of {@link #start(int)} / {@link #stop(int)} / {@link #kill(int)}, then {@link #close()}.
 * Instances are thread-safe.
 */
public final class LocalKafkaCluster implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LocalKafkaCluster.class);

  /** Heap of each node's JVM: three of them share a small machine with the apps under test. */
  public static final int DEFAULT_CHILD_HEAP_MEGABYTES = 384;

  private final NodeDirectory root;
  private final int replication;
  private final List<ListenerPorts> ports = new ArrayList<>();
  private final String externalHost;
  private final List<Integer> externalPorts = new ArrayList<>();
  private final List<ChildProcessNode> nodes = new ArrayList<>();
  private final List<NodeDirectory> directories = new ArrayList<>();
  private final List<Map<String, String>> configs = new ArrayList<>();
  private final String clusterId = Uuid.randomUuid().toString();
  private boolean closed;

  private LocalKafkaCluster(Builder builder, NodeDirectory root) {
    this.root = root;
    int size = builder.brokers;
    this.replication = Math.min(3, size);
    this.externalHost = builder.externalHost;
    ClientSecurity plaintext = new ClientSecurity(null, true, null, null);
    List<String> voters = new ArrayList<>();
    for (int id = 1; id <= size; id++) {
      ListenerPorts chosen = ListenerPorts.choose(0, plaintext);
      while (clashes(chosen)) {
        chosen = ListenerPorts.choose(0, plaintext);
      }
      ports.add(chosen);
      voters.add(id + "@" + chosen.controllerAddress());
    }
    if (externalHost != null) {
      for (int id = 1; id <= size; id++) {
        int port = ListenerPorts.freePort(externalHost);
        while (externalPorts.contains(port) || clashes(port)) {
          port = ListenerPorts.freePort(externalHost);
        }
        externalPorts.add(port);
      }
    }
    for (int id = 1; id <= size; id++) {
      NodeDirectory directory = NodeDirectory.given(root.root().resolve("node-" + id));
      directories.add(directory);
      configs.add(
          BrokerConfig.clusterNode(
              id,
              ports.get(id - 1),
              String.join(",", voters),
              replication,
              directory.dataDir(),
              builder.maxMessageBytes,
              externalHost == null ? null : externalHost + ":" + externalPorts.get(id - 1),
              builder.extraProperties));
      nodes.add(
          new ChildProcessNode(
              directory,
              clusterId,
              ports.get(id - 1),
              builder.childHeapMegabytes,
              LocalKafka.DEFAULT_CHILD_JVM_OPTIONS,
              builder.startupTimeout));
    }
  }

  /** Whether a loopback listener already has {@code port} (an external one must differ). */
  private boolean clashes(int port) {
    for (ListenerPorts p : ports) {
      if (p.client() == port || p.controller() == port) {
        return true;
      }
    }
    return false;
  }

  private boolean clashes(ListenerPorts chosen) {
    for (ListenerPorts p : ports) {
      if (p.client() == chosen.client()
          || p.client() == chosen.controller()
          || p.controller() == chosen.client()
          || p.controller() == chosen.controller()) {
        return true;
      }
    }
    return false;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts every node that is not running, all at once (a node's broker becomes ready only once a
   * quorum of controllers runs), and returns when each serves clients.
   *
   * @throws LocalKafkaException if a node does not start within the startup timeout
   */
  public LocalKafkaCluster start() {
    long startNanos = System.nanoTime();
    List<CompletableFuture<Void>> starting = new ArrayList<>();
    for (int id = 1; id <= size(); id++) {
      int node = id;
      starting.add(CompletableFuture.runAsync(() -> start(node)));
    }
    try {
      CompletableFuture.allOf(starting.toArray(CompletableFuture[]::new)).join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof LocalKafkaException k
          ? k
          : new LocalKafkaException("the cluster did not start: " + e.getCause(), e.getCause());
    }
    log.info(
        "Kafka cluster of {} nodes started on {} in {} ms, log dir {}",
        size(),
        bootstrapServers(),
        (System.nanoTime() - startNanos) / 1_000_000,
        root.root());
    return this;
  }

  /** Starts node {@code id} (same ports, same data) and returns once it serves clients. */
  public void start(int id) {
    ChildProcessNode node = node(id);
    synchronized (node) {
      requireOpen();
      if (node.isRunning()) {
        return;
      }
      try {
        directories.get(id - 1).writeServerProperties(configs.get(id - 1), clusterId);
        node.start();
      } catch (LocalKafkaException e) {
        throw e;
      } catch (Exception e) {
        throw new LocalKafkaException("Kafka node " + id + " did not start: " + e, e);
      }
    }
  }

  /** Shuts node {@code id} down cleanly (its leaderships move first); its data stays. */
  public void stop(int id) {
    ChildProcessNode node = node(id);
    synchronized (node) {
      node.stop();
    }
  }

  /** Kills node {@code id}'s JVM with {@code SIGKILL}: no clean shutdown, as on a power loss. */
  public void kill(int id) {
    ChildProcessNode node = node(id);
    synchronized (node) {
      node.kill();
    }
  }

  public boolean isRunning(int id) {
    ChildProcessNode node = node(id);
    synchronized (node) {
      return node.isRunning();
    }
  }

  /** The number of nodes. */
  public int size() {
    return nodes.size();
  }

  /** Replicas of every topic and internal topic: 3, or the number of nodes if fewer. */
  public int replicationFactor() {
    return replication;
  }

  /** {@code min.insync.replicas} of every topic: one fewer than the replicas, at least 1. */
  public int minInsyncReplicas() {
    return Math.max(1, replication - 1);
  }

  /** The {@code bootstrap.servers} value for clients: every node's address. */
  public String bootstrapServers() {
    List<String> addresses = new ArrayList<>();
    ports.forEach(p -> addresses.add(p.clientAddress()));
    return String.join(",", addresses);
  }

  /**
   * The {@code bootstrap.servers} value for clients that reach the nodes on the {@linkplain
   * Builder#externalAddress external address}: every node's external listener. Such a client is
   * told only external addresses.
   *
   * @throws IllegalStateException if the cluster was built without an external address
   */
  public String externalBootstrapServers() {
    if (externalHost == null) {
      throw new IllegalStateException(
          "this cluster has no external listener; build it with externalAddress(host)");
    }
    List<String> addresses = new ArrayList<>();
    externalPorts.forEach(p -> addresses.add(externalHost + ":" + p));
    return String.join(",", addresses);
  }

  /** The client port of node {@code id}. */
  public int port(int id) {
    node(id);
    return ports.get(id - 1).client();
  }

  /** Node {@code id}'s configuration, as written to its {@code server.properties}. */
  public Map<String, String> brokerConfig(int id) {
    node(id);
    return Map.copyOf(configs.get(id - 1));
  }

  /** The directory holding each node's data ({@code node-N/}). */
  public Path logDir() {
    return root.root();
  }

  /**
   * The node that leads {@code topic}'s {@code partition} now, asked of the running nodes, or -1
   * when it has no leader.
   */
  public int leader(String topic, int partition) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers()))) {
      TopicDescription description =
          admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
      Node leader = description.partitions().get(partition).leader();
      return leader == null || leader.isEmpty() ? -1 : leader.id();
    }
  }

  /**
   * Ends every node, all at once. With a temporary directory the nodes are killed and the data
   * deleted (a clean shutdown of a whole cluster moves leaders back and forth for nothing); with
   * the caller's directory they shut down cleanly and the data stays.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    try {
      List<CompletableFuture<Void>> stopping = new ArrayList<>();
      for (int id = 1; id <= size(); id++) {
        int node = id;
        stopping.add(
            CompletableFuture.runAsync(
                () -> {
                  if (root.isTemporary()) {
                    kill(node);
                  } else {
                    stop(node);
                  }
                }));
      }
      CompletableFuture.allOf(stopping.toArray(CompletableFuture[]::new)).join();
    } finally {
      root.deleteIfTemporary();
    }
  }

  private synchronized void requireOpen() {
    if (closed) {
      throw new IllegalStateException("this LocalKafkaCluster is closed; build a new one");
    }
  }

  private ChildProcessNode node(int id) {
    if (id < 1 || id > nodes.size()) {
      throw new IllegalArgumentException("node id must be in 1.." + nodes.size() + ", got " + id);
    }
    return nodes.get(id - 1);
  }

  /** Options of a {@link LocalKafkaCluster}; every one has a default that suits tests. */
  public static final class Builder {
    private int brokers = 3;
    private Path logDir;
    private int maxMessageBytes = LocalKafka.DEFAULT_MAX_MESSAGE_BYTES;
    private Duration startupTimeout = LocalKafka.DEFAULT_STARTUP_TIMEOUT;
    private int childHeapMegabytes = DEFAULT_CHILD_HEAP_MEGABYTES;
    private String externalHost;
    private final Map<String, String> extraProperties = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Each node also listens, in plaintext, on {@code host} (another local IPv4 address, e.g. the
     * host end of a veth pair into a network namespace), on a port of its own, and advertises that
     * address there: {@link LocalKafkaCluster#externalBootstrapServers()} then works from wherever
     * {@code host} is reachable. Loopback listeners, the controllers and replication are unchanged.
     * Default: none, every listener on 127.0.0.1 only.
     */
    public Builder externalAddress(String host) {
      if (host == null || !host.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
        throw new IllegalArgumentException(
            "externalAddress must be an IPv4 address such as 10.231.0.1, got " + host);
      }
      if (host.equals(ListenerPorts.HOST) || host.equals("0.0.0.0")) {
        throw new IllegalArgumentException(
            "externalAddress must differ from "
                + ListenerPorts.HOST
                + " (the nodes listen there already) and from the wildcard 0.0.0.0, got "
                + host);
      }
      this.externalHost = host;
      return this;
    }

    /** Nodes, each broker and controller; default 3. */
    public Builder brokers(int brokers) {
      if (brokers < 1 || brokers > 9) {
        throw new IllegalArgumentException("brokers must be in 1..9, got " + brokers);
      }
      this.brokers = brokers;
      return this;
    }

    /** Keep the nodes' data under this directory (kept on close). Default: a temporary one. */
    public Builder logDir(Path logDir) {
      this.logDir = NodeOptions.logDir(logDir);
      return this;
    }

    public Builder maxMessageBytes(int maxMessageBytes) {
      this.maxMessageBytes = NodeOptions.maxMessageBytes(maxMessageBytes);
      return this;
    }

    /** How long the start of one node may take; default 120 s. */
    public Builder startupTimeout(Duration startupTimeout) {
      this.startupTimeout = NodeOptions.startupTimeout(startupTimeout);
      return this;
    }

    /** Each node's {@code -Xmx}; default {@value #DEFAULT_CHILD_HEAP_MEGABYTES}. */
    public Builder childHeapMegabytes(int childHeapMegabytes) {
      this.childHeapMegabytes = NodeOptions.childHeapMegabytes(childHeapMegabytes);
      return this;
    }

    /** Any broker setting of every node; as {@link LocalKafka.Builder#brokerProperty}. */
    public Builder brokerProperty(String key, String value) {
      NodeOptions.brokerProperty(extraProperties, key, value);
      return this;
    }

    /** Whether {@link #externalAddress} was given. */
    public boolean hasExternalAddress() {
      return externalHost != null;
    }

    /** A stopped cluster with ports and directories chosen. */
    public LocalKafkaCluster build() {
      return new LocalKafkaCluster(
          this, logDir != null ? NodeDirectory.given(logDir) : NodeDirectory.temporary());
    }

    /** {@link #build()} then {@link LocalKafkaCluster#start()}; closes it if the start fails. */
    public LocalKafkaCluster start() {
      LocalKafkaCluster cluster = build();
      try {
        return cluster.start();
      } catch (RuntimeException e) {
        cluster.close();
        throw e;
      }
    }
  }
}
