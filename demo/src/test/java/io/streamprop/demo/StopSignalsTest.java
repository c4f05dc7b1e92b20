package io.streamprop.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * {@link StopSignals} in a child JVM that a real signal reaches: the first Ctrl-C or SIGTERM is a
 * clean stop (the program's own exit status), a second one ends the JVM at once.
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

  private static BufferedReader lines(Process process) {
    return new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
  }

  @Test
  void ctrlC_cleanStop_exitsWithTheProgramsStatus() throws Exception {
    Process process = child();
    BufferedReader out = lines(process);
    assertThat(out.readLine()).isEqualTo("ready");

    signal(process, "INT");

    assertThat(out.readLine()).isEqualTo("stopping");
    assertThat(process.waitFor()).isZero();
  }

  @Test
  void sigterm_cleanStop_exitsWithTheProgramsStatus() throws Exception {
    Process process = child();
    BufferedReader out = lines(process);
    assertThat(out.readLine()).isEqualTo("ready");

    signal(process, "TERM");

    assertThat(out.readLine()).isEqualTo("stopping");
    assertThat(process.waitFor()).isZero();
  }

  @Test
  void secondCtrlC_whileStopping_endsAtOnceWith130() throws Exception {
    Process process = child("hang");
    BufferedReader out = lines(process);
    assertThat(out.readLine()).isEqualTo("ready");
    signal(process, "INT");
    assertThat(out.readLine()).isEqualTo("stopping");

    signal(process, "INT");

    assertThat(process.waitFor()).isEqualTo(130);
  }
}
