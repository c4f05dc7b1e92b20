package io.streamprop.trainer.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.common.utils.Utils;

/**
 * Temporary directories of the bench harnesses (Kafka Streams' state directories, RocksDB stores),
 * deleted with everything in them when the JVM exits: a harness ends in an exception or a signal as
 * often as normally, and its state directories hold megabytes to a gigabyte.
 */
final class BenchDirs {
  private BenchDirs() {}

  /** A new directory in the system's temporary directory, deleted at the JVM's exit. */
  static Path temporary(String prefix) throws IOException {
    Path dir = Files.createTempDirectory(prefix);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    Utils.delete(dir.toFile());
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                },
                "delete-" + dir.getFileName()));
    return dir;
  }
}
