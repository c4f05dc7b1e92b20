package io.streamprop.faults.rig;

import io.streamprop.nn.kernel.Kernels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Child JVMs of one scenario (trainer, scorer), started on the test's own class path. {@link
 * #close()} kills every one still alive, and a shutdown hook does the same if the test JVM itself
 * is stopped, so no child outlives its test. It also copies every child's log to {@link #KEPT}, so
 * that a child that failed (a scorer never ready, a trainer that died) can be read after its test
 * and its temporary directory are gone.
 */
public final class Children implements AutoCloseable {
  private final List<Process> processes = new ArrayList<>();
  private final Thread hook = new Thread(this::killAll, "fault-children-kill");
  private final Path logDir;
  private final Set<String> logNames = new LinkedHashSet<>();

  /** Where {@link #close()} keeps the children's logs: {@code target/children-logs}. */
  static final Path KEPT = Path.of("target", "children-logs");

  public Children(Path logDir) {
    this.logDir = logDir;
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** Starts {@code mainClass} with {@code args}; its output goes to {@code logName} in the dir. */
  public Process start(String logName, String mainClass, String... args) throws IOException {
    return start(List.of(), logName, mainClass, args);
  }

  /**
   * As {@link #start(String, String, String...)}, the {@code java} command line run by {@code
   * launcher} (e.g. {@link NetNamespace#launcher()}); the launcher must exec it, so that the
   * process killed is the JVM.
   */
  public synchronized Process start(
      List<String> launcher, String logName, String mainClass, String... args) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(launcher);
    command.add(java);
    command.add("-Xmx384m");
    command.add("-XX:+UseSerialGC");
    // The engine's vector kernels, as the launcher and the images run them and as this JVM does:
    // the offline predictors here and a child scorer must fuse the same multiply-adds
    // (io.streamprop.nn.kernel.Kernels#fusedInference), or their answers differ in the last bit.
    if (Kernels.vectorAvailable()) {
      command.add("--add-modules=" + Kernels.VECTOR_MODULE);
    }
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(logDir.resolve(logName).toFile()));
    Process process = builder.start();
    processes.add(process);
    logNames.add(logName);
    return process;
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed or committed. */
  public static void sigkill(Process process) throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError("process " + process.pid() + " survived SIGKILL for 30 s");
    }
  }

  /** Copies the logs to {@link #KEPT}, named after the scenario's directory; best effort. */
  private synchronized void keepLogs() {
    try {
      Files.createDirectories(KEPT);
      for (String name : logNames) {
        Path log = logDir.resolve(name);
        if (Files.exists(log)) {
          Files.copy(
              log,
              KEPT.resolve(logDir.getFileName() + "-" + name),
              StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (IOException e) {
      // The logs are for reading after a failure; their loss must not fail a test.
    }
  }

  private synchronized void killAll() {
    for (Process p : processes) {
      p.destroyForcibly();
    }
    for (Process p : processes) {
      try {
        p.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Override
  public void close() {
    killAll();
    keepLogs();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // The JVM is already shutting down; the hook runs anyway.
    }
  }
}
