package io.streamprop.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link LocalKafka} node in {@link LocalKafka.Mode#CHILD_PROCESS}: runs {@link ChildBroker} in a
 * new JVM on this JVM's class path, copies its output to {@code broker.log}, and counts it started
 * once it prints {@link ChildBroker#READY_LINE}. It stops cleanly by closing the child's standard
 * input, or is killed at once like a crashed broker; either way it can start again on the same
 * {@code server.properties}. Not thread-safe: {@link LocalKafka} calls it under its lock.
 */
final class ChildProcessNode implements KafkaNode {
  private static final Logger log = LoggerFactory.getLogger(ChildProcessNode.class);

  private final NodeDirectory directory;
  private final String clusterId;
  private final ListenerPorts ports;
  private final int heapMegabytes;
  private final List<String> jvmOptions;
  private final Duration startupTimeout;
  private Process process;
  private Thread outputCopier;

  ChildProcessNode(
      NodeDirectory directory,
      String clusterId,
      ListenerPorts ports,
      int heapMegabytes,
      List<String> jvmOptions,
      Duration startupTimeout) {
    this.directory = directory;
    this.clusterId = clusterId;
    this.ports = ports;
    this.heapMegabytes = heapMegabytes;
    this.jvmOptions = jvmOptions;
    this.startupTimeout = startupTimeout;
  }

  /** Whether a started child is still alive (it may have died on its own since). */
  @Override
  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  /**
   * Starts the child on the {@code server.properties} already written and waits until it serves
   * clients; a child that exits, or is not ready within the startup timeout, is killed.
   *
   * @throws LocalKafkaException if the child is not ready within the startup timeout
   */
  @Override
  public void start() throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + heapMegabytes + "m");
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(ChildBroker.class.getName());
    command.add(directory.serverProperties().toString());
    command.add(clusterId);
    Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
    CompletableFuture<Void> ready = new CompletableFuture<>();
    Thread copier = new Thread(() -> copyOutput(child, ready), "local-kafka-child-output");
    copier.setDaemon(true);
    copier.start();
    child.onExit().thenRun(() -> ready.completeExceptionally(exited(child)));
    try {
      ready.get(startupTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      child.destroyForcibly();
      awaitExit(child, Duration.ofSeconds(30));
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw new LocalKafkaException(
          "Kafka child JVM did not become ready on "
              + ports.clientAddress()
              + " within "
              + startupTimeout.toSeconds()
              + " s: "
              + cause.getMessage()
              + "; see "
              + directory.brokerLog(),
          cause);
    }
    process = child;
    outputCopier = copier;
  }

  /**
   * Closing the child's standard input asks it to shut down cleanly (see {@link ChildBroker}); one
   * that takes over 60 s is killed.
   */
  @Override
  public void stop() {
    if (process == null) {
      return;
    }
    Process child = process;
    process = null;
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
    awaitOutput();
  }

  /** Kills the child at once ({@code SIGKILL}): no clean shutdown, no flushed logs. */
  void kill() {
    if (process == null) {
      return;
    }
    Process child = process;
    process = null;
    child.destroyForcibly();
    awaitExit(child, Duration.ofSeconds(30));
    awaitOutput();
  }

  private void copyOutput(Process child, CompletableFuture<Void> ready) {
    try (BufferedReader reader =
            new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        Writer out =
            Files.newBufferedWriter(
                directory.brokerLog(),
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND)) {
      String line;
      while ((line = reader.readLine()) != null) {
        out.write(line);
        out.write('\n');
        out.flush();
        if (line.equals(ChildBroker.READY_LINE)) {
          ready.complete(null);
        }
      }
    } catch (IOException e) {
      ready.completeExceptionally(new UncheckedIOException("reading the child's output", e));
    }
  }

  private static LocalKafkaException exited(Process child) {
    return new LocalKafkaException("the child JVM exited with code " + child.exitValue());
  }

  /** Once the child is gone, its last lines reach {@code broker.log} before we return. */
  private void awaitOutput() {
    Thread copier = outputCopier;
    outputCopier = null;
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
}
