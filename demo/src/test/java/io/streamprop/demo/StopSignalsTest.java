package io.streamprop.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link StopSignals} in a child JVM that a real signal reaches: the first Ctrl-C or SIGTERM is a
 * clean stop (the program's own exit status), a second one ends the JVM at once.
 *
 * <p>A process started in the background of a non-interactive shell ({@code cmd &} in a script)
 * starts with SIGINT ignored, and so do its children; the JVM then leaves it ignored, as it does
 * for its own shutdown hooks, and Ctrl-C cannot reach the demo. The SIGINT tests are skipped there
 * (they would wait forever); the SIGTERM ones still cover both paths.
 */
class StopSignalsTest {

  /**
   * The child: installs the handlers, says {@code ready}, waits for the stop request, says {@code
   * stopping}, then either returns (exit 0) or, with the argument {@code hang}, waits forever like
   * a stop that does not finish.
   */
  public static final class Child {
    public static void main(String[] args) throws InterruptedException {
      CountDownLatch stop = new CountDownLatch(1);
      StopSignals.install(stop::countDown);
      System.out.println("ready");
      stop.await();
      System.out.println("stopping");
      if (args.length > 0 && args[0].equals("hang")) {
        new CountDownLatch(1).await();
      }
    }
  }

  private static Process child(String... args) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String[] command = new String[4 + args.length];
    command[0] = java;
    command[1] = "-cp";
    command[2] = System.getProperty("java.class.path");
    command[3] = Child.class.getName();
    System.arraycopy(args, 0, command, 4, args.length);
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }

  private static void signal(Process process, String name) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
    assertThat(kill.waitFor()).isZero();
  }

  /**
   * SIGINT is ignored in this process (so in its children): bit 2 of SigIgn in /proc/self/status.
   */
  private static boolean sigintIgnored() throws IOException {
    Path status = Path.of("/proc/self/status");
    if (!Files.exists(status)) {
      return false;
    }
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith("SigIgn:")) {
        return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & 0x2) != 0;
      }
    }
    return false;
  }

  /** SIGINT (Ctrl-C) tests are skipped where SIGINT cannot reach the child (see above). */
  private static void assumeReachesChildren(String signal) throws IOException {
    assumeFalse(
        signal.equals("INT") && sigintIgnored(),
        "SIGINT is ignored in this process (started in a shell's background)");
  }

  private static BufferedReader lines(Process process) {
    return new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
  }

  @ParameterizedTest
  @ValueSource(strings = {"INT", "TERM"})
  void firstSignal_cleanStop_exitsWithTheProgramsStatus(String signal) throws Exception {
    assumeReachesChildren(signal);
    Process process = child();
    BufferedReader out = lines(process);
    assertThat(out.readLine()).isEqualTo("ready");

    signal(process, signal);

    assertThat(out.readLine()).isEqualTo("stopping");
    assertThat(process.waitFor()).isZero();
  }

  @ParameterizedTest
  @CsvSource({"INT, 130", "TERM, 143"})
  void secondSignal_whileStopping_endsAtOnceWithTheShellsStatus(String signal, int status)
      throws Exception {
    assumeReachesChildren(signal);
    Process process = child("hang");
    BufferedReader out = lines(process);
    assertThat(out.readLine()).isEqualTo("ready");
    signal(process, signal);
    assertThat(out.readLine()).isEqualTo("stopping");

    signal(process, signal);

    assertThat(process.waitFor()).isEqualTo(status);
  }
}
