package io.streamprop.observability;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * External command-line tools the tests run (Debian packages), and how their absence is handled.
 */
final class Tools {
  private Tools() {}

  /**
   * Skips the calling test when {@code binary} is missing, naming the package that brings it; in CI
   * ({@code CI=true}), where {@code .ci/run} installs the package, a missing binary fails instead.
   */
  static void require(Path binary, String debianPackage) {
    if (Files.isExecutable(binary)) {
      return;
    }
    String reason =
        binary + " is not installed: apt-get install -y --no-install-recommends " + debianPackage;
    if ("true".equals(System.getenv("CI"))) {
      fail(reason);
    }
    Assumptions.assumeTrue(false, reason);
  }

  /** Exit code and combined output of a finished command. */
  record Result(int exitCode, String output) {}

  /** Runs a command in {@code workDir}, feeding it {@code stdin}, and waits at most 2 minutes. */
  static Result run(Path workDir, String stdin, List<String> command) throws IOException {
    Process process =
        new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
    try (var in = process.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!process.waitFor(2, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new IllegalStateException(command + " did not finish in 2 minutes");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IOException("interrupted", e);
    }
    return new Result(process.exitValue(), output);
  }
}
