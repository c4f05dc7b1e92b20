package io.streamprop.trainer.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Produces records with Debian's kcat (librdkafka), a Kafka client nobody here wrote: one line per
 * record on its standard input, {@code key TAB value}. A line without a tab has no key, an empty
 * value is a null value ({@code -Z}). Idempotence keeps each partition in the order of the lines.
 */
public final class Kcat {
  private Kcat() {}

  public static final Path KCAT = Path.of("/usr/bin/kcat");

  /** A record to send; {@code key} null sends none, {@code value} null a null value. */
  public record Line(String key, byte[] value) {}

  /**
   * Skips the calling test when kcat is missing, naming its package; in CI ({@code CI=true}), where
   * {@code .ci/run} installs it, a missing kcat fails instead.
   */
  public static void require() {
    if (Files.isExecutable(KCAT)) {
      return;
    }
    String reason = KCAT + " is not installed: apt-get install -y --no-install-recommends kcat";
    if ("true".equals(System.getenv("CI"))) {
      fail(reason);
    }
    Assumptions.assumeTrue(false, reason);
  }

  /** Sends {@code lines} to {@code topic} in order and waits until kcat has delivered them all. */
  public static void produce(String bootstrap, String topic, List<Line> lines) throws IOException {
    produce(bootstrap, topic, lines, List.of());
  }

  /**
   * The same, with more kcat arguments: {@code -X partitioner=murmur2_random} partitions keys as
   * the Java clients do (librdkafka's default, {@code consistent_random}, does not), which records
   * co-partitioned with a Java producer's need.
   */
  public static void produce(String bootstrap, String topic, List<Line> lines, List<String> args)
      throws IOException {
    ByteArrayOutputStream input = new ByteArrayOutputStream();
    for (Line line : lines) {
      byte[] value = line.value() == null ? new byte[0] : line.value();
      for (byte b : value) {
        if (b == '\n' || (line.key() != null && b == '\t') || b == '\r') {
          throw new IllegalArgumentException("kcat cannot send this value as one line");
        }
      }
      if (line.key() != null) {
        input.write(line.key().getBytes(StandardCharsets.UTF_8));
        input.write('\t');
      }
      input.write(value);
      input.write('\n');
    }
    List<String> command = new java.util.ArrayList<>();
    command.addAll(
        List.of(
            KCAT.toString(),
            "-P",
            "-b",
            bootstrap,
            "-t",
            topic,
            "-K",
            "\t",
            "-Z",
            "-X",
            "enable.idempotence=true"));
    command.addAll(args);
    Process kcat = new ProcessBuilder(command).redirectErrorStream(true).start();
    try (OutputStream in = kcat.getOutputStream()) {
      in.write(input.toByteArray());
    }
    String output = new String(kcat.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      // A guard against a hung client, not a measure of speed.
      if (!kcat.waitFor(2, TimeUnit.MINUTES)) {
        kcat.destroyForcibly();
        fail("kcat did not finish in 2 minutes: " + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kcat.destroyForcibly();
      throw new IOException("interrupted", e);
    }
    if (kcat.exitValue() != 0) {
      fail("kcat exited with " + kcat.exitValue() + ": " + output);
    }
  }
}
