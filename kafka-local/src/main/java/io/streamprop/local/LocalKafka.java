package io.streamprop.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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

  /** The line a child JVM prints once its broker serves clients. */
  static final String CHILD_READY_LINE = "streamprop-local-kafka: ready";

  /** The line a child JVM prints once its broker has shut down cleanly. */
  static final String CHILD_STOPPED_LINE = "streamprop-local-kafka: stopped cleanly";

  private static final String BROKER_LISTENER = "PLAINTEXT";
  private static final String CONTROLLER_LISTENER = "CONTROLLER";
  private static final String TLS_LISTENER = "SSL";
  private static final String HOST = "127.0.0.1";
  private static final int NODE_ID = 1;
  private static final int FIRST_CHOSEN_PORT = 10000;

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

  /** Where the node runs. */
  public enum Mode {
    /** In this JVM: fastest to start; {@link #kill()} is not available. */
    IN_PROCESS,
    /** In a child JVM on this JVM's class path: can be killed like a crashed broker. */
    CHILD_PROCESS
  }

  private final Mode mode;
  private final Path logDir;
  private final boolean deleteLogDirOnClose;
  private final int port;
  private final int maxMessageBytes;
  private final Map<String, String> brokerConfig;
  private final String clusterId;
  private final Duration startupTimeout;
  private final int childHeapMegabytes;
  private final List<String> childJvmOptions;
  private final TlsFiles tls;
  private final boolean plaintext;
  private final String saslUser; // null: the TLS listener authenticates nobody (SSL, not SASL_SSL)
  private final String saslPassword;
  private final int tlsPort;

  private KraftNode inProcessNode;
  private Process childProcess;
  private Thread childOutputCopier;
  private Duration lastStartupTime;
  private boolean closed;

  private LocalKafka(Builder builder, Path logDir, boolean deleteLogDirOnClose) {
    this.mode = builder.mode;
    this.logDir = logDir;
    this.deleteLogDirOnClose = deleteLogDirOnClose;
    this.port = builder.port == 0 ? freePort() : builder.port;
    this.maxMessageBytes = builder.maxMessageBytes;
    this.clusterId = Uuid.randomUuid().toString();
    this.startupTimeout = builder.startupTimeout;
    this.childHeapMegabytes = builder.childHeapMegabytes;
    this.childJvmOptions = builder.childJvmOptions;
    this.tls = builder.tls;
    this.plaintext = builder.plaintext;
    this.saslUser = builder.saslUser;
    this.saslPassword = builder.saslPassword;
    int controllerPort = freePortOtherThan(port);
    int chosenTlsPort = plaintext ? -1 : port;
    while (tls != null && (chosenTlsPort < 0 || chosenTlsPort == controllerPort)) {
      chosenTlsPort = freePortOtherThan(port);
    }
    this.tlsPort = chosenTlsPort;
    this.brokerConfig =
        Collections.unmodifiableMap(brokerConfig(port, controllerPort, builder.extraProperties));
  }

  /** A builder with the defaults: in process, temporary log directory, any free port. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The configuration of the single node. The listener layout is fixed; the rest are settings a
   * one-node cluster needs, each explained in {@code docs/local-kafka.md}, then the caller's {@link
   * Builder#brokerProperty extra properties}, which win.
   */
  private Map<String, String> brokerConfig(
      int brokerPort, int controllerPort, Map<String, String> extraProperties) {
    Map<String, String> config = new LinkedHashMap<>();
    // Listener layout: client listeners (plaintext, TLS, or both) and one controller listener, all
    // on loopback.
    config.put("process.roles", "broker,controller");
    config.put("node.id", Integer.toString(NODE_ID));
    List<String> clientListeners = new ArrayList<>();
    List<String> protocols = new ArrayList<>();
    if (plaintext) {
      clientListeners.add(BROKER_LISTENER + "://" + HOST + ":" + brokerPort);
      protocols.add(BROKER_LISTENER + ":PLAINTEXT");
    }
    protocols.add(CONTROLLER_LISTENER + ":PLAINTEXT");
    if (tls != null) {
      clientListeners.add(TLS_LISTENER + "://" + HOST + ":" + tlsPort);
      protocols.add(TLS_LISTENER + (saslUser == null ? ":SSL" : ":SASL_SSL"));
    }
    config.put(
        "listeners",
        String.join(",", clientListeners)
            + ","
            + CONTROLLER_LISTENER
            + "://"
            + HOST
            + ":"
            + controllerPort);
    config.put("advertised.listeners", String.join(",", clientListeners));
    config.put("listener.security.protocol.map", String.join(",", protocols));
    if (tls != null) {
      // A server-authenticated TLS listener for clients; the controller keeps talking over
      // loopback in plaintext (one node: nothing crosses a network, and no client can use the
      // controller listener).
      config.put("ssl.keystore.type", "PKCS12");
      config.put("ssl.keystore.location", tls.keyStore().toString());
      config.put("ssl.keystore.password", tls.password());
      config.put("ssl.key.password", tls.password());
      config.put("ssl.client.auth", "none");
    }
    if (saslUser != null) {
      // SASL/PLAIN over TLS on the TLS listener: one user, whose credentials the broker's own
      // inter-broker client uses too when there is no plaintext listener.
      config.put("sasl.enabled.mechanisms", "PLAIN");
      config.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
      config.put(
          "listener.name." + TLS_LISTENER.toLowerCase(Locale.ROOT) + ".plain.sasl.jaas.config",
          plainLogin(saslUser, saslPassword) + " user_" + saslUser + "=\"" + saslPassword + "\";");
    }
    if (!plaintext) {
      // TLS only: the broker's own inter-broker clients (transaction markers it sends to the
      // partition leaders, i.e. to itself) go over the TLS listener and must trust its
      // certificate.
      config.put("ssl.truststore.type", "PKCS12");
      config.put("ssl.truststore.location", tls.trustStore().toString());
      config.put("ssl.truststore.password", tls.password());
    }
    config.put("inter.broker.listener.name", plaintext ? BROKER_LISTENER : TLS_LISTENER);
    config.put("controller.listener.names", CONTROLLER_LISTENER);
    // A static quorum of one voter: the controller's port lives only in this config, not in
    // the formatted storage, and it is kept across restarts anyway.
    config.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
    config.put("log.dirs", logDir.resolve("data").toString());

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
      writeServerProperties();
      if (mode == Mode.IN_PROCESS) {
        KraftNode node = new KraftNode(brokerConfig, clusterId);
        node.start();
        inProcessNode = node;
      } else {
        startChild();
      }
    } catch (LocalKafkaException e) {
      throw e;
    } catch (Exception e) {
      throw new LocalKafkaException(
          "Kafka did not start on "
              + bootstrapServers()
              + " (log dir "
              + logDir
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
        logDir);
    return this;
  }

  /** Shuts the node down cleanly; its data stays for a later {@link #start()}. */
  public synchronized void stop() {
    if (inProcessNode != null) {
      KraftNode node = inProcessNode;
      inProcessNode = null;
      node.stop();
    }
    if (childProcess != null) {
      Process child = childProcess;
      childProcess = null;
      stopChild(child);
      awaitChildOutput();
    }
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
    if (mode != Mode.CHILD_PROCESS) {
      throw new UnsupportedOperationException(
          "kill() needs Mode.CHILD_PROCESS; an in-process broker can only stop() cleanly");
    }
    if (childProcess != null) {
      Process child = childProcess;
      childProcess = null;
      child.destroyForcibly();
      awaitExit(child, Duration.ofSeconds(30));
      awaitChildOutput();
    }
  }

  /** Whether the node is started and not stopped, killed or closed. */
  public synchronized boolean isRunning() {
    return inProcessNode != null || (childProcess != null && childProcess.isAlive());
  }

  /**
   * The {@code bootstrap.servers} value for clients; the same across restarts. On a node built with
   * {@link Builder#tlsOnly} this is the TLS listener, and clients need {@link
   * #tlsClientProperties()}.
   */
  public String bootstrapServers() {
    return HOST + ":" + port;
  }

  /**
   * The {@code bootstrap.servers} value for clients of the TLS listener; the same across restarts.
   *
   * @throws IllegalStateException if the node was built without {@link Builder#tls}
   */
  public String tlsBootstrapServers() {
    if (tls == null) {
      throw new IllegalStateException("this LocalKafka has no TLS listener; build it with tls()");
    }
    return HOST + ":" + tlsPort;
  }

  /**
   * The properties a client of the TLS listener needs: {@code bootstrap.servers}, {@code
   * security.protocol=SSL} and the trust store; with {@link Builder#saslPlain}, {@code
   * security.protocol=SASL_SSL}, {@code sasl.mechanism=PLAIN} and the user's {@code
   * sasl.jaas.config} as well.
   */
  public Map<String, String> tlsClientProperties() {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("bootstrap.servers", tlsBootstrapServers());
    properties.putAll(tls.clientProperties());
    if (saslUser != null) {
      properties.put("security.protocol", "SASL_SSL");
      properties.put("sasl.mechanism", "PLAIN");
      properties.put("sasl.jaas.config", plainJaasConfig(saslUser, saslPassword));
    }
    return properties;
  }

  /** The {@code sasl.jaas.config} value of a SASL/PLAIN client with these credentials. */
  public static String plainJaasConfig(String user, String password) {
    return plainLogin(user, password) + ";";
  }

  /** The PLAIN login module with these credentials, without the closing {@code ;}. */
  private static String plainLogin(String user, String password) {
    return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
        + user
        + "\" password=\""
        + password
        + "\"";
  }

  /** The client port; the same across restarts. */
  public int port() {
    return port;
  }

  /**
   * Whether clients can reach the node over plaintext (false only with {@link Builder#tlsOnly}).
   */
  public boolean hasPlaintextListener() {
    return plaintext;
  }

  /** The directory under which the node keeps its data ({@code data/}) and its properties. */
  public Path logDir() {
    return logDir;
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
      if (deleteLogDirOnClose) {
        deleteRecursively(logDir);
      }
    }
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("this LocalKafka is closed; build a new one");
    }
  }

  private void writeServerProperties() throws IOException {
    Properties properties = new Properties();
    properties.putAll(brokerConfig);
    Files.createDirectories(logDir);
    try (Writer writer = Files.newBufferedWriter(serverProperties(), StandardCharsets.UTF_8)) {
      properties.store(writer, "written by io.streamprop.local.LocalKafka; cluster " + clusterId);
    }
  }

  private Path serverProperties() {
    return logDir.resolve("server.properties");
  }

  private Path childLog() {
    return logDir.resolve("broker.log");
  }

  /**
   * Runs {@link ChildBroker} in a new JVM on our class path, copies its output to {@code
   * broker.log}, and waits for the line it prints once the broker serves clients.
   */
  private void startChild() throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + childHeapMegabytes + "m");
    command.addAll(childJvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(ChildBroker.class.getName());
    command.add(serverProperties().toString());
    command.add(clusterId);
    Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
    CompletableFuture<Void> ready = new CompletableFuture<>();
    Thread copier = new Thread(() -> copyChildOutput(child, ready), "local-kafka-child-output");
    copier.setDaemon(true);
    copier.start();
    child.onExit().thenRun(() -> ready.completeExceptionally(childExited(child)));
    try {
      ready.get(startupTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      child.destroyForcibly();
      awaitExit(child, Duration.ofSeconds(30));
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw new LocalKafkaException(
          "Kafka child JVM did not become ready on "
              + bootstrapServers()
              + " within "
              + startupTimeout.toSeconds()
              + " s: "
              + cause.getMessage()
              + "; see "
              + childLog(),
          cause);
    }
    childProcess = child;
    childOutputCopier = copier;
  }

  private void copyChildOutput(Process child, CompletableFuture<Void> ready) {
    try (BufferedReader reader =
            new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        Writer out =
            Files.newBufferedWriter(
                childLog(),
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND)) {
      String line;
      while ((line = reader.readLine()) != null) {
        out.write(line);
        out.write('\n');
        out.flush();
        if (line.equals(CHILD_READY_LINE)) {
          ready.complete(null);
        }
      }
    } catch (IOException e) {
      ready.completeExceptionally(new UncheckedIOException("reading the child's output", e));
    }
  }

  private LocalKafkaException childExited(Process child) {
    return new LocalKafkaException("the child JVM exited with code " + child.exitValue());
  }

  /** Closing the child's standard input asks it to shut down cleanly (see {@link ChildBroker}). */
  private void stopChild(Process child) {
    try (OutputStream stdin = child.getOutputStream()) {
      stdin.flush();
    } catch (IOException e) {
      log.debug("closing the child's input failed; it is exiting already", e);
    }
    if (!awaitExit(child, Duration.ofSeconds(60))) {
      log.warn("Kafka child JVM did not stop within 60 s; killing it");
      child.destroyForcibly();
      awaitExit(child, Duration.ofSeconds(30));
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

  /** Once the child is gone, its last lines reach {@code broker.log} before we return. */
  private void awaitChildOutput() {
    Thread copier = childOutputCopier;
    childOutputCopier = null;
    if (copier == null) {
      return;
    }
    try {
      copier.join(Duration.ofSeconds(10).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static boolean awaitExit(Process child, Duration timeout) {
    try {
      return child.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * A port that was free a moment ago, chosen below the operating system's ephemeral range. The
   * broker binds it seconds later (and again after every restart); a port inside the ephemeral
   * range could meanwhile become the local end of some outgoing connection on this machine, and the
   * bind would fail. Below that range only a process that binds this very port can collide.
   */
  private static int freePort() {
    int ephemeralLow = ephemeralPortRangeStart();
    if (ephemeralLow > FIRST_CHOSEN_PORT + 1000) {
      for (int attempt = 0; attempt < 50; attempt++) {
        int candidate = ThreadLocalRandom.current().nextInt(FIRST_CHOSEN_PORT, ephemeralLow);
        if (isFree(candidate)) {
          return candidate;
        }
      }
    }
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new LocalKafkaException("no free port on " + HOST + ": " + e.getMessage(), e);
    }
  }

  private static int freePortOtherThan(int taken) {
    int port = freePort();
    while (port == taken) {
      port = freePort();
    }
    return port;
  }

  private static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), port), 1);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Linux publishes its ephemeral range; elsewhere assume the IANA range (49152 and up). */
  private static int ephemeralPortRangeStart() {
    Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    // Read line by line: /proc reports a size of 0, and size-based reads (Files.readString)
    // come back truncated.
    try (BufferedReader reader = Files.newBufferedReader(range, StandardCharsets.US_ASCII)) {
      String[] bounds = reader.readLine().trim().split("\\s+");
      return Integer.parseInt(bounds[0]);
    } catch (IOException | RuntimeException e) {
      return 49152;
    }
  }

  private static void deleteRecursively(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.delete(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
              Files.delete(dir);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      log.warn("could not delete the local Kafka log dir {}: {}", root, e.toString());
    }
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
      for (String value : new String[] {user, password}) {
        if (value == null || !value.matches("[A-Za-z0-9._-]+")) {
          throw new IllegalArgumentException(
              "SASL user and password must be non-empty letters, digits, '.', '_' or '-', got: "
                  + value);
        }
      }
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
      if (logDir == null) {
        throw new IllegalArgumentException("logDir must not be null");
      }
      this.logDir = logDir;
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
      if (maxMessageBytes < 1024) {
        throw new IllegalArgumentException(
            "maxMessageBytes must be at least 1024, got " + maxMessageBytes);
      }
      this.maxMessageBytes = maxMessageBytes;
      return this;
    }

    /** How long {@link LocalKafka#start()} waits; default 120 s. */
    public Builder startupTimeout(Duration startupTimeout) {
      if (startupTimeout == null || startupTimeout.isNegative() || startupTimeout.isZero()) {
        throw new IllegalArgumentException(
            "startupTimeout must be positive, got " + startupTimeout);
      }
      this.startupTimeout = startupTimeout;
      return this;
    }

    /** The child JVM's {@code -Xmx} in {@link Mode#CHILD_PROCESS}; default 512. */
    public Builder childHeapMegabytes(int childHeapMegabytes) {
      if (childHeapMegabytes < 128) {
        throw new IllegalArgumentException(
            "childHeapMegabytes must be at least 128, got " + childHeapMegabytes);
      }
      this.childHeapMegabytes = childHeapMegabytes;
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
      if (key == null || key.isBlank()) {
        throw new IllegalArgumentException("broker property key must not be blank");
      }
      if (value == null) {
        throw new IllegalArgumentException("broker property " + key + " has a null value");
      }
      if (RESERVED_KEYS.contains(key)) {
        throw new IllegalArgumentException(
            "broker property "
                + key
                + " is set by LocalKafka"
                + (key.equals("message.max.bytes")
                    ? "; use maxMessageBytes(int)"
                    : " (single-node listener, quorum and directory layout)"));
      }
      extraProperties.put(key, value);
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
      if (logDir != null) {
        return new LocalKafka(this, logDir.toAbsolutePath(), false);
      }
      try {
        return new LocalKafka(this, Files.createTempDirectory("streamprop-kafka-"), true);
      } catch (IOException e) {
        throw new LocalKafkaException("cannot create a temporary log dir: " + e.getMessage(), e);
      }
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
