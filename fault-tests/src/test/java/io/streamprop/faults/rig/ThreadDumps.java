package io.streamprop.faults.rig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Thread dumps of child JVMs, for a scenario that fails waiting on one: {@code jcmd PID
 * Thread.print} of the test's own JDK, written into the scenario's kept directory, so that the
 * failure shows where each thread of the child was (a stream thread blocked in a commit, a consumer
 * waiting to rejoin) rather than only that a condition did not come true. A child in a network
 * namespace is reachable too: the attach socket is a file, not a network address.
 */
public final class ThreadDumps {
  private ThreadDumps() {}

  /**
   * Writes the dump of {@code process} to {@code file} (or, when it cannot be taken, why not) and
   * returns {@code file}. Never throws: it runs while a failure is being reported.
   */
  public static Path write(Process process, Path file) {
    String text;
    if (!process.isAlive()) {
      text = "process " + process.pid() + " had exited with " + process.exitValue();
    } else {
      text = jcmd(process.pid());
    }
    try {
      Files.writeString(file, text + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      // The failure being reported matters more than its dump.
    }
    return file;
  }

  private static String jcmd(long pid) {
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    try {
      Process p =
          new ProcessBuilder(jcmd, Long.toString(pid), "Thread.print")
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return "jcmd " + pid + " Thread.print gave no exit within 60 s; output so far:\n" + out;
      }
      return out;
    } catch (IOException e) {
      return "jcmd " + pid + " Thread.print did not run: " + e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted while taking the thread dump of " + pid;
    }
  }
}
