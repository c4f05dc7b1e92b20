package io.streamprop.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka cluster: one KRaft node that is both broker and controller, built from
 * Apache Kafka's own server classes ({@code kafka.server.KafkaRaftServer}, what {@code kafka.Kafka}
 * runs). It is configured for one node (internal topics with replication factor 1, so consumer
 * groups, transactions and Kafka Streams exactly-once work), and can be stopped and started again
 * on the same log directory and port, keeping its data.
 *
 * <pre>{@code
 * try (LocalKafka kafka = LocalKafka.builder().start()) {
 *   props.put("bootstrap.servers", kafka.bootstrapServers());
 *   ...
 *   kafka.restart(); // same port, same data
 * }
 * }</pre>
 *
 * <p>Two modes: {@link Mode#IN_PROCESS} (the default) runs the node in this JVM; {@link
 * Mode#CHILD_PROCESS} runs it in a child JVM on the same class path, which can also be {@link
 * #kill() killed} without a clean shutdown, as a crashed broker would be. Call order: {@link
 * Builder#build()} (or {@link Builder#start()}), then any number of {@link #start()} / {@link
 * #stop()} / {@link #restart()} / {@link #kill()}, then {@link #close()}, which stops the node and
 * deletes the log directory if this class created it. Instances are thread-safe.
 */
public final class LocalKafka implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LocalKafka.class);

  /** Large enough for the snapshot of a big model (see {@code docs/local-kafka.md}). */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

  /**
   * A first start in a fresh JVM took 12 to 25 s on the loaded two-core development machine (1.2 to
   * 2.5 s once Kafka's classes are loaded); this leaves room for a slower day.
   */
  public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(120);

  /**
   * Heap of the child JVM: room for a few records of tens of MiB beside the 4 MiB cleaner buffer.
   */
  public static final int DEFAULT_CHILD_HEAP_MEGABYTES = 512;

  /**
   * JVM options of the child besides its heap. C1 only and the serial collector halve a child's
   * cold start on a busy two-core machine (measured: about 28.5 s down to 12 to 19 s), at the cost
   * of peak throughput; pass an empty list to {@link Builder#childJvmOptions} for the full JIT.
   */
  public static final List<String> DEFAULT_CHILD_JVM_OPTIONS =
      List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

  /** Where the node runs. */
  public enum Mode {
    /** In this JVM: fastest to start; {@link #kill()} is not available. */
    IN_PROCESS,
    /** In a child JVM on this JVM's class path: can be killed like a crashed broker. */
    CHILD_PROCESS
  }

  private final Mode mode;
  private final NodeDirectory directory;
  private final int maxMessageBytes;
  private final String clusterId;
  private final ClientSecurity security;
  private final ListenerPorts ports;
  private final Map<String, String> brokerConfig;
  private final KafkaNode node;

  private Duration lastStartupTime;
  private boolean closed;

  private LocalKafka(Builder builder, NodeDirectory directory) {
    this.mode = builder.mode;
    this.directory = directory;
    this.maxMessageBytes = builder.maxMessageBytes;
    this.clusterId = Uuid.randomUuid().toString();
    this.security =
        new ClientSecurity(builder.tls, builder.plaintext, builder.saslUser, builder.saslPassword);
    this.ports = ListenerPorts.choose(builder.port, security);
    this.brokerConfig =
        Collections.unmodifiableMap(
            BrokerConfig.singleNode(
                ports, security, directory.dataDir(), maxMessageBytes, builder.extraProperties));
    this.node =
        switch (mode) {
          case IN_PROCESS -> new KraftNode(brokerConfig, clusterId);
          case CHILD_PROCESS ->
              new ChildProcessNode(
                  directory,
                  clusterId,
                  ports,
                  builder.childHeapMegabytes,
                  builder.childJvmOptions,
                  builder.startupTimeout);
        };
  }

  /** A builder with the defaults: in process, temporary log directory, any free port. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts the node (formatting its storage the first time) and returns once it serves clients.
   * Does nothing if it is already running.
   *
   * @throws LocalKafkaException if it does not start within the startup timeout
   */
  public synchronized LocalKafka start() {
    requireOpen();
    if (isRunning()) {
      return this;
    }
    long startNanos = System.nanoTime();
    try {
      directory.writeServerProperties(brokerConfig, clusterId);
      node.start();
    } catch (LocalKafkaException e) {
      throw e;
    } catch (Exception e) {
      throw new LocalKafkaException(
          "Kafka did not start on "
              + bootstrapServers()
              + " (log dir "
              + directory.root()
              + "): "
              + rootCause(e),
          e);
    }
    lastStartupTime = Duration.ofNanos(System.nanoTime() - startNanos);
    log.info(
        "Kafka ({}) started on {} in {} ms, log dir {}",
        mode,
        bootstrapServers(),
        lastStartupTime.toMillis(),
        directory.root());
    return this;
  }

  /** Shuts the node down cleanly; its data stays for a later {@link #start()}. */
  public synchronized void stop() {
    node.stop();
  }

  /** Stops the node cleanly and starts it again on the same log directory and port. */
  public synchronized void restart() {
    stop();
    start();
  }

  /**
   * Kills the child JVM at once ({@code SIGKILL}): no clean shutdown, no flushed logs, as when a
   * broker machine loses power. A later {@link #start()} recovers the logs like a real broker.
   *
   * @throws UnsupportedOperationException in {@link Mode#IN_PROCESS}, where the node shares the JVM
   *     with the caller and cannot be killed alone
   */
  public synchronized void kill() {
    if (!(node instanceof ChildProcessNode child)) {
      throw new UnsupportedOperationException(
          "kill() needs Mode.CHILD_PROCESS; an in-process broker can only stop() cleanly");
    }
    child.kill();
  }

  /** Whether the node is started and not stopped, killed or closed. */
  public synchronized boolean isRunning() {
    return node.isRunning();
  }

  /**
   * The {@code bootstrap.servers} value for clients; the same across restarts. On a node built with
   * {@link Builder#tlsOnly} this is the TLS listener, and clients need {@link
   * #tlsClientProperties()}.
   */
  public String bootstrapServers() {
    return ports.clientAddress();
  }

  /**
   * The {@code bootstrap.servers} value for clients of the TLS listener; the same across restarts.
   *
   * @throws IllegalStateException if the node was built without {@link Builder#tls}
   */
  public String tlsBootstrapServers() {
    if (!security.hasTls()) {
      throw new IllegalStateException("this LocalKafka has no TLS listener; build it with tls()");
    }
    return ports.tlsAddress();
  }

  /**
   * The properties a client of the TLS listener needs: {@code bootstrap.servers}, {@code
   * security.protocol=SSL} and the trust store; with {@link Builder#saslPlain}, {@code
   * security.protocol=SASL_SSL}, {@code sasl.mechanism=PLAIN} and the user's {@code
   * sasl.jaas.config} as well.
   */
  public Map<String, String> tlsClientProperties() {
    return security.clientProperties(tlsBootstrapServers());
  }

  /** The {@code sasl.jaas.config} value of a SASL/PLAIN client with these credentials. */
  public static String plainJaasConfig(String user, String password) {
    return ClientSecurity.plainJaasConfig(user, password);
  }

  /** The client port; the same across restarts. */
  public int port() {
    return ports.client();
  }

  /**
   * Whether clients can reach the node over plaintext (false only with {@link Builder#tlsOnly}).
   */
  public boolean hasPlaintextListener() {
    return security.plaintext();
  }

  /** The directory under which the node keeps its data ({@code data/}) and its properties. */
  public Path logDir() {
    return directory.root();
  }

  public Mode mode() {
    return mode;
  }

  /** The broker's {@code message.max.bytes}: clients must raise their own limits to match. */
  public int maxMessageBytes() {
    return maxMessageBytes;
  }

  /** The node's full configuration, in the order it was set. */
  public Map<String, String> brokerConfig() {
    return brokerConfig;
  }

  /** How long the last {@link #start()} took, or null if the node never started. */
  public synchronized Duration lastStartupTime() {
    return lastStartupTime;
  }

  /** Stops the node and deletes the log directory if this class created it. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    try {
      stop();
    } finally {
      closed = true;
      directory.deleteIfTemporary();
    }
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("this LocalKafka is closed; build a new one");
    }
  }

  /** The innermost cause says what went wrong ("Address already in use"), not where. */
  private static String rootCause(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == e ? e.toString() : e.getMessage() + "; cause: " + root;
  }

  /** Options of a {@link LocalKafka}; every one has a default that suits tests. */
  public static final class Builder {
    private Mode mode = Mode.IN_PROCESS;
    private Path logDir;
    private int port;
    private int maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;
    private Duration startupTimeout = DEFAULT_STARTUP_TIMEOUT;
    private int childHeapMegabytes = DEFAULT_CHILD_HEAP_MEGABYTES;
    private List<String> childJvmOptions = DEFAULT_CHILD_JVM_OPTIONS;
    private final Map<String, String> extraProperties = new LinkedHashMap<>();
    private TlsFiles tls;
    private boolean plaintext = true;
    private String saslUser;
    private String saslPassword;

    private Builder() {}

    /**
     * Adds a TLS listener (protocol {@code SSL}, server authentication only) on another free port,
     * beside the plaintext one; see {@link LocalKafka#tlsClientProperties()}.
     */
    public Builder tls(TlsFiles tls) {
      if (tls == null) {
        throw new IllegalArgumentException("tls must not be null");
      }
      this.tls = tls;
      return this;
    }

    /**
     * Serves clients over TLS only: one {@code SSL} listener on the client port and no plaintext
     * listener at all (the broker's own inter-broker traffic goes over TLS too, trusting {@code
     * tls}'s trust store). {@link LocalKafka#bootstrapServers()} is then the TLS listener.
     */
    public Builder tlsOnly(TlsFiles tls) {
      tls(tls);
      this.plaintext = false;
      return this;
    }

    /**
     * Clients of the TLS listener must also authenticate with SASL/PLAIN as this one user (the
     * listener's protocol becomes {@code SASL_SSL}); needs {@link #tls} or {@link #tlsOnly}. The
     * plaintext listener, if any, stays unauthenticated. User and password: letters, digits, and
     * {@code -_.}, so that they need no quoting in a JAAS configuration.
     */
    public Builder saslPlain(String user, String password) {
      ClientSecurity.requireJaasSafe(user, password);
      this.saslUser = user;
      this.saslPassword = password;
      return this;
    }

    /** In this JVM (default) or in a child JVM. */
    public Builder mode(Mode mode) {
      if (mode == null) {
        throw new IllegalArgumentException("mode must not be null");
      }
      this.mode = mode;
      return this;
    }

    /**
     * Keep the node's data here (created if missing, kept on close, reused if it already holds a
     * node's data). Default: a new temporary directory, deleted on close.
     */
    public Builder logDir(Path logDir) {
      this.logDir = NodeOptions.logDir(logDir);
      return this;
    }

    /** The client port; 0 (default) picks a free one. Either way it survives restarts. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be in 0..65535 (0 = any free), got " + port);
      }
      this.port = port;
      return this;
    }

    /** The broker's {@code message.max.bytes}; default {@value #DEFAULT_MAX_MESSAGE_BYTES}. */
    public Builder maxMessageBytes(int maxMessageBytes) {
      this.maxMessageBytes = NodeOptions.maxMessageBytes(maxMessageBytes);
      return this;
    }

    /** How long {@link LocalKafka#start()} waits; default 120 s. */
    public Builder startupTimeout(Duration startupTimeout) {
      this.startupTimeout = NodeOptions.startupTimeout(startupTimeout);
      return this;
    }

    /** The child JVM's {@code -Xmx} in {@link Mode#CHILD_PROCESS}; default 512. */
    public Builder childHeapMegabytes(int childHeapMegabytes) {
      this.childHeapMegabytes = NodeOptions.childHeapMegabytes(childHeapMegabytes);
      return this;
    }

    /**
     * The child JVM's options besides {@code -Xmx}, in {@link Mode#CHILD_PROCESS}; default {@link
     * #DEFAULT_CHILD_JVM_OPTIONS}.
     */
    public Builder childJvmOptions(List<String> childJvmOptions) {
      if (childJvmOptions == null || childJvmOptions.stream().anyMatch(o -> o == null)) {
        throw new IllegalArgumentException("childJvmOptions must not be or hold null");
      }
      this.childJvmOptions = List.copyOf(childJvmOptions);
      return this;
    }

    /**
     * Any broker setting (e.g. {@code log.cleaner.backoff.ms}); it overrides LocalKafka's own. The
     * listener, quorum and directory keys, and {@code message.max.bytes} (use {@link
     * #maxMessageBytes}), are refused.
     */
    public Builder brokerProperty(String key, String value) {
      NodeOptions.brokerProperty(extraProperties, key, value);
      return this;
    }

    /** {@link #brokerProperty} for each entry, in iteration order. */
    public Builder brokerProperties(Map<String, String> properties) {
      properties.forEach(this::brokerProperty);
      return this;
    }

    /** A stopped node with ports and log directory chosen; {@link LocalKafka#start()} runs it. */
    public LocalKafka build() {
      if (saslUser != null && tls == null) {
        throw new IllegalStateException("saslPlain needs a TLS listener: add tls() or tlsOnly()");
      }
      return new LocalKafka(
          this, logDir != null ? NodeDirectory.given(logDir) : NodeDirectory.temporary());
    }

    /** {@link #build()} then {@link LocalKafka#start()}; closes the node if it fails to start. */
    public LocalKafka start() {
      LocalKafka kafka = build();
      try {
        return kafka.start();
      } catch (RuntimeException e) {
        kafka.close();
        throw e;
      }
    }
  }
}
